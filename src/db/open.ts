import type {Connection} from './connection.js'
import {openExample} from './examples.js'
import {openMysql} from './mysql.js'
import {openPglite} from './pglite.js'
import {openPostgres} from './postgres.js'
import type {Target} from './target.js'

/** Open a session on any supported target. The caller closes it. */
export async function openTarget(target: Target, options: {onProgress?: (message: string) => void} = {}): Promise<Connection> {
  switch (target.kind) {
    case 'postgres':
      return openPostgres(target.url)
    case 'mysql':
      return openMysql(target.url)
    case 'pglite':
      return openPglite(target.dataDir)
    case 'example':
      return openExample(target.name, options.onProgress)
  }
}

import type {Connection} from './connection.js'
import type {Target} from './target.js'

/**
 * Open a session on any supported target. The caller closes it.
 *
 * Drivers are imported on demand, one per engine: a PostgreSQL session never loads mysql2, and
 * commands that only import this module (every command, through CarveCommand) pay for no driver.
 */
export async function openTarget(target: Target, options: {onProgress?: (message: string) => void} = {}): Promise<Connection> {
  switch (target.kind) {
    case 'postgres':
      return (await import('./postgres.js')).openPostgres(target.url)
    case 'mysql':
      return (await import('./mysql.js')).openMysql(target.url)
    case 'pglite':
      return (await import('./pglite.js')).openPglite(target.dataDir)
    case 'example':
      return (await import('./examples.js')).openExample(target.name, options.onProgress)
  }
}

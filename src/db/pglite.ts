import {mkdirSync, rmSync} from 'node:fs'

import {PGlite} from '@electric-sql/pglite'

import {CarveError} from '../errors.js'
import type {Connection} from './connection.js'
import {readServerInfo} from './postgres.js'

/**
 * Embedded PostgreSQL (PGlite: real Postgres compiled to WASM). It is one single session, which
 * is why Connection is one session everywhere: code that works here works on a server.
 */
export async function openPglite(dataDir: string | null, options: {label?: string; removeOnClose?: boolean} = {}): Promise<Connection> {
  let db: PGlite
  try {
    if (dataDir) mkdirSync(dataDir, {recursive: true})
    db = new PGlite({dataDir: dataDir ?? undefined})
    await db.waitReady
  } catch (error) {
    throw new CarveError('db.pglite', `cannot open the embedded database${dataDir ? ` at ${dataDir}` : ''}: ${(error as Error).message}`, {
      hint: dataDir ? 'the folder must be empty or hold a PGlite database created by the same PGlite version' : undefined,
      cause: error,
    })
  }
  let queryCount = 0
  const run = async <T>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
    queryCount++
    const result = await db.query<T>(sql, params as unknown[] | undefined)
    return result.rows
  }
  const info = await readServerInfo(run)
  return {
    engine: 'postgres',
    flavor: 'pglite',
    label: options.label ?? (dataDir ? `pglite:${dataDir}` : 'pglite:memory'),
    ...info,
    query: run,
    async exec(sql) {
      await db.exec(sql)
    },
    get queryCount() {
      return queryCount
    },
    async close() {
      await db.close().catch(() => {})
      if (options.removeOnClose && dataDir) rmSync(dataDir, {recursive: true, force: true})
    },
  }
}

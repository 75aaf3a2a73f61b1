/** The PostgreSQL server the benchmarks run against: scratch databases, scripts, version. */
import pg from 'pg'

import {onCleanup} from './cleanup.js'
import {BenchError} from './registry.js'

/** The URL with the password hidden, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable URL)'
  }
}

/** The same server, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const u = new URL(serverUrl)
  u.pathname = `/${encodeURIComponent(database)}`
  return u.toString()
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({connectionString: url, connectionTimeoutMillis: 5000, application_name: 'carve-bench'})
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    throw new BenchError(`cannot connect to PostgreSQL at ${redact(url)}: ${(error as Error).message} (pass --pg URL)`)
  }
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

export interface ServerInfo {
  version: string
  versionNum: number
  /** Other clients' sessions running a statement right now: they compete with the benchmark. */
  otherActiveSessions: number
}

export async function serverInfo(url: string): Promise<ServerInfo> {
  return withClient(url, async (c) => {
    const {rows} = await c.query<{v: string; n: string; active: number}>(
      `select current_setting('server_version') as v, current_setting('server_version_num') as n,
              (select count(*)::int from pg_stat_activity
                where state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend') as active`,
    )
    return {version: rows[0]!.v, versionNum: Number(rows[0]!.n), otherActiveSessions: rows[0]!.active}
  })
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

export interface ScratchDatabase {
  name: string
  url: string
  /** Drop it now (it is also dropped at exit, on failure and on Ctrl-C). */
  drop(): Promise<void>
}

/** Create a fresh database beside the server URL's; it is dropped however the run ends. */
export async function createScratchDatabase(serverUrl: string, name: string): Promise<ScratchDatabase> {
  await withClient(serverUrl, async (c) => {
    await c.query(`drop database if exists ${quoteIdent(name)}`)
    await c.query(`create database ${quoteIdent(name)}`)
  })
  const drop = onCleanup(() => dropDatabase(serverUrl, name))
  return {name, url: databaseUrl(serverUrl, name), drop}
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, async (c) => {
    const {rows} = await c.query<{n: string}>(`select current_setting('server_version_num') as n`)
    // WITH (FORCE) (PostgreSQL 13+) ends sessions a killed benchmark may have left behind.
    const force = Number(rows[0]!.n) >= 130000 ? ' with (force)' : ''
    await c.query(`drop database if exists ${quoteIdent(name)}${force}`)
  })
}

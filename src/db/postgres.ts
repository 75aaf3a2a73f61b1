import type {Client} from 'pg'

import {CarveError} from '../errors.js'
import type {Connection} from './connection.js'
import pg from './pg-driver.js'
import {redactUrl} from './target.js'

/** Oldest PostgreSQL the catalog reader supports (generated columns and prokind need 12). */
export const MIN_POSTGRES_MAJOR = 12

interface Where {
  host: string
  port: number
  user: string
  database: string
}

/**
 * node-postgres treats sslmode=prefer|require|verify-ca as verify-full and announces it with a
 * multi-line process warning on the first connection. Carve keeps the driver's (stricter)
 * behaviour but says so in one line of its own: the URL given to the driver spells verify-full.
 */
export function driverSslMode(url: string): {url: string; warning: string | null} {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return {url, warning: null}
  }
  const mode = parsed.searchParams.get('sslmode')
  if (!mode || !['prefer', 'require', 'verify-ca'].includes(mode) || parsed.searchParams.get('uselibpqcompat') === 'true') return {url, warning: null}
  parsed.searchParams.set('sslmode', 'verify-full')
  return {url: parsed.toString(), warning: `warning: sslmode=${mode} is handled as verify-full by the PostgreSQL driver (the server's certificate and name are checked); add uselibpqcompat=true to the URL for libpq's meaning`}
}

let sslWarned = false

/** The driver session behind each PostgreSQL connection, for COPY streams (pg-copy-streams needs the client). */
const clients = new WeakMap<Connection, Client>()

/** The node-postgres client of a connection opened by openPostgres; undefined for PGlite and MySQL. */
export function pgClientOf(conn: Connection): Client | undefined {
  return clients.get(conn)
}

export async function openPostgres(givenUrl: string): Promise<Connection> {
  const ssl = driverSslMode(givenUrl)
  if (ssl.warning && !sslWarned) {
    sslWarned = true
    process.stderr.write(`${ssl.warning}\n`)
  }
  const url = ssl.url
  const parsed = new URL(url)
  const where: Where = {
    host: decodeURIComponent(parsed.hostname) || 'localhost',
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username) || process.env.PGUSER || process.env.USER || 'postgres',
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres',
  }
  const newClient = () => {
    const c = new pg.Client({connectionString: url, connectionTimeoutMillis: 5000, application_name: 'carve'})
    // A dropped connection after connect must not crash the process with an unhandled 'error' event.
    c.on('error', () => {})
    return c
  }
  const client = newClient()
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw translatePgError(error, where)
  }
  let queryCount = 0
  const run = async <T>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
    queryCount++
    const result = await client.query(sql, params as unknown[] | undefined)
    return result.rows as T[]
  }
  try {
    const info = await readServerInfo(run)
    checkPostgresVersion(info.serverMajor, info.serverVersion)
    const conn: Connection = {
      engine: 'postgres',
      flavor: 'postgresql',
      label: redactUrl(givenUrl),
      ...info,
      query: run,
      async exec(sql) {
        await client.query(sql)
      },
      get queryCount() {
        return queryCount
      },
      async withSecondSession<T>(work: (second: Connection['query']) => Promise<T>): Promise<T> {
        const other = newClient()
        let shared = false
        try {
          // The second session's start-up (a new server backend) overlaps the snapshot export
          // on this one, and it joins the snapshot in one round trip (a two-statement script).
          const exporting = client.query('begin isolation level repeatable read read only')
            .then(() => client.query<{s: string}>('select pg_export_snapshot() as s'))
          const [connected, exported] = await Promise.allSettled([other.connect(), exporting])
          if (connected.status === 'rejected') throw connected.reason
          if (exported.status === 'rejected') throw exported.reason
          const snapshot = exported.value.rows[0]!.s
          await other.query(`begin isolation level repeatable read read only; set transaction snapshot '${snapshot.replace(/'/g, "''")}'`)
          shared = true
        } catch {
          // No second session to be had (connection limit, a standby that cannot export
          // snapshots…): do the work on this one session instead.
          await client.query('rollback').catch(() => {})
          await other.end().catch(() => {})
        }
        if (!shared) return work(run)
        try {
          return await work(async <R>(sql: string, params?: readonly unknown[]) => {
            queryCount++
            return (await other.query(sql, params as unknown[] | undefined)).rows as R[]
          })
        } finally {
          await client.query('commit').catch(() => {})
          // Not waited for: nothing uses the second session again, and its goodbye (the server
          // backend's exit, 10-40 ms after a catalog read) overlaps what the caller does next.
          other.end().catch(() => {})
        }
      },
      async close() {
        await client.end().catch(() => {})
      },
    }
    clients.set(conn, client)
    return conn
  } catch (error) {
    await client.end().catch(() => {})
    throw error instanceof CarveError ? error : translatePgError(error, where)
  }
}

export async function readServerInfo(
  query: <T>(sql: string) => Promise<T[]>,
): Promise<{database: string; serverVersion: string; serverMajor: number}> {
  const [row] = await query<{database: string; version: string; num: string}>(
    `select current_database() as database, current_setting('server_version') as version,
            current_setting('server_version_num') as num`,
  )
  if (!row) throw new Error('server returned no version')
  return {database: row.database, serverVersion: row.version, serverMajor: Math.floor(Number(row.num) / 10000)}
}

export function checkPostgresVersion(major: number, version: string): void {
  if (major < MIN_POSTGRES_MAJOR) {
    throw new CarveError('db.unsupported', `PostgreSQL ${version} is not supported (Carve needs ${MIN_POSTGRES_MAJOR} or newer)`, {
      hint: 'upgrade the server, or inspect a restored copy on a newer PostgreSQL',
    })
  }
}

/** Turn a driver error into one line a person can act on. The password never appears. */
export function translatePgError(error: unknown, where: Where): CarveError {
  const e = error as {code?: string; message?: string; errors?: {code?: string}[]}
  const at = `${where.host}:${where.port}`
  // Node reports a failed connect to several addresses (localhost → ::1 and 127.0.0.1) as an AggregateError.
  const code = e.code ?? e.errors?.find((x) => x?.code)?.code ?? ''
  const message = e.message ?? String(error)
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH'].includes(code) || /timeout/i.test(message)) {
    return new CarveError('db.unreachable', `cannot reach PostgreSQL at ${at} (${code || 'timeout'})`, {
      hint: 'check the host and port, that the server is running, and that it accepts TCP connections',
      cause: error,
    })
  }
  if (code === '28P01') {
    return new CarveError('db.auth', `PostgreSQL rejected the password for user "${where.user}" at ${at}`, {
      hint: 'check the user and password in the URL (or PGPASSWORD / ~/.pgpass)',
      cause: error,
    })
  }
  if (code === '28000') {
    return new CarveError('db.auth', `PostgreSQL refused user "${where.user}" at ${at}: ${stripPassword(message)}`, {
      hint: 'check the user name and the server\'s pg_hba.conf',
      cause: error,
    })
  }
  if (code === '3D000') {
    return new CarveError('db.missing', `database "${where.database}" does not exist on ${at}`, {
      hint: 'check the database name in the URL; `psql -l` lists the databases',
      cause: error,
    })
  }
  if (code === '42501') {
    return new CarveError('db.permission', `user "${where.user}" lacks privileges on "${where.database}": ${stripPassword(message)}`, {
      hint: 'grant CONNECT on the database and USAGE on its schemas to this user, or use a user that has them',
      cause: error,
    })
  }
  if (code === '53300') {
    return new CarveError('db.busy', `PostgreSQL at ${at} has no free connection slots`, {hint: 'try again later', cause: error})
  }
  if (/password authentication|SASL|SCRAM/i.test(message)) {
    return new CarveError('db.auth', `PostgreSQL authentication failed for user "${where.user}" at ${at}`, {
      hint: 'check the user and password in the URL',
      cause: error,
    })
  }
  return new CarveError('db.error', `PostgreSQL at ${at}: ${stripPassword(message)}`, {cause: error})
}

function stripPassword(text: string): string {
  return redactUrl(text)
}

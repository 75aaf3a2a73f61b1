/**
 * MySQL / MariaDB connections through mysql2.
 *
 * `query` uses mysql2's client-side formatting (`connection.query`, not `execute`), so `IN (?)`
 * with an array parameter expands to a list — the catalog reader relies on that.
 */
import mysql from 'mysql2/promise'

import {CarveError} from '../errors.js'
import type {Connection} from './connection.js'

/** Oldest servers Carve supports: they have the information_schema tables the reader needs. */
const MIN_MYSQL: [number, number] = [5, 7]
const MIN_MARIADB: [number, number] = [10, 3]

const CONNECT_TIMEOUT_MS = 5000

export interface MysqlWhere {
  host: string
  port: number
  user: string
  database: string
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
])

/** Access-denied errors once logged in: database, table, column, routine or global privileges. */
const PERMISSION = new Set([
  'ER_DBACCESS_DENIED_ERROR', // 1044
  'ER_TABLEACCESS_DENIED_ERROR', // 1142
  'ER_COLUMNACCESS_DENIED_ERROR', // 1143
  'ER_SPECIFIC_ACCESS_DENIED_ERROR', // 1227
  'ER_PROCACCESS_DENIED_ERROR', // 1370
])
const PERMISSION_ERRNO = new Set([1044, 1142, 1143, 1227, 1370])

const AUTH = new Set([
  'ER_ACCESS_DENIED_ERROR', // 1045
  'ER_ACCESS_DENIED_NO_PASSWORD_ERROR', // 1698 (e.g. MariaDB root with unix_socket auth)
  'ER_NOT_SUPPORTED_AUTH_MODE', // 1251
  'AUTH_SWITCH_PLUGIN_ERROR',
])
const AUTH_ERRNO = new Set([1045, 1698, 1251])

function errorFields(error: unknown): {code?: string; errno?: number; message: string} {
  if (!error || typeof error !== 'object') return {message: String(error)}
  const e = error as {code?: unknown; errno?: unknown; message?: unknown; sqlMessage?: unknown; errors?: unknown}
  let code = typeof e.code === 'string' ? e.code : undefined
  // Node reports a failed connect to several addresses (localhost → ::1 and 127.0.0.1) as an AggregateError.
  if (!code && Array.isArray(e.errors)) {
    const inner = e.errors.find((x) => x && typeof x === 'object' && typeof (x as {code?: unknown}).code === 'string')
    if (inner) code = (inner as {code: string}).code
  }
  const errno = typeof e.errno === 'number' ? e.errno : undefined
  const text = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(error)
  return {code, errno, message: text}
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '').trim()
}

/** True when the error is one translateMysqlError knows how to explain (not a plain SQL error). */
function isKnownConnectionError(error: unknown): boolean {
  const {code, errno} = errorFields(error)
  return (
    (code !== undefined && (UNREACHABLE.has(code) || PERMISSION.has(code) || AUTH.has(code))) ||
    (errno !== undefined && (PERMISSION_ERRNO.has(errno) || AUTH_ERRNO.has(errno) || errno === 1049 || errno === 1130))
  )
}

/**
 * Turn a mysql2 / network error into a one-line CarveError with a hint. The password is never
 * part of `where`, and server messages do not contain it, so nothing here can print it.
 */
export function translateMysqlError(error: unknown, where: MysqlWhere): CarveError {
  if (error instanceof CarveError) return error
  const {code, errno, message} = errorFields(error)
  const at = `${where.host}:${where.port}`
  const user = where.user || '(no user)'

  if (code !== undefined && UNREACHABLE.has(code)) {
    const why = code === 'ETIMEDOUT' ? 'timed out' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found' : code
    return new CarveError('db.unreachable', `cannot reach MySQL at ${at} (${why})`, {
      hint: 'Check that the server is running and that host and port in the URL are right, e.g. mysql://user:password@host:3306/database.',
      cause: error,
    })
  }
  if (code === 'ER_ACCESS_DENIED_ERROR' || errno === 1045 || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR' || errno === 1698) {
    return new CarveError('db.auth', `MySQL rejected the password for user ${user} at ${at}`, {
      hint: 'Check the user name and password in the URL (percent-encode special characters in the password).',
      cause: error,
    })
  }
  if (code === 'ER_HOST_NOT_PRIVILEGED' || errno === 1130) {
    return new CarveError('db.auth', `MySQL at ${at} does not let user ${user} connect from this host`, {
      hint: `Create the account for this client host (CREATE USER '${user}'@'<your host>') or connect from an allowed host.`,
      cause: error,
    })
  }
  if (code !== undefined && AUTH.has(code)) {
    return new CarveError('db.auth', `MySQL at ${at} could not authenticate user ${user}: ${firstLine(message)}`, {
      hint: 'The account may use an authentication plugin the client does not support; try a mysql_native_password or caching_sha2_password account.',
      cause: error,
    })
  }
  if (code === 'ER_BAD_DB_ERROR' || errno === 1049) {
    return new CarveError('db.missing', `database ${where.database} does not exist on ${at}`, {
      hint: 'Check the database name in the URL (SHOW DATABASES lists them).',
      cause: error,
    })
  }
  if ((code !== undefined && PERMISSION.has(code)) || (errno !== undefined && PERMISSION_ERRNO.has(errno))) {
    return new CarveError('db.permission', `user ${user} lacks privileges on ${where.database} at ${at}: ${firstLine(message)}`, {
      hint: `Grant read access to the catalog, e.g. GRANT SELECT, SHOW VIEW ON \`${where.database}\`.* TO '${user}'@'%'.`,
      cause: error,
    })
  }
  return new CarveError('db.error', `MySQL error at ${at}: ${firstLine(message)}${code ? ` (${code})` : ''}`, {
    hint: 'See the server message above; rerun with a user that can read information_schema for this database.',
    cause: error,
  })
}

/** The URL without its password (and without any password-like query parameter). */
export function redactMysqlUrl(url: string): string {
  try {
    const u = new URL(url)
    u.password = ''
    for (const key of [...u.searchParams.keys()]) {
      if (/pass/i.test(key)) u.searchParams.delete(key)
    }
    return u.toString()
  } catch {
    return '(unparseable MySQL URL)'
  }
}

function parseVersion(version: string): {major: number; minor: number} {
  // Replication-era MariaDB prefixed its handshake version with "5.5.5-"; VERSION() does not, but be safe.
  const cleaned = version.replace(/^5\.5\.5-/, '')
  const m = /^(\d+)\.(\d+)/.exec(cleaned)
  return {major: m ? Number(m[1]) : 0, minor: m ? Number(m[2]) : 0}
}

function older(v: {major: number; minor: number}, min: [number, number]): boolean {
  return v.major < min[0] || (v.major === min[0] && v.minor < min[1])
}

export async function openMysql(url: string): Promise<Connection> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new CarveError('db.url', 'the MySQL URL cannot be parsed', {
      hint: 'Use the form mysql://user:password@host:3306/database (percent-encode special characters).',
    })
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new CarveError('db.url', `unsupported URL scheme ${parsed.protocol} for MySQL`, {
      hint: 'Use mysql://user:password@host:3306/database or mariadb://...',
    })
  }
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname || 'localhost'
  const port = parsed.port ? Number(parsed.port) : 3306
  const user = decodeURIComponent(parsed.username)
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  const label = redactMysqlUrl(url)
  const where: MysqlWhere = {host, port, user, database}

  if (!database) {
    throw new CarveError('db.no-database', `the MySQL URL ${label} names no database`, {
      hint: 'Put the database name in the URL path, e.g. mysql://user@host:3306/shop.',
    })
  }

  // mysql2 parses the URI itself; it only knows the mysql: scheme.
  const uri = url.replace(/^mariadb:/i, 'mysql:')

  let raw: mysql.Connection
  try {
    raw = await mysql.createConnection({
      uri,
      multipleStatements: true,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: CONNECT_TIMEOUT_MS,
    })
  } catch (error) {
    throw translateMysqlError(error, where)
  }
  // A connection dropped while idle emits 'error'; without a listener that would crash the process.
  // The next query rejects anyway, and is translated there.
  raw.on('error', () => {})

  let serverVersion: string
  let currentDb: string | null
  try {
    const [rows] = await raw.query('SELECT VERSION() AS version, DATABASE() AS db')
    const row = (rows as {version: string; db: string | null}[])[0]
    serverVersion = String(row?.version ?? '')
    currentDb = row?.db ?? null
  } catch (error) {
    raw.destroy()
    throw translateMysqlError(error, where)
  }

  const flavor = /mariadb/i.test(serverVersion) ? 'mariadb' : 'mysql'
  const version = parseVersion(serverVersion)
  const min = flavor === 'mariadb' ? MIN_MARIADB : MIN_MYSQL
  if (older(version, min)) {
    await raw.end().catch(() => raw.destroy())
    const name = flavor === 'mariadb' ? 'MariaDB' : 'MySQL'
    throw new CarveError('db.unsupported', `${name} ${serverVersion} at ${host}:${port} is too old; Carve needs ${name} ${min.join('.')} or newer`, {
      hint: 'Upgrade the server, or inspect a restored copy on a supported version.',
    })
  }
  if (!currentDb) {
    await raw.end().catch(() => raw.destroy())
    throw new CarveError('db.no-database', `the MySQL URL ${label} names no database`, {
      hint: 'Put the database name in the URL path, e.g. mysql://user@host:3306/shop.',
    })
  }

  let queryCount = 0
  const conn: Connection = {
    engine: 'mysql',
    flavor,
    label,
    database: currentDb,
    serverVersion,
    serverMajor: version.major,
    get queryCount() {
      return queryCount
    },
    async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      queryCount++
      try {
        const [rows] = await raw.query(sql, params as unknown[] | undefined)
        return Array.isArray(rows) ? (rows as T[]) : []
      } catch (error) {
        throw isKnownConnectionError(error) ? translateMysqlError(error, where) : error
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await raw.query(sql)
      } catch (error) {
        throw isKnownConnectionError(error) ? translateMysqlError(error, where) : error
      }
    },
    async close(): Promise<void> {
      try {
        await raw.end()
      } catch {
        raw.destroy()
      }
    },
  }
  return conn
}

/**
 * The MySQL / MariaDB general query log (log_output=FILE), plain or gzipped.
 *
 *   /usr/sbin/mariadbd, Version: 10.11.19-MariaDB-0+deb12u1 (Debian 12). started with:
 *   Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock
 *   Time		    Id Command	Argument
 *   261121 19:01:28	    38 Connect	orders_svc@127.0.0.1 on shop using TCP/IP
 *   		    38 Query	select 1
 *   2025-11-21T18:40:01.123456Z	   12 Query	select …        (MySQL 5.7+)
 *
 * Every server version's entry layout is read (see mysql-general-entry.ts). MariaDB and MySQL ≤ 5.6
 * write the `YYMMDD H:MM:SS` timestamp only on the first entry of each second; MySQL 5.7+ writes an
 * ISO 8601 timestamp on every entry. A statement may span lines: a line that does not start an
 * entry continues the previous argument. Connect / Change user / Init DB / `use db` / Quit are
 * tracked per connection id so each statement carries its user, client host and database.
 *
 * Query and Execute are statements; every other command (Connect, Quit, Init DB, Prepare, Close
 * stmt, Field List, Ping, Statistics, …) is an administrator command, counted per command in the
 * report apart from the statements, as pt-query-digest reports them. Garbage is counted and
 * sampled as warnings, never fatal.
 */
import type {EventSink} from '../events.js'
import {forEachLine, newLineWarnings} from './lines.js'
import {parseGeneralEntry, STATEMENT_COMMANDS} from './mysql-general-entry.js'
import type {SourceReport} from './report.js'
import {WarningTally} from './warnings.js'

/** First and last timestamps (ISO strings of one file compare correctly as text). */
export class TimeWindow {
  from?: string
  to?: string
  see(iso: string | undefined): void {
    if (!iso) return
    if (!this.from || iso < this.from) this.from = iso
    if (!this.to || iso > this.to) this.to = iso
  }
}

const SHORT_TS = /^(\d\d)(\d\d)(\d\d)\s+(\d{1,2}):(\d\d):(\d\d)(\.\d+)?$/

/**
 * MySQL log timestamps → ISO 8601: `261121 9:01:28` (server local time, no zone) →
 * `2026-11-21T09:01:28` (Percona Server adds microseconds: `130601  8:01:06.058915`); ISO forms (`2025-11-21T18:40:01.123456Z`, `…+01:00`) are kept as logged.
 */
export function mysqlTimestampToIso(text: string): string {
  const m = SHORT_TS.exec(text)
  if (!m) return text
  const yy = Number(m[1])
  const year = yy >= 70 ? 1900 + yy : 2000 + yy
  return `${year}-${m[2]}-${m[3]}T${m[4]!.padStart(2, '0')}:${m[5]}:${m[6]}${m[7] ?? ''}`
}

/** The server's banner, written at start-up and on FLUSH LOGS (in both the general and the slow log). */
export function isServerHeader(line: string): boolean {
  return (
    (line.includes(', Version: ') && line.trimEnd().endsWith('started with:')) ||
    /^tcp port: \d+,?\s+(unix socket|named pipe):/i.test(line) ||
    /^Time\s+Id\s+Command\s+Argument\s*$/.test(line)
  )
}

/** `user@host [as anonymous] on db [using TCP/IP]`, the argument of Connect and Change user (`on ` with no database: trimmed to `on`). */
const CONNECT = /^(.*)@(\S*) (?:as \S+ )?on(?: (\S*))?(?: using .*)?$/

/** `use db` sent as a query (drivers do; the mysql client sends Init DB instead). */
export function useDatabase(sql: string): string | undefined {
  const m = /^\s*use\s+(`(?:[^`]|``)+`|[^\s;`]+)\s*;?\s*$/i.exec(sql)
  if (!m) return undefined
  const name = m[1]!
  return name.startsWith('`') ? name.slice(1, -1).split('``').join('`') : name
}

interface Connection {
  user?: string
  client?: string
  database?: string
}

interface Entry {
  command: string
  id: string
  at?: string
  line: number
  parts: string[]
}

/** Commands whose argument may continue on the following lines (SQL text). */
const MULTI_LINE = new Set(['Query', 'Execute', 'Prepare'])

export interface MysqlLogOptions {
  onBytes?: (bytes: number) => void
  /** Each administrator command with its connection id, when the log names one. */
  onAdminCommand?: (command: string, session: string | undefined) => void
}

/** Administrator commands per command name, counted apart from statements (sorted keys, stable output). */
export class AdminCommands {
  private counts = new Map<string, number>()
  add(command: string): void {
    this.counts.set(command, (this.counts.get(command) ?? 0) + 1)
  }
  get total(): number {
    let n = 0
    for (const c of this.counts.values()) n += c
    return n
  }
  toRecord(): Record<string, number> | undefined {
    if (this.counts.size === 0) return undefined
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }
}

export async function readMysqlGeneralLog(path: string, sink: EventSink, options: MysqlLogOptions = {}): Promise<SourceReport> {
  const tally = new WarningTally()
  const lineWarnings = newLineWarnings()
  const window = new TimeWindow()
  const admin = new AdminCommands()
  const connections = new Map<string, Connection>()
  let lastAt: string | undefined
  let lastRaw: string | undefined
  let current: Entry | null = null
  let lines = 0
  let events = 0

  const finish = (): void => {
    const e = current
    if (!e) return
    current = null
    const arg = e.parts.length === 1 ? e.parts[0]! : e.parts.join('\n')
    if (STATEMENT_COMMANDS.has(e.command)) {
      // MySQL 5.0 prefixes a prepared statement's text with its id: `Execute     [1] select …`.
      const sql = (e.command === 'Execute' ? arg.replace(/^\[\d+\] /, '') : arg).trimEnd()
      if (sql.trim() === '') return
      const conn = connections.get(e.id)
      events++
      sink({
        sql,
        calls: 1,
        at: e.at,
        session: e.id,
        user: conn?.user,
        client: conn?.client,
        database: conn?.database,
        file: path,
        line: e.line,
      })
      if (e.command === 'Query') {
        const db = useDatabase(sql)
        if (db !== undefined) connections.set(e.id, {...conn, database: db})
      }
      return
    }
    switch (e.command) {
      case 'Connect':
      case 'Change user': {
        // A failed login logs "Access denied for user …" as its argument: counted apart, nothing to track.
        if (/^Access denied/.test(arg)) {
          admin.add('Access denied')
          options.onAdminCommand?.('Access denied', e.id)
          return
        }
        const m = CONNECT.exec(arg.trim())
        if (m) connections.set(e.id, {user: m[1] || undefined, client: m[2] || undefined, database: m[3] || undefined})
        break
      }
      case 'Init DB':
        connections.set(e.id, {...connections.get(e.id), database: arg.trim() || undefined})
        break
      case 'Quit':
        connections.delete(e.id)
        break
      default:
        // Prepare (not executed yet), Close stmt, Ping, Field List, Statistics, …
        break
    }
    admin.add(e.command)
    options.onAdminCommand?.(e.command, e.id)
  }

  await forEachLine(
    path,
    lineWarnings,
    (lineNo, text) => {
      lines++
      const entry = parseGeneralEntry(text)
      if (entry) {
        finish()
        const raw = entry.time
        if (raw !== undefined && raw !== lastRaw) {
          lastRaw = raw
          lastAt = mysqlTimestampToIso(raw)
          window.see(lastAt)
        }
        current = {command: entry.command, id: entry.id, at: lastAt, line: lineNo, parts: [entry.argument]}
        return
      }
      if (current && MULTI_LINE.has(current.command)) {
        if (isServerHeader(text)) {
          finish()
          connections.clear() // a restart: connection ids start over
          return
        }
        current.parts.push(text)
        return
      }
      if (isServerHeader(text)) {
        finish()
        if (/started with:\s*$/.test(text)) connections.clear()
        return
      }
      finish()
      if (text.trim() !== '') tally.add('lines that are not general-log entries', lineNo)
    },
    {onBytes: options.onBytes},
  )
  finish()
  return {
    format: 'mysql-general',
    lines,
    events,
    warnings: tally.report(path, lineWarnings),
    from: window.from,
    to: window.to,
    ...(admin.total ? {adminCommands: admin.toRecord()} : {}),
  }
}

/**
 * The MySQL / MariaDB slow query log (log_output=FILE), plain or gzipped. With
 * `long_query_time=0` it records every statement, with timings.
 *
 *   # Time: 2025-11-21T18:40:01.123456Z                      (MariaDB: `# Time: 251121 18:40:01`,
 *   # User@Host: orders_svc[orders_svc] @ localhost [127.0.0.1]  Id:    12    only once a second)
 *   # Thread_id: 12  Schema: shop  QC_hit: No                (MariaDB)
 *   # Query_time: 0.000123  Lock_time: 0.000010 Rows_sent: 1  Rows_examined: 1
 *   # Rows_affected: 0  Bytes_sent: 58                        (MariaDB)
 *   use shop;                                                 (when the database changed)
 *   SET timestamp=1763750401;
 *   select * from orders where id = 1;
 *
 * An entry starts at `# Time:` or `# User@Host:`; other `# key: value` lines before the statement
 * are header fields (any are tolerated); `use …;` and `SET timestamp=…;` right after the header
 * are the server's bookkeeping, not statements; the statement runs to the next entry. The
 * database comes from MariaDB's `Schema:` field, else from `use` lines, carried per session.
 */
import type {EventSink} from '../events.js'
import {forEachLine, newLineWarnings} from './lines.js'
import {isServerHeader, mysqlTimestampToIso, TimeWindow, useDatabase, type MysqlLogOptions} from './mysql-general.js'
import {WarningTally} from './warnings.js'
import type {SourceReport} from './report.js'

interface SlowEntry {
  line: number
  /** `# Time:` of this entry (MySQL 5.7+ writes one per entry), as ISO. */
  time?: string
  /** The `# Time:` was logged as ISO 8601 with fractions (MySQL 5.7+), more precise than SET timestamp. */
  preciseTime: boolean
  sawUserHost: boolean
  user?: string
  client?: string
  session?: string
  schema?: string
  queryTime?: number
  rowsSent?: number
  rowsAffected?: number
  admin: boolean
  use?: string
  timestamp?: number
  phase: 'header' | 'preamble' | 'body'
  body: string[]
}

const USER_HOST = /^# User@Host: ([^[]*)\[([^\]]*)\] @ (\S*) \[([^\]]*)\](?:\s+Id:\s*(\d+))?/
const SET_TIMESTAMP = /^SET timestamp=(\d+)(?:\.\d+)?;\s*$/i
/** `Key: value` pairs of a header line (`# Query_time: 0.1  Lock_time: 0.0 Rows_sent: 1 …`); a value may be empty (`Schema:   QC_hit: No`). */
function headerFields(text: string): [string, string][] {
  const words = text.slice(2).split(/\s+/).filter((w) => w !== '')
  const out: [string, string][] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (!w.endsWith(':') || w.length < 2) continue
    const next = words[i + 1]
    const value = next !== undefined && !next.endsWith(':') ? next : ''
    out.push([w.slice(0, -1), value])
    if (value !== '') i++
  }
  return out
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}

export async function readMysqlSlowLog(path: string, sink: EventSink, options: MysqlLogOptions = {}): Promise<SourceReport> {
  const tally = new WarningTally()
  const lineWarnings = newLineWarnings()
  const window = new TimeWindow()
  const sessionDb = new Map<string, string>()
  let lastTime: string | undefined
  let current: SlowEntry | null = null
  let lines = 0
  let events = 0

  const start = (line: number): SlowEntry => ({line, sawUserHost: false, preciseTime: false, admin: false, phase: 'header', body: []})

  const finish = (): void => {
    const e = current
    if (!e) return
    current = null
    let sql = (e.body.length === 1 ? e.body[0]! : e.body.join('\n')).trimEnd()
    if (sql.endsWith(';')) sql = sql.slice(0, -1)
    if (e.session !== undefined) {
      const db = e.schema || e.use
      if (db) sessionDb.set(e.session, db)
    }
    if (e.admin) return // "# administrator command: Quit;": not a statement
    if (sql.trim() === '') {
      tally.add('entries without a statement', e.line)
      return
    }
    let database = e.schema || e.use || (e.session !== undefined ? sessionDb.get(e.session) : undefined)
    if (e.session !== undefined) {
      const switched = useDatabase(sql)
      if (switched !== undefined) sessionDb.set(e.session, switched)
    }
    if (database === '') database = undefined
    // MySQL 5.7+ `# Time:` has microseconds; otherwise SET timestamp is exact to the second.
    const at = e.preciseTime ? e.time : e.timestamp !== undefined ? new Date(e.timestamp * 1000).toISOString() : (e.time ?? lastTime)
    window.see(at)
    const rows = e.rowsSent !== undefined && e.rowsSent === 0 && e.rowsAffected !== undefined ? e.rowsAffected : e.rowsSent
    events++
    sink({
      sql,
      calls: 1,
      totalMs: e.queryTime !== undefined ? Math.round(e.queryTime * 1e6) / 1e3 : undefined, // µs precision
      rows,
      at,
      session: e.session,
      user: e.user,
      client: e.client,
      database,
      file: path,
      line: e.line,
    })
  }

  await forEachLine(
    path,
    lineWarnings,
    (lineNo, text) => {
      lines++
      if (current && current.body.length === 0 && text.startsWith('# administrator command:')) {
        current.admin = true // MySQL: "# administrator command: Quit;" stands where the statement would
        return
      }
      if (text.startsWith('# ') && (current === null || current.phase === 'header' || text.startsWith('# Time: ') || text.startsWith('# User@Host: '))) {
        if (text.startsWith('# Time: ')) {
          if (current && (current.phase !== 'header' || current.sawUserHost)) finish()
          current ??= start(lineNo)
          const raw = text.slice(8).trim()
          lastTime = mysqlTimestampToIso(raw)
          current.time = lastTime
          current.preciseTime = raw.includes('T')
          return
        }
        if (text.startsWith('# User@Host: ')) {
          if (current && (current.phase !== 'header' || current.sawUserHost)) finish()
          current ??= start(lineNo)
          current.sawUserHost = true
          const m = USER_HOST.exec(text)
          if (m) {
            current.user = m[2] || m[1]?.trim() || undefined
            current.client = m[3] || m[4] || undefined
            if (m[5] !== undefined) current.session = m[5]
          } else {
            tally.add('unreadable User@Host lines', lineNo)
          }
          return
        }
        if (!current) {
          tally.add('lines that are not slow-log entries', lineNo)
          return
        }
        for (const [key, value] of headerFields(text)) {
          switch (key) {
            case 'Query_time':
              current.queryTime = num(value)
              break
            case 'Rows_sent':
              current.rowsSent = num(value)
              break
            case 'Rows_affected':
              current.rowsAffected = num(value)
              break
            case 'Thread_id':
              if (value) current.session = value
              break
            case 'Schema':
              current.schema = value
              break
            default:
              break
          }
        }
        return
      }
      if (isServerHeader(text)) {
        finish()
        if (/started with:\s*$/.test(text)) sessionDb.clear()
        return
      }
      if (!current) {
        if (text.trim() !== '') tally.add('lines that are not slow-log entries', lineNo)
        return
      }
      if (current.phase !== 'body') {
        // The server's bookkeeping before the statement: `use db;` then `SET timestamp=N;`.
        const ts = SET_TIMESTAMP.exec(text)
        if (ts) {
          current.timestamp = Number(ts[1])
          current.phase = 'body'
          return
        }
        const db = text.endsWith(';') ? useDatabase(text) : undefined
        if (db !== undefined) {
          current.use = db
          current.phase = 'preamble'
          return
        }
        current.phase = 'body'
      }
      if (current.admin) return
      current.body.push(text)
    },
    {onBytes: options.onBytes},
  )
  finish()
  return {format: 'mysql-slow', lines, events, warnings: tally.report(path, lineWarnings), from: window.from, to: window.to}
}

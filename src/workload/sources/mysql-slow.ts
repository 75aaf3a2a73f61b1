/**
 * The MySQL / MariaDB / Percona Server slow query log (log_output=FILE), plain or gzipped. With
 * `long_query_time=0` it records every statement, with timings.
 *
 *   # Time: 2025-11-21T18:40:01.123456Z                      (MariaDB, MySQL ≤ 5.6: `# Time: 251121 18:40:01`,
 *   # User@Host: orders_svc[orders_svc] @ localhost [127.0.0.1]  Id:    12    only once a second)
 *   # Thread_id: 12  Schema: shop  QC_hit: No                (MariaDB, Percona Server)
 *   # Query_time: 0.000123  Lock_time: 0.000010 Rows_sent: 1  Rows_examined: 1
 *   # Rows_affected: 0  Bytes_sent: 58                        (MariaDB, Percona Server)
 *   use shop;                                                 (when the database changed)
 *   SET timestamp=1763750401;                                 (or `SET last_insert_id=…,insert_id=…,timestamp=…;`)
 *   select * from orders where id = 1;
 *
 * Any header line may be missing: `log-short-format` writes only `# Query_time:`, MySQL ≤ 5.6 and
 * MariaDB write `# Time:` once a second, some logs have no `SET timestamp`. So an entry ends, as
 * pt-query-digest splits them, where a statement line ending in `;` is followed by a `# Key: value`
 * header line (or `# Time:`, `# User@Host:`, `# administrator command:`); inside a statement a
 * `#` line after a `;` that is no header (a comment, a string) stays in the statement.
 * `# administrator command: Quit;` stands where a statement would: counted per command, apart.
 * Percona Server's `Log_slow_rate_limit` (a sampled log) is reported once as a warning.
 */
import type {EventSink} from '../events.js'
import {forEachLine, newLineWarnings} from './lines.js'
import {AdminCommands, isServerHeader, mysqlTimestampToIso, TimeWindow, useDatabase, type MysqlLogOptions} from './mysql-general.js'
import {headerFields, isHeaderLine, parseUserHost, SET_BOOKKEEPING, splitGluedHeader} from './mysql-slow-header.js'
import type {SourceReport} from './report.js'
import {WarningTally} from './warnings.js'

interface SlowEntry {
  line: number
  /** `# Time:` of this entry (MySQL 5.7+ writes one per entry), as ISO. */
  time?: string
  /** The `# Time:` was logged with fractions (MySQL 5.7+, Percona Server), more precise than SET timestamp. */
  preciseTime: boolean
  sawUserHost: boolean
  sawQueryTime: boolean
  user?: string
  client?: string
  session?: string
  schema?: string
  queryTime?: number
  rowsSent?: number
  rowsAffected?: number
  admin?: string
  use?: string
  timestamp?: number
  phase: 'header' | 'preamble' | 'body'
  body: string[]
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
  const admin = new AdminCommands()
  const sessionDb = new Map<string, string>()
  let sampled: {type: string; limit: string; line: number} | undefined
  let lastTime: string | undefined
  let current: SlowEntry | null = null
  let lines = 0
  let events = 0

  const start = (line: number): SlowEntry => ({line, sawUserHost: false, sawQueryTime: false, preciseTime: false, phase: 'header', body: []})

  const finish = (): void => {
    const e = current
    if (!e) return
    current = null
    if (e.session !== undefined) {
      const db = e.schema || e.use
      if (db) sessionDb.set(e.session, db)
    }
    if (e.admin !== undefined) {
      admin.add(e.admin)
      options.onAdminCommand?.(e.admin, e.session)
      return
    }
    let sql = (e.body.length === 1 ? e.body[0]! : e.body.join('\n')).trimEnd()
    if (sql.endsWith(';')) sql = sql.slice(0, -1)
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

  /** The entry a header line belongs to: a new one unless the current one is still in its header. */
  const entryFor = (lineNo: number, startsEntry: boolean): SlowEntry => {
    if (current && (current.phase === 'body' || current.admin !== undefined || startsEntry)) finish()
    return (current ??= start(lineNo))
  }

  const header = (lineNo: number, text: string): void => {
    if (text.startsWith('# Time: ')) {
      const e = entryFor(lineNo, current !== null && (current.sawUserHost || current.sawQueryTime))
      const raw = text.slice(8).trim()
      lastTime = mysqlTimestampToIso(raw)
      e.time = lastTime
      e.preciseTime = /[T.]/.test(raw)
      return
    }
    if (text.startsWith('# User@Host: ')) {
      const e = entryFor(lineNo, current !== null && (current.sawUserHost || current.sawQueryTime))
      e.sawUserHost = true
      const who = parseUserHost(text)
      if (!who) {
        tally.add('unreadable User@Host lines', lineNo)
        return
      }
      e.user = who.user
      e.client = who.client
      if (who.id !== undefined) e.session = who.id
      return
    }
    const adminCommand = /^# administrator command: (.*?);?\s*$/.exec(text)
    if (adminCommand) {
      entryFor(lineNo, false).admin = adminCommand[1]!.trim()
      return
    }
    const fields = headerFields(text)
    const e = entryFor(lineNo, current !== null && current.sawQueryTime && fields.some(([k]) => k === 'Query_time'))
    for (const [key, value] of fields) {
      switch (key) {
        case 'Query_time':
          e.queryTime = num(value)
          e.sawQueryTime = true
          break
        case 'Rows_sent':
          e.rowsSent = num(value)
          break
        case 'Rows_affected':
          e.rowsAffected = num(value)
          break
        case 'Thread_id':
        case 'Id':
          if (value) e.session = value
          break
        case 'Schema':
          e.schema = value
          break
        case 'Log_slow_rate_limit':
          sampled ??= {type: fields.find(([k]) => k === 'Log_slow_rate_type')?.[1] ?? 'session', limit: value, line: lineNo}
          break
        default:
          break
      }
    }
  }

  await forEachLine(
    path,
    lineWarnings,
    (lineNo, text) => {
      lines++
      if (text.startsWith('#')) {
        const inHeader = current === null || current.phase !== 'body'
        const afterStatement = current !== null && current.phase === 'body' && (current.body.at(-1) ?? '').trimEnd().endsWith(';')
        if (inHeader || (afterStatement && isHeaderLine(text))) {
          if (current === null && !isHeaderLine(text)) {
            tally.add('lines that are not slow-log entries', lineNo)
            return
          }
          for (const part of splitGluedHeader(text)) header(lineNo, part)
          return
        }
      }
      if (isServerHeader(text)) {
        finish()
        if (/started with:\s*$/.test(text)) sessionDb.clear()
        return
      }
      if (current && current.phase === 'body' && SET_BOOKKEEPING.test(text) && (current.body.at(-1) ?? '').trimEnd().endsWith(';')) {
        finish() // an entry without header lines: its bookkeeping follows the previous statement's `;`
      }
      if (!current) {
        // An entry without any header line starts at its bookkeeping (`SET timestamp=…;`, `use db;`).
        if (SET_BOOKKEEPING.test(text) || (text.endsWith(';') && useDatabase(text) !== undefined)) {
          current = start(lineNo)
        } else {
          if (text.trim() !== '') tally.add('lines that are not slow-log entries', lineNo)
          return
        }
      }
      if (current.phase !== 'body') {
        // The server's bookkeeping before the statement: `use db;` then `SET timestamp=N;`.
        const set = SET_BOOKKEEPING.exec(text)
        if (set) {
          const ts = /(?:^SET |,)timestamp=(\d+)/i.exec(text)
          if (ts) current.timestamp = Number(ts[1])
          current.phase = 'preamble'
          return
        }
        const db = text.endsWith(';') && current.use === undefined ? useDatabase(text) : undefined
        if (db !== undefined && current.timestamp === undefined) {
          current.use = db
          current.phase = 'preamble'
          return
        }
        current.phase = 'body'
      }
      if (current.admin !== undefined) return
      current.body.push(text)
    },
    {onBytes: options.onBytes},
  )
  finish()
  const warnings = tally.report(path, lineWarnings)
  if (sampled) {
    warnings.push({
      file: path,
      line: sampled.line,
      message: `a sampled log (Percona Server log_slow_rate_limit=${sampled.limit}, per ${sampled.type}): about 1 in ${sampled.limit} statements is logged, so call counts are a sample`,
    })
  }
  return {
    format: 'mysql-slow',
    lines,
    events,
    warnings,
    from: window.from,
    to: window.to,
    ...(admin.total ? {adminCommands: admin.toRecord()} : {}),
  }
}

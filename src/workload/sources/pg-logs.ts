/**
 * PostgreSQL server logs: stderr (any log_line_prefix), csvlog and jsonlog, plain or gzipped.
 * Each reader turns its format into PgLogEntry records; PgEntryProcessor turns those into
 * statements. Garbage is counted and sampled as warnings, never fatal.
 */
import type {EventSink, StatementEvent} from '../events.js'
import {forEachLine, newLineWarnings, type LineReadOptions} from './lines.js'
import {PgEntryProcessor, type PgLogEntry, type PieceEdges} from './pg-entries.js'
import {compilePrefix, detectPrefix, type PrefixFields, type PrefixMatcher} from './pg-prefix.js'
import type {SourceReport} from './report.js'
import {WarningTally} from './warnings.js'

/** PostgreSQL timestamps as logged ("2026-11-21 18:00:00.123 UTC") → ISO 8601 when unambiguous. */
export function pgTimestampToIso(text: string | undefined): string | undefined {
  if (!text) return undefined
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?: (UTC|GMT|Z|[+-]\d\d(?::?\d\d)?))?$/.exec(text.trim())
  if (!m) return text
  const zone = !m[3] || m[3] === 'UTC' || m[3] === 'GMT' || m[3] === 'Z' ? 'Z' : m[3].length === 3 ? `${m[3]}:00` : m[3]
  const date = new Date(`${m[1]}T${m[2]}${zone}`)
  return Number.isNaN(date.getTime()) ? text : date.toISOString()
}

/**
 * First and last timestamps of a file. Compared as logged (one file has one format, which sorts
 * as text); converted to ISO only once at the end — per-line date parsing dominated the profile.
 */
class Window {
  private min?: string
  private max?: string
  see(ts: string | undefined): void {
    if (!ts) return
    if (this.min === undefined || ts < this.min) this.min = ts
    if (this.max === undefined || ts > this.max) this.max = ts
  }
  get from(): string | undefined {
    return pgTimestampToIso(this.min)
  }
  get to(): string | undefined {
    return pgTimestampToIso(this.max)
  }
}

/** What every PostgreSQL log reader keeps while it reads one file. */
function readerState(sink: EventSink, edges?: PieceEdges) {
  const window = new Window()
  const see = (e: StatementEvent) => window.see(e.at)
  const processor = new PgEntryProcessor((e) => {
    see(e)
    sink(e)
  }, edges && {orphan: edges.orphan, open: edges.open && ((e) => {
    see(e)
    edges.open!(e)
  })})
  return {tally: new WarningTally(), lineWarnings: newLineWarnings(), window, processor}
}

/** Bytes read at most for a file's head: a file of huge lines must not be read whole to detect it. */
const HEAD_MAX_BYTES = 8 << 20

/** Read up to `count` leading lines (for format and prefix detection). */
export async function headLines(path: string, count: number): Promise<string[]> {
  const lines: string[] = []
  try {
    await forEachLine(path, newLineWarnings(), (_n, text) => {
      if (lines.length < count) lines.push(text)
      else throw new StopReading()
    }, {
      maxLineBytes: 1 << 20,
      onBytes: (bytes) => {
        if (bytes > HEAD_MAX_BYTES) throw new StopReading()
      },
    })
  } catch (error) {
    if (!(error instanceof StopReading)) throw error
  }
  return lines
}

class StopReading extends Error {}

export interface PgStderrOptions extends LineReadOptions {
  /** The server's log_line_prefix; detected from the file when absent. */
  prefix?: string
  /** Reading a piece of a cut file: what crosses its edges (parallel ingestion). */
  edges?: PieceEdges
}

export async function readPgStderrLog(path: string, sink: EventSink, options: PgStderrOptions = {}): Promise<SourceReport & {prefix: string}> {
  let matcher: PrefixMatcher | null
  if (options.prefix !== undefined) {
    matcher = compilePrefix(options.prefix)
  } else {
    matcher = detectPrefix((await headLines(path, 500)).filter((l) => l.trim() !== ''))
  }
  if (!matcher) {
    return {format: 'pg-stderr', prefix: '', lines: 0, events: 0, warnings: [{file: path, message: 'no line matches a known log_line_prefix: pass --log-line-prefix (SHOW log_line_prefix on the server)'}]}
  }
  const {tally, lineWarnings, window, processor} = readerState(sink, options.edges)
  let current: PgLogEntry | null = null
  let currentParts: string[] = []
  let lines = 0
  const finishEntry = () => {
    if (!current) return
    if (currentParts.length) current.message += '\n' + currentParts.join('\n')
    processor.entry(current)
    current = null
    currentParts = []
  }
  await forEachLine(path, lineWarnings, (lineNo, text) => {
    lines++
    const m = matcher!.match(text)
    if (m) {
      finishEntry()
      current = {fields: m.fields, severity: m.severity, message: m.message, file: path, line: lineNo}
      return
    }
    // stderr continues a multi-line message on the next lines, each led by a tab; anything
    // else that is not an entry is garbage (and must not be glued onto the entry before it).
    if (current && text.startsWith('\t')) {
      currentParts.push(text.slice(1))
      return
    }
    if (text.trim() !== '') tally.add('lines that are not log entries', lineNo)
  }, options)
  finishEntry()
  processor.finish()
  return {format: 'pg-stderr', prefix: matcher.prefix, lines, events: processor.statements, warnings: tally.report(path, lineWarnings), from: window.from, to: window.to}
}

/** csvlog columns, in order, as documented (PostgreSQL 13–17 add trailing columns; all optional). */
const CSV_COLUMNS = [
  'log_time', 'user_name', 'database_name', 'process_id', 'connection_from', 'session_id', 'session_line_num',
  'command_tag', 'session_start_time', 'virtual_transaction_id', 'transaction_id', 'error_severity',
  'sql_state_code', 'message', 'detail', 'hint', 'internal_query', 'internal_query_pos', 'context', 'query',
  'query_pos', 'location', 'application_name', 'backend_type', 'leader_pid', 'query_id',
] as const

/** Split one CSV record (RFC 4180: quotes doubled inside quoted fields). */
export function splitCsvRecord(record: string): string[] {
  const fields: string[] = []
  let i = 0
  const n = record.length
  while (i <= n) {
    if (record[i] === '"') {
      let value = ''
      i++
      for (;;) {
        const q = record.indexOf('"', i)
        if (q === -1) {
          value += record.slice(i)
          i = n + 1
          break
        }
        value += record.slice(i, q)
        if (record[q + 1] === '"') {
          value += '"'
          i = q + 2
        } else {
          i = q + 1
          break
        }
      }
      fields.push(value)
      if (record[i] === ',') i++
      else i = n + 1
    } else {
      const comma = record.indexOf(',', i)
      if (comma === -1) {
        fields.push(record.slice(i))
        break
      }
      fields.push(record.slice(i, comma))
      i = comma + 1
      if (i === n) fields.push('')
    }
  }
  return fields
}

/** Whether the quotes in `text` leave a quoted field open (an odd number of quote characters). */
function opensQuote(text: string, open: boolean): boolean {
  let state = open
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) state = !state
  return state
}

/** A csvlog record starts with its log_time, bare or quoted. */
const CSV_RECORD_START = /^"?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/
const CSV_SEVERITIES = new Set(['LOG', 'ERROR', 'WARNING', 'FATAL', 'PANIC', 'NOTICE', 'INFO', 'DEBUG', 'DEBUG1', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'DEBUG5', 'DETAIL', 'HINT', 'STATEMENT'])

/**
 * Whether split values are a csvlog record: 22 (9.x without application_name) to 26 (14+)
 * fields, with a process id, a session line number and a severity where csvlog puts them. A
 * stderr line with many commas in its SQL splits into as many fields but fails these.
 */
export function isCsvlogRecord(values: string[]): boolean {
  return values.length >= 22 && values.length <= 26 && CSV_RECORD_START.test(values[0]!) &&
    /^\d*$/.test(values[3]!) && /^\d+$/.test(values[6]!) && CSV_SEVERITIES.has(values[11]!)
}

/** How many of these lines (a file's head) form csvlog records, multi-line quoted ones included. */
export function countCsvlogRecords(lines: string[]): number {
  let count = 0
  let record: string[] = []
  let open = false
  for (const line of lines) {
    if (!open) {
      if (record.length && isCsvlogRecord(splitCsvRecord(record.join('\n')))) count += record.length
      record = []
      if (!CSV_RECORD_START.test(line)) continue
    }
    record.push(line)
    open = opensQuote(line, open)
  }
  if (!open && record.length && isCsvlogRecord(splitCsvRecord(record.join('\n')))) count += record.length
  return count
}

function csvFields(values: string[]): {fields: PrefixFields; severity: string; message: string; detail: string} {
  const get = (name: (typeof CSV_COLUMNS)[number]) => {
    const v = values[CSV_COLUMNS.indexOf(name)]
    return v === undefined || v === '' ? undefined : v
  }
  const client = get('connection_from')
  return {
    fields: {
      timestamp: get('log_time'), user: get('user_name'), database: get('database_name'), pid: get('process_id'),
      client: client?.replace(/:\d+$/, ''), session: get('session_id'), lineNumber: get('session_line_num'),
      vxid: get('virtual_transaction_id'), xid: get('transaction_id'), application: get('application_name'), queryId: get('query_id'),
    },
    severity: get('error_severity') ?? '',
    message: get('message') ?? '',
    detail: get('detail') ?? '',
  }
}

export async function readPgCsvLog(path: string, sink: EventSink, options: LineReadOptions = {}): Promise<SourceReport> {
  const {tally, lineWarnings, window, processor} = readerState(sink)
  let lines = 0
  let record: string[] = []
  let recordLine = 0
  let open = false
  const finish = () => {
    if (record.length === 0) return
    const text = record.join('\n')
    record = []
    if (open) {
      tally.add('CSV records with an unterminated quote', recordLine)
      open = false
      return
    }
    const values = splitCsvRecord(text)
    if (!isCsvlogRecord(values)) {
      tally.add('lines that are not csvlog records', recordLine)
      return
    }
    const {fields, severity, message, detail} = csvFields(values)
    processor.entry({fields, severity, message, detail: detail || undefined, file: path, line: recordLine})
  }
  await forEachLine(path, lineWarnings, (lineNo, text) => {
    lines++
    if (!open) {
      finish()
      if (text === '') return
      recordLine = lineNo
      // A record that does not start with a timestamp cannot be a csvlog record: do not let a
      // stray quote in garbage swallow the rest of the file.
      if (!CSV_RECORD_START.test(text)) {
        tally.add('lines that are not csvlog records', lineNo)
        return
      }
    } else if (CSV_RECORD_START.test(text) && record.length > 1000) {
      // An unterminated quote ran on for a thousand lines: give up on that record.
      tally.add('CSV records with an unterminated quote', recordLine)
      record = []
      open = false
      recordLine = lineNo
    }
    record.push(text)
    open = opensQuote(text, open)
  }, options)
  finish()
  processor.finish()
  return {format: 'pg-csvlog', lines, events: processor.statements, warnings: tally.report(path, lineWarnings), from: window.from, to: window.to}
}

export async function readPgJsonLog(path: string, sink: EventSink, options: LineReadOptions & {edges?: PieceEdges} = {}): Promise<SourceReport> {
  const {tally, lineWarnings, window, processor} = readerState(sink, options.edges)
  let lines = 0
  await forEachLine(path, lineWarnings, (lineNo, text) => {
    lines++
    if (text.trim() === '') return
    let record: Record<string, unknown>
    try {
      record = JSON.parse(text) as Record<string, unknown>
    } catch {
      tally.add('lines that are not JSON', lineNo)
      return
    }
    if (!record || typeof record !== 'object' || typeof record.error_severity !== 'string') {
      tally.add('JSON lines that are not jsonlog records', lineNo)
      return
    }
    const s = (k: string) => (record[k] === undefined || record[k] === null || record[k] === '' ? undefined : String(record[k]))
    processor.entry({
      fields: {
        timestamp: s('timestamp'), user: s('user'), database: s('dbname'), pid: s('pid'), client: s('remote_host'),
        session: s('session_id'), lineNumber: s('line_num'), vxid: s('vxid'), xid: s('txid'), application: s('application_name'), queryId: s('query_id'),
      },
      severity: s('error_severity')!,
      message: s('message') ?? '',
      detail: s('detail'),
      file: path,
      line: lineNo,
    })
  }, options)
  processor.finish()
  return {format: 'pg-jsonlog', lines, events: processor.statements, warnings: tally.report(path, lineWarnings), from: window.from, to: window.to}
}

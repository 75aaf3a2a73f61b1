/**
 * PostgreSQL logs inside another system's envelope, line by line:
 *   syslog / rsyslog  `Nov 21 18:00:00 db1 postgres[123]: [4-1] user=…,db=… LOG:  statement: …`
 *                     (or an RFC 3339 time, or RFC 5424 `<134>1 … postgres 123 - - [4-1] …`)
 *   Heroku logplex    `2026-11-21T18:00:00+00:00 app[postgres.123]: [DATABASE] [4-1] sql_error_code = …`
 *   journald          `journalctl -o json`: one JSON object a line, the text in MESSAGE
 * The envelope is taken off, the pieces of each process are joined back (pg-assemble.ts), and
 * the log_line_prefix inside is detected from the unwrapped text like any stderr log's.
 */
import type {EventSink} from '../events.js'
import {forEachLine, newLineWarnings, type LineReadOptions} from './lines.js'
import {EntryAssembler} from './pg-assemble.js'
import {PgEntryProcessor} from './pg-entries.js'
import {headLines, pgTimestampToIso} from './pg-logs.js'
import {compilePrefix, detectPrefix, type PrefixFields} from './pg-prefix.js'
import type {SourceReport} from './report.js'
import {WarningTally} from './warnings.js'

/** One unwrapped line: whose output it is and what it says. */
export interface Unwrapped {
  key: string
  text: string
  fields: PrefixFields
  /** The text is one whole entry (journald with stderr capture), not a numbered piece. */
  whole?: boolean
}

const RFC3339 = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?`
const BSD_TIME = String.raw`[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d`

const SYSLOG = new RegExp(String.raw`^(?:<\d+>)?(?:(${BSD_TIME})|(${RFC3339})) (?:\S+ )?([\w.\-/]+)\[(\d+)\]: (.*)$`, 's')
const SYSLOG_5424 = new RegExp(String.raw`^<\d+>1 (${RFC3339}) \S+ ([\w.\-/]+) (\d+) \S+ (?:-|\[.*?\]) (.*)$`, 's')

export function unwrapSyslog(line: string): Unwrapped | null {
  let m = SYSLOG.exec(line)
  if (m) return {key: m[4]!, text: m[5]!, fields: {pid: m[4]!, timestamp: m[2]}}
  m = SYSLOG_5424.exec(line)
  if (m) return {key: m[3]!, text: m[4]!, fields: {pid: m[3]!, timestamp: m[1]}}
  return null
}

/** Heroku: the process is `postgres.PID`, then the database's attachment name in brackets. */
const HEROKU = new RegExp(String.raw`^(?:<\d+>1 )?(${RFC3339}) (?:app\[postgres\.(\d+)\]:|\S+ app postgres\.(\d+) - ) ?(?:\[[A-Z0-9_]+\] )?(.*)$`, 's')

export function unwrapHeroku(line: string): Unwrapped | null {
  const m = HEROKU.exec(line)
  if (!m) return null
  const pid = m[2] ?? m[3]!
  return {key: pid, text: m[4]!, fields: {pid, timestamp: m[1]}}
}

/** journalctl -o json: MESSAGE is a string, or an array of bytes when it is not valid UTF-8. */
export function unwrapJournal(line: string): Unwrapped | null {
  if (!line.startsWith('{')) return null
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return null
  }
  if (!record || typeof record !== 'object' || !('__REALTIME_TIMESTAMP' in record) || record.MESSAGE === undefined) return null
  const ident = String(record.SYSLOG_IDENTIFIER ?? record._COMM ?? '')
  if (!/postgres|postmaster/i.test(ident)) return null
  const raw = record.MESSAGE
  const text = Array.isArray(raw) ? Buffer.from(raw as number[]).toString('utf8') : String(raw)
  const pid = String(record.SYSLOG_PID ?? record._PID ?? '')
  const micros = Number(record.__REALTIME_TIMESTAMP)
  const timestamp = Number.isFinite(micros) ? new Date(micros / 1000).toISOString() : undefined
  // Through syslog(): numbered pieces; stderr captured by systemd: one record a line, a
  // statement's further lines led by a tab — both are pieces of the process's output.
  return {key: pid, text, fields: {pid: pid || undefined, timestamp}}
}

export const UNWRAP = {'pg-syslog': unwrapSyslog, 'pg-heroku': unwrapHeroku, 'pg-journald': unwrapJournal} as const
export type EnvelopeFormat = keyof typeof UNWRAP

/** The PostgreSQL text inside these lines (for prefix detection); only entries' first pieces. */
export function innerLines(format: EnvelopeFormat, lines: string[]): string[] {
  const out: string[] = []
  for (const line of lines) {
    const u = UNWRAP[format](line)
    if (!u) continue
    const part = /^\[\d+(?:-(\d+))?\] ?(.*)$/s.exec(u.text)
    if (part && (part[1] ?? '1') !== '1') continue
    out.push((part ? part[2]! : u.text).split('\n')[0]!)
  }
  return out
}

export interface EnvelopeReadOptions extends LineReadOptions {
  prefix?: string
}

export async function readEnvelopedLog(format: EnvelopeFormat, path: string, sink: EventSink, options: EnvelopeReadOptions = {}): Promise<SourceReport & {prefix: string}> {
  const unwrap = UNWRAP[format]
  let prefix = options.prefix
  if (prefix === undefined) {
    prefix = detectPrefix(innerLines(format, await headLines(path, 500)))?.prefix
  }
  if (prefix === undefined) {
    return {format, prefix: '', lines: 0, events: 0, warnings: [{file: path, message: 'no entry matches a known log_line_prefix: pass --log-line-prefix (SHOW log_line_prefix on the server)'}]}
  }
  const tally = new WarningTally()
  const lineWarnings = newLineWarnings()
  let first: string | undefined
  let last: string | undefined
  const processor = new PgEntryProcessor((e) => {
    if (e.at && (first === undefined || e.at < first)) first = e.at
    if (e.at && (last === undefined || e.at > last)) last = e.at
    sink(e)
  })
  const assembler = new EntryAssembler(compilePrefix(prefix), processor, tally, path)
  let lines = 0
  await forEachLine(path, lineWarnings, (lineNo, text) => {
    lines++
    if (text.trim() === '') return
    const u = unwrap(text)
    if (!u) {
      // A shared syslog file or a Heroku drain carries other programs' lines: not damage.
      tally.add('lines of other programs or not log entries', lineNo)
      return
    }
    if (u.whole) assembler.whole(u.key, u.text, lineNo, u.fields)
    else assembler.piece(u.key, u.text, lineNo, u.fields)
  }, options)
  assembler.finish()
  processor.finish()
  return {format, prefix, lines, events: processor.statements, warnings: tally.report(path, lineWarnings), from: pgTimestampToIso(first), to: pgTimestampToIso(last)}
}

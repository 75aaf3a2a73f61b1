/**
 * PostgreSQL logs as JSON records of a platform, one record a line (or a JSON array, as
 * `gcloud logging read --format=json` prints):
 *   Google Cloud SQL (Cloud Logging)  {"textPayload": "<stderr entry>", "logName": …}
 *                                     {"jsonPayload": {… jsonlog/csvlog fields or "message" …}}
 *   CloudNativePG                     {"logger": "postgres", "msg": "record", "record": {csvlog fields}}
 * Structured payloads are read by their field names (jsonlog's or csvlog's); text payloads are
 * stderr entries under the server's log_line_prefix, detected like any stderr log's.
 */
import {readFileSync, statSync} from 'node:fs'

import type {EventSink} from '../events.js'
import {forEachLine, newLineWarnings, type LineReadOptions} from './lines.js'
import {EntryAssembler} from './pg-assemble.js'
import {PgEntryProcessor, type PgLogEntry} from './pg-entries.js'
import {headLines, pgTimestampToIso} from './pg-logs.js'
import {compilePrefix, detectPrefix, type PrefixFields} from './pg-prefix.js'
import type {SourceReport} from './report.js'
import {WarningTally} from './warnings.js'

export type CloudJsonFormat = 'pg-cloudsql' | 'pg-cnpg'

type Json = Record<string, unknown>

/** A record's fields under jsonlog's names or csvlog's (CloudNativePG, Cloud SQL jsonPayload). */
export function structuredEntry(r: Json): Omit<PgLogEntry, 'file' | 'line'> | null {
  const s = (...keys: string[]) => {
    for (const k of keys) {
      const v = r[k]
      if (v !== undefined && v !== null && v !== '') return String(v)
    }
    return undefined
  }
  const severity = s('error_severity')
  if (!severity) return null
  const fields: PrefixFields = {
    timestamp: s('timestamp', 'log_time'), user: s('user', 'user_name'), database: s('dbname', 'database_name'),
    pid: s('pid', 'process_id'), client: s('remote_host', 'connection_from')?.replace(/:\d+$/, ''), session: s('session_id'),
    lineNumber: s('line_num', 'session_line_num'), vxid: s('vxid', 'virtual_transaction_id'), xid: s('txid', 'transaction_id'),
    application: s('application_name'), queryId: s('query_id'),
  }
  return {fields, severity, message: s('message') ?? '', detail: s('detail')}
}

/** What a record holds: structured fields, or the text of a stderr entry. */
function payload(format: CloudJsonFormat, r: Json): {structured: Json} | {text: string} | null {
  if (format === 'pg-cnpg') {
    return r.record && typeof r.record === 'object' && r.logger === 'postgres' ? {structured: r.record as Json} : null
  }
  if (typeof r.textPayload === 'string') return {text: r.textPayload}
  const j = r.jsonPayload
  if (j && typeof j === 'object') {
    if ('error_severity' in j) return {structured: j as Json}
    if (typeof (j as Json).message === 'string') return {text: (j as Json).message as string}
  }
  return null
}

const parse = (line: string): Json | null => {
  if (!line.startsWith('{')) return null
  try {
    const r = JSON.parse(line) as unknown
    return r && typeof r === 'object' && !Array.isArray(r) ? (r as Json) : null
  } catch {
    return null
  }
}

/** Lines of a sample that are this format's records. */
export function countCloudRecords(format: CloudJsonFormat, lines: string[]): number {
  if (format === 'pg-cloudsql' && lines[0]?.trim() === '[' && lines.some((l) => /"(textPayload|jsonPayload)"/.test(l)) && lines.some((l) => /"logName"|"insertId"/.test(l))) return lines.length
  return lines.reduce((n, l) => {
    const r = parse(l)
    return n + (r && (format === 'pg-cnpg' || 'logName' in r || 'insertId' in r) && payload(format, r) ? 1 : 0)
  }, 0)
}

/** The stderr text of the first records (for prefix detection). */
function sampleTexts(format: CloudJsonFormat, records: Json[]): string[] {
  return records.flatMap((r) => {
    const p = payload(format, r)
    return p && 'text' in p ? [p.text.split('\n')[0]!] : []
  })
}

/** A JSON array file (gcloud … --format=json) is read whole: it has no line structure. */
const MAX_ARRAY_BYTES = 512 * 1024 * 1024

export async function readCloudJsonLog(format: CloudJsonFormat, path: string, sink: EventSink, options: LineReadOptions & {prefix?: string} = {}): Promise<SourceReport & {prefix?: string}> {
  const tally = new WarningTally()
  const lineWarnings = newLineWarnings()
  let first: string | undefined
  let last: string | undefined
  const processor = new PgEntryProcessor((e) => {
    if (e.at && (first === undefined || e.at < first)) first = e.at
    if (e.at && (last === undefined || e.at > last)) last = e.at
    sink(e)
  })
  const head = await headLines(path, 500)
  const isArray = head.find((l) => l.trim() !== '')?.trim().startsWith('[') ?? false
  let arrayRecords: Json[] | undefined
  if (isArray) {
    if (statSync(path).size > MAX_ARRAY_BYTES) {
      return {format, lines: 0, events: 0, warnings: [{file: path, message: 'a JSON array over 512 MB: export newline-delimited JSON instead (gcloud logging read --format=json | jq -c .[])'}]}
    }
    try {
      const data = JSON.parse(readFileSync(path, 'utf8')) as unknown
      arrayRecords = Array.isArray(data) ? data.filter((r): r is Json => !!r && typeof r === 'object') : []
      // gcloud lists newest first: statements, their DETAIL lines and transactions need log order.
      const at = (r: Json) => (typeof r.timestamp === 'string' ? r.timestamp : '')
      arrayRecords.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0))
    } catch (error) {
      return {format, lines: 0, events: 0, warnings: [{file: path, message: `not valid JSON: ${(error as Error).message}`}]}
    }
  }
  const sample = arrayRecords?.slice(0, 500) ?? head.map(parse).filter((r): r is Json => r !== null)
  const prefix = options.prefix ?? detectPrefix(sampleTexts(format, sample))?.prefix
  const assembler = prefix === undefined ? undefined : new EntryAssembler(compilePrefix(prefix), processor, tally, path)
  let lines = 0
  const record = (r: Json | null, lineNo: number) => {
    if (!r) {
      tally.add('lines that are not JSON records', lineNo)
      return
    }
    const p = payload(format, r)
    if (!p) {
      tally.add(`records that are not ${format === 'pg-cnpg' ? 'CloudNativePG PostgreSQL records' : 'Cloud SQL PostgreSQL entries'}`, lineNo)
      return
    }
    if ('structured' in p) {
      const e = structuredEntry(p.structured)
      if (e) processor.entry({...e, file: path, line: lineNo})
      else tally.add('records without a severity', lineNo)
    } else if (assembler) {
      assembler.whole(String(lineNo), p.text, lineNo, {})
    } else {
      tally.add('text entries that match no log_line_prefix (pass --log-line-prefix)', lineNo)
    }
  }
  if (arrayRecords) {
    arrayRecords.forEach((r, i) => record(r, i + 1))
    lines = arrayRecords.length
  } else {
    await forEachLine(path, lineWarnings, (lineNo, text) => {
      lines++
      if (text.trim() !== '') record(parse(text), lineNo)
    }, options)
  }
  assembler?.finish()
  processor.finish()
  return {format, prefix, lines, events: processor.statements, warnings: tally.report(path, lineWarnings), from: pgTimestampToIso(first), to: pgTimestampToIso(last)}
}

/**
 * Azure Database for PostgreSQL logs exported by a diagnostic setting (category
 * "PostgreSQLLogs", operationName "LogEvent"), as Azure Monitor writes resource logs:
 *   storage account   PT1H.json: one record a line (older blobs: one `{"records": [...]}` document)
 *   Event Hub         each event body a `{"records": [...]}` batch (saved one a line, or one a file)
 *   Log Analytics     AzureDiagnostics rows exported as JSON: flat fields (Message, errorLevel_s …)
 * A record is `{time, resourceId, category, operationName, properties: {…}}`:
 *   Flexible Server   properties {timestamp, processId, errorLevel, sqlerrcode, message, detail}, the
 *                     message being the whole stderr entry under the server's log_line_prefix
 *   Single Server     properties {prefix, errorLevel, message, detail, domain, …}, the prefix
 *                     (`%t-%c-`) and the severity taken out of the message
 * DETAIL is not an entry of its own: it rides in the record it belongs to (`detail`).
 * Each record becomes a stderr entry, read under the log_line_prefix detected from the records
 * like any stderr log's.
 */
import {readFileSync, statSync} from 'node:fs'

import type {EventSink} from '../events.js'
import {forEachLine, newLineWarnings, type LineReadOptions} from './lines.js'
import {EntryAssembler} from './pg-assemble.js'
import {PgEntryProcessor} from './pg-entries.js'
import {headLines, pgTimestampToIso} from './pg-logs.js'
import {compilePrefix, detectPrefix} from './pg-prefix.js'
import type {SourceReport} from './report.js'
import {WarningTally} from './warnings.js'

type Json = Record<string, unknown>

const CATEGORY = 'postgresqllogs'

/** A record's category, under Azure Monitor's name or Log Analytics' column. */
const categoryOf = (r: Json) => String(r.category ?? r.Category ?? '').toLowerCase()

/** The first of these fields that is a non-empty string. */
function text(o: Json, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o[k]
    if (typeof v === 'string' && v !== '') return v
    if (typeof v === 'number') return String(v)
  }
  return undefined
}

/** One PostgreSQLLogs record, reduced to what a stderr reader needs. */
export interface AzureEntry {
  /** The stderr entry: prefix, severity and message (Single Server's put back together). */
  text: string
  detail?: string
  pid?: string
  timestamp?: string
}

/** A record of category PostgreSQLLogs → its stderr entry; null for any other record. */
export function azureEntry(r: Json): AzureEntry | null {
  if (categoryOf(r) !== CATEGORY) return null
  const p = r.properties && typeof r.properties === 'object' ? (r.properties as Json) : r
  const message = text(p, 'message', 'Message', 'message_s')
  if (message === undefined) return null
  const level = text(p, 'errorLevel', 'errorLevel_s', 'ErrorLevel')
  const prefix = text(p, 'prefix', 'prefix_s', 'Prefix')
  const detail = text(p, 'detail', 'detail_s', 'Detail')
  const pid = text(p, 'processId', 'processId_d', 'ProcessId')
  const timestamp = text(p, 'timestamp') ?? text(r, 'time', 'TimeGenerated')
  // Single Server gives the prefix and the severity apart from the message.
  const entry = prefix !== undefined && level !== undefined ? `${prefix}${level}:  ${message}` : message
  return {text: entry, detail, pid, timestamp}
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

/** The records a JSON value holds: itself, a `{records: […]}` batch's, or an array's. */
function recordsOf(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(recordsOf)
  if (!value || typeof value !== 'object') return []
  const o = value as Json
  return Array.isArray(o.records) ? o.records.filter((r): r is Json => !!r && typeof r === 'object') : [o]
}

/**
 * How many sample lines are Azure PostgreSQLLogs: a record or a batch a line, or the lines of a
 * pretty-printed document that names the category and a message.
 */
export function countAzureRecords(lines: string[]): number {
  const first = lines.find((l) => l.trim() !== '')?.trim() ?? ''
  if ((first === '{' || first === '[' || /^\{\s*"records"\s*:\s*\[\s*$/.test(first)) &&
    lines.some((l) => /"(category|Category)"\s*:\s*"PostgreSQLLogs"/i.test(l)) && lines.some((l) => /"(message|Message)"\s*:/.test(l))) {
    return lines.length
  }
  return lines.reduce((n, l) => {
    const r = parse(l.trim())
    return n + (r && recordsOf(r).some((x) => azureEntry(x) !== null) ? 1 : 0)
  }, 0)
}

/** The stderr entries' first lines of records given one a line (for log_line_prefix detection). */
export function azureEntryLines(lines: string[]): string[] {
  return lines.flatMap((l) => recordsOf(parse(l.trim()))).map(azureEntry).filter((e): e is AzureEntry => e !== null).map((e) => e.text.split('\n')[0]!)
}

/** A document that is not one record a line is read whole. */
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024

/**
 * A document's records in log order: Log Analytics exports are often newest first; records of
 * one millisecond keep the order they were exported in.
 */
function inLogOrder(records: Json[]): Json[] {
  const at = (r: Json) => azureEntry(r)?.timestamp ?? ''
  const stamped = records.filter((r) => at(r) !== '')
  if (stamped.length > 1 && at(stamped[0]!) > at(stamped.at(-1)!)) records = [...records].reverse()
  return records.map((r, i) => ({r, i, t: at(r)})).sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.i - b.i)).map((x) => x.r)
}

export async function readAzureLog(path: string, sink: EventSink, options: LineReadOptions & {prefix?: string} = {}): Promise<SourceReport & {prefix?: string}> {
  const format = 'pg-azure'
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
  const firstLine = head.find((l) => l.trim() !== '')?.trim() ?? ''
  // One record (or batch) a line starts with a whole object on the first line.
  const isDocument = parse(firstLine) === null
  let documentRecords: Json[] | undefined
  if (isDocument) {
    if (statSync(path).size > MAX_DOCUMENT_BYTES) {
      return {format, lines: 0, events: 0, warnings: [{file: path, message: 'a JSON document over 512 MB: export one record a line (the storage account\'s PT1H.json layout) instead'}]}
    }
    try {
      documentRecords = inLogOrder(recordsOf(JSON.parse(readFileSync(path, 'utf8')) as unknown))
    } catch (error) {
      return {format, lines: 0, events: 0, warnings: [{file: path, message: `not valid JSON: ${(error as Error).message}`}]}
    }
  }
  const sample = documentRecords
    ? documentRecords.slice(0, 500).map(azureEntry).filter((e): e is AzureEntry => e !== null).map((e) => e.text.split('\n')[0]!)
    : azureEntryLines(head)
  const prefix = options.prefix ?? detectPrefix(sample)?.prefix
  const assembler = prefix === undefined ? undefined : new EntryAssembler(compilePrefix(prefix), processor, tally, path)
  const record = (r: Json, lineNo: number) => {
    const e = azureEntry(r)
    if (!e) {
      tally.add(categoryOf(r) === CATEGORY ? 'PostgreSQLLogs records without a message' : 'records of other categories (not PostgreSQLLogs)', lineNo)
      return
    }
    if (!assembler) {
      tally.add('entries that match no log_line_prefix (pass --log-line-prefix)', lineNo)
      return
    }
    assembler.whole(e.pid ?? String(lineNo), e.text, lineNo, {pid: e.pid, timestamp: e.timestamp}, e.detail)
  }
  let lines = 0
  if (documentRecords) {
    documentRecords.forEach((r, i) => record(r, i + 1))
    lines = documentRecords.length
  } else {
    await forEachLine(path, lineWarnings, (lineNo, line) => {
      lines++
      if (line.trim() === '') return
      const value = parse(line.trim())
      if (!value) {
        tally.add('lines that are not JSON records', lineNo)
        return
      }
      for (const r of recordsOf(value)) record(r, lineNo)
    }, options)
  }
  assembler?.finish()
  processor.finish()
  return {format, prefix, lines, events: processor.statements, warnings: tally.report(path, lineWarnings), from: pgTimestampToIso(first), to: pgTimestampToIso(last)}
}

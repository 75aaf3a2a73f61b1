/**
 * Every file format Carve reads, in one table: how to recognise it from a file's first lines,
 * how to read it, whether it can be cut into byte ranges, and what to suggest when a file of it
 * yields no statement. Detection, reading (main thread and workers alike) and the "closest
 * format" of a silent file all go through this table; adding a format is adding a row.
 */
import {statSync} from 'node:fs'

import type {EventSink} from '../events.js'
import type {PieceEdges} from './pg-entries.js'
import {readMysqlGeneralLog} from './mysql-general.js'
import {readMysqlSlowLog} from './mysql-slow.js'
import {azureEntryLines, countAzureRecords, readAzureLog} from './pg-azure.js'
import {countCloudRecords, readCloudJsonLog} from './pg-cloud-json.js'
import {innerLines, readEnvelopedLog, UNWRAP} from './pg-envelope-logs.js'
import {countCsvlogRecords, headLines, readPgCsvLog, readPgJsonLog, readPgStderrLog} from './pg-logs.js'
import {compilePrefix, detectPrefix, type PrefixMatcher} from './pg-prefix.js'
import {isPgbouncerLine, readPgbouncerLog} from './pgbouncer.js'
import type {SourceReport} from './report.js'
import {readSqlFolder} from './sql-folder.js'

export const FILE_FORMATS = [
  'pg-stderr', 'pg-csvlog', 'pg-jsonlog', 'pg-syslog', 'pg-heroku', 'pg-journald', 'pg-cloudsql', 'pg-cnpg', 'pg-azure', 'pgbouncer',
  'mysql-general', 'mysql-slow', 'sql-postgres', 'sql-mysql',
] as const
export type FileFormat = (typeof FILE_FORMATS)[number]

/** One piece of input for a reader: a whole file, or a byte range of a plain one. */
export interface WorkUnit {
  file: string
  format: FileFormat
  /** The log_line_prefix settled for the file (formats that carry stderr text). */
  prefix?: string
  /** A byte range of a plain file; `last` when it ends the file. */
  range?: {start: number; end: number; firstLine: number; last?: boolean}
}

export interface Sample {
  /** The file's first non-blank lines. */
  lines: string[]
  /** A log_line_prefix the user gave: the stderr formats are scored with it. */
  prefix?: PrefixMatcher
}

export interface LogFormat {
  name: FileFormat
  engine: 'postgres' | 'mysql'
  /** For messages: "a PostgreSQL stderr log". */
  label: string
  /**
   * How many sample lines this format recognises. Envelope formats weigh their lines double:
   * their lines also look like stderr lines with a long prefix, and must win over that.
   */
  detect(sample: Sample): number
  /** `edges`: for a piece of a cut file (splittable formats), what crosses its edges. */
  read(unit: WorkUnit, sink: EventSink, onBytes: (bytes: number) => void, edges?: PieceEdges): Promise<SourceReport>
  /** Entries start at line starts that can be found from a byte offset (parallel pieces). */
  splittable?: boolean
  /** The stderr text inside the format's lines, for log_line_prefix detection. */
  prefixLines?(lines: string[]): string[]
  /** What to try when a file of this format yields no statement. */
  hint: string
}

const MYSQL_GENERAL_ENTRY = /^(\d{6}\s+\d{1,2}:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)?\s+\d+ (Query|Connect|Quit|Init DB|Execute|Prepare|Close stmt)\b/
const MYSQL_HEADER = /(started with:|^Tcp port: \d+|^Time\s+Id Command\s+Argument)/

const count = (lines: string[], test: (l: string) => boolean) => lines.reduce((n, l) => n + (test(l) ? 1 : 0), 0)

const isJsonlog = (l: string) => {
  if (!l.startsWith('{')) return false
  try {
    return typeof (JSON.parse(l) as {error_severity?: unknown}).error_severity === 'string'
  } catch {
    return false
  }
}

const STATEMENT_HINT = "set log_statement = 'all' or log_min_duration_statement = 0 on the server: the file holds no statement lines"
const PREFIX_HINT = "pass --log-line-prefix '<SHOW log_line_prefix>' (or --format pg-stderr)"

/** The stderr prefix that fits a sample best (the given one, else detected). */
const stderrMatcher = (sample: Sample, lines = sample.lines) => sample.prefix ?? detectPrefix(lines)

const envelope = (name: 'pg-syslog' | 'pg-heroku' | 'pg-journald', label: string): LogFormat => ({
  name, engine: 'postgres', label,
  detect: (s) => 2 * count(s.lines, (l) => UNWRAP[name](l) !== null),
  prefixLines: (lines) => innerLines(name, lines),
  read: (u, sink, onBytes) => readEnvelopedLog(name, u.file, sink, {prefix: u.prefix, onBytes}),
  hint: `${PREFIX_HINT}; or ${STATEMENT_HINT}`,
})

const cloud = (name: 'pg-cloudsql' | 'pg-cnpg', label: string): LogFormat => ({
  name, engine: 'postgres', label,
  detect: (s) => 2 * countCloudRecords(name, s.lines),
  read: (u, sink, onBytes) => readCloudJsonLog(name, u.file, sink, {prefix: u.prefix, onBytes}),
  hint: STATEMENT_HINT,
})

export const LOG_FORMATS: LogFormat[] = [
  {
    name: 'pg-stderr', engine: 'postgres', label: 'a PostgreSQL stderr log', splittable: true,
    detect: (s) => {
      const m = stderrMatcher(s)
      return m ? count(s.lines, (l) => m.match(l) !== null) : 0
    },
    prefixLines: (lines) => lines,
    read: (u, sink, onBytes, edges) => readPgStderrLog(u.file, sink, {prefix: u.prefix, onBytes, range: u.range, edges}),
    hint: `${PREFIX_HINT}; or ${STATEMENT_HINT}`,
  },
  {
    name: 'pg-csvlog', engine: 'postgres', label: 'a PostgreSQL csvlog',
    detect: (s) => countCsvlogRecords(s.lines),
    read: (u, sink, onBytes) => readPgCsvLog(u.file, sink, {onBytes}),
    hint: STATEMENT_HINT,
  },
  {
    name: 'pg-jsonlog', engine: 'postgres', label: 'a PostgreSQL jsonlog', splittable: true,
    detect: (s) => count(s.lines, isJsonlog),
    read: (u, sink, onBytes, edges) => readPgJsonLog(u.file, sink, {onBytes, range: u.range, edges}),
    hint: STATEMENT_HINT,
  },
  envelope('pg-syslog', 'a PostgreSQL log through syslog'),
  envelope('pg-heroku', 'a Heroku Postgres log (logplex)'),
  envelope('pg-journald', 'a PostgreSQL log from journalctl -o json'),
  cloud('pg-cloudsql', 'a Google Cloud SQL log (Cloud Logging JSON)'),
  cloud('pg-cnpg', 'a CloudNativePG log (JSON)'),
  {
    name: 'pg-azure', engine: 'postgres', label: 'an Azure Database for PostgreSQL log (diagnostic-settings JSON)',
    detect: (s) => 2 * countAzureRecords(s.lines),
    prefixLines: azureEntryLines,
    read: (u, sink, onBytes) => readAzureLog(u.file, sink, {prefix: u.prefix, onBytes}),
    hint: `${STATEMENT_HINT} (server parameters of the Azure server)`,
  },
  {
    name: 'pgbouncer', engine: 'postgres', label: 'a pgbouncer log',
    detect: (s) => 2 * count(s.lines, isPgbouncerLine),
    read: (u) => readPgbouncerLog(u.file),
    hint: "pgbouncer does not log statements: ingest the PostgreSQL server's log",
  },
  {
    name: 'mysql-slow', engine: 'mysql', label: 'a MySQL slow query log',
    detect: (s) => 3 * count(s.lines, (l) => /^# (Time|User@Host|Query_time): /.test(l)),
    read: (u, sink, onBytes) => readMysqlSlowLog(u.file, sink, {onBytes}),
    hint: 'set long_query_time = 0 to log every statement',
  },
  {
    name: 'mysql-general', engine: 'mysql', label: 'a MySQL/MariaDB general query log',
    detect: (s) => count(s.lines, (l) => MYSQL_GENERAL_ENTRY.test(l) || MYSQL_HEADER.test(l)),
    read: (u, sink, onBytes) => readMysqlGeneralLog(u.file, sink, {onBytes}),
    hint: 'the general log holds Query lines only while general_log = ON',
  },
  {
    name: 'sql-postgres', engine: 'postgres', label: 'SQL files (PostgreSQL)',
    detect: () => 0,
    read: async (u, sink) => readSqlFolder(u.file, 'postgres', sink),
    hint: 'SQL files are read as DIR/<service>/*.sql',
  },
  {
    name: 'sql-mysql', engine: 'mysql', label: 'SQL files (MySQL)',
    detect: () => 0,
    read: async (u, sink) => readSqlFolder(u.file, 'mysql', sink),
    hint: 'SQL files are read as DIR/<service>/*.sql',
  },
]

export function logFormat(name: FileFormat): LogFormat {
  return LOG_FORMATS.find((f) => f.name === name)!
}

export interface Detection {
  format: FileFormat | null
  /** The best-scoring format even when nothing scored: what the file looked most like. */
  closest?: {format: FileFormat; score: number; of: number}
}

/** Lines read from a file's head to recognise its format. */
export const DETECT_LINES = 200

/**
 * Format of a file from its first lines: each format counts the lines it recognises and the most
 * recognised wins, so a file that mixes formats is read as what most of it is.
 */
export async function detectFileFormat(path: string, givenPrefix?: string): Promise<Detection> {
  if (statSync(path).isDirectory()) return {format: 'sql-postgres'}
  const lines = (await headLines(path, DETECT_LINES)).filter((l) => l.trim() !== '')
  if (lines.length === 0) return {format: null}
  const sample: Sample = {lines, prefix: givenPrefix === undefined ? undefined : compilePrefix(givenPrefix)}
  let best: {format: FileFormat; score: number} | undefined
  for (const f of LOG_FORMATS) {
    const score = f.detect(sample)
    if (!best || score > best.score) best = {format: f.name, score}
  }
  if (best && best.score > 0) return {format: best.format, closest: {...best, of: lines.length}}
  if (path.endsWith('.sql')) return {format: 'sql-postgres'}
  return {format: null, closest: closestByHints(lines)}
}

/** Nothing parsed: which format do the lines still resemble (a severity, a JSON brace …)? */
function closestByHints(lines: string[]): Detection['closest'] {
  const hints: [FileFormat, RegExp][] = [
    ['pg-stderr', /\b(LOG|ERROR|FATAL|WARNING|DETAIL|STATEMENT):\s/],
    ['pg-jsonlog', /^\s*[{[]/],
    ['mysql-general', /\b(Query|Connect|Quit)\b/],
  ]
  for (const [format, re] of hints) {
    const score = count(lines, (l) => re.test(l))
    if (score > 0) return {format, score, of: lines.length}
  }
  return undefined
}

/** The log_line_prefix to read a file with: the given one, else detected from its head. */
export async function settlePrefix(file: string, format: FileFormat, given?: string): Promise<string | undefined> {
  const f = logFormat(format)
  if (!f.prefixLines) return undefined
  if (given !== undefined) return given
  const lines = f.prefixLines((await headLines(file, 500)).filter((l) => l.trim() !== ''))
  return stderrMatcher({lines}, lines)?.prefix
}

/** Read one piece of input into a sink: the same code in the main thread and in workers. */
export function runUnit(unit: WorkUnit, sink: EventSink, onBytes: (bytes: number) => void, edges?: PieceEdges): Promise<SourceReport> {
  return logFormat(unit.format).read(unit, sink, onBytes, edges)
}

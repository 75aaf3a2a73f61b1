/**
 * Ingest query logs into a workload: detect each input's format, stream it through its reader
 * into the aggregator, and report progress. Usable without the CLI.
 */
import {existsSync, statSync} from 'node:fs'
import {availableParallelism} from 'node:os'

import type {Connection} from '../db/connection.js'
import {CarveError, EXIT} from '../errors.js'
import {WorkloadAggregator} from './aggregate.js'
import {StatementAnalyzer} from './analyzer.js'
import {Attributor, type ServiceMap} from './attribution.js'
import type {EventSink} from './events.js'
import type {Workload} from './model.js'
import {readMysqlDigests} from './sources/mysql-digest.js'
import {readMysqlGeneralLog} from './sources/mysql-general.js'
import {readMysqlSlowLog} from './sources/mysql-slow.js'
import {headLines, readPgCsvLog, readPgJsonLog, readPgStderrLog, splitCsvRecord} from './sources/pg-logs.js'
import {detectPrefix} from './sources/pg-prefix.js'
import {readPgStatStatements} from './sources/pg-stat-statements.js'
import type {SourceReport} from './sources/report.js'
import {runUnits, splitIntoUnits, type WorkUnit} from './parallel.js'
import {readSqlFolder} from './sources/sql-folder.js'

export const FILE_FORMATS = ['pg-stderr', 'pg-csvlog', 'pg-jsonlog', 'mysql-general', 'mysql-slow', 'sql-postgres', 'sql-mysql'] as const
export const LIVE_FORMATS = ['pg_stat_statements', 'mysql-digest'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]
export type LiveFormat = (typeof LIVE_FORMATS)[number]

const ENGINE: Record<FileFormat | LiveFormat, 'postgres' | 'mysql'> = {
  'pg-stderr': 'postgres', 'pg-csvlog': 'postgres', 'pg-jsonlog': 'postgres', 'sql-postgres': 'postgres', pg_stat_statements: 'postgres',
  'mysql-general': 'mysql', 'mysql-slow': 'mysql', 'sql-mysql': 'mysql', 'mysql-digest': 'mysql',
}

const MYSQL_GENERAL_ENTRY = /^(\d{6}\s+\d{1,2}:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)?\s+\d+ (Query|Connect|Quit|Init DB|Execute|Prepare|Close stmt)\b/
const MYSQL_HEADER = /(started with:|^Tcp port: \d+|^Time\s+Id Command\s+Argument)/

/**
 * Format of a log file from its first lines: each format counts the lines it recognises and the
 * most recognised wins, so a file that mixes formats is read as what most of it is. Null when
 * nothing fits.
 */
export async function detectFormat(path: string): Promise<FileFormat | null> {
  if (statSync(path).isDirectory()) return 'sql-postgres'
  const lines = (await headLines(path, 200)).filter((l) => l.trim() !== '')
  if (lines.length === 0) return null
  const count = (test: (l: string) => boolean) => lines.reduce((n, l) => n + (test(l) ? 1 : 0), 0)
  const isJsonlog = (l: string) => {
    if (!l.startsWith('{')) return false
    try {
      return typeof (JSON.parse(l) as {error_severity?: unknown}).error_severity === 'string'
    } catch {
      return false
    }
  }
  const prefix = detectPrefix(lines)
  const scores: [FileFormat, number][] = [
    ['pg-jsonlog', count(isJsonlog)],
    ['pg-csvlog', count((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[^,]*,/.test(l) && splitCsvRecord(l).length >= 22)],
    ['mysql-slow', count((l) => /^# (Time|User@Host|Query_time): /.test(l)) * 3],
    ['mysql-general', count((l) => MYSQL_GENERAL_ENTRY.test(l) || MYSQL_HEADER.test(l))],
    ['pg-stderr', prefix ? count((l) => prefix.match(l) !== null) : 0],
  ]
  const [format, score] = scores.reduce((best, x) => (x[1] > best[1] ? x : best))
  if (score > 0) return format
  if (path.endsWith('.sql')) return 'sql-postgres'
  return null
}

export interface IngestProgress {
  file: string
  fileIndex: number
  files: number
  /** On-disk bytes read of this file, and its size. */
  bytes: number
  size: number
}

export interface IngestOptions {
  files: string[]
  /** Force a format for every file (auto-detected per file otherwise). */
  format?: FileFormat
  /** Live sources read through a connection. */
  live?: {format: LiveFormat; conn: Connection}
  /** The server's log_line_prefix, for pg-stderr. */
  logLinePrefix?: string
  /** Service attribution rules (see attribution.ts); plain data so workers can share it. */
  serviceMap?: ServiceMap
  /** Worker threads to use (default: the machine's cores; 1 = all in this thread). */
  workers?: number
  /** Catalog tables ("name" in the default schema, else "schema.name"), to list untouched ones. */
  knownTables?: string[]
  onProgress?: (p: IngestProgress) => void
  onWarning?: (message: string) => void
}

export async function ingest(options: IngestOptions): Promise<Workload> {
  const plan: {file: string; format: FileFormat}[] = []
  const skipped: {file: string; reason: string}[] = []
  for (const file of options.files) {
    if (!existsSync(file)) throw new CarveError('workload.missing-file', `no such file: ${file}`, {exitCode: EXIT.usage})
    if (!statSync(file).isDirectory() && statSync(file).size === 0) {
      skipped.push({file, reason: 'the file is empty'})
      continue
    }
    const format = options.format ?? (await detectFormat(file))
    if (!format) {
      skipped.push({file, reason: 'not a PostgreSQL (stderr, csvlog, jsonlog) or MySQL (general, slow) log, nor SQL'})
      continue
    }
    plan.push({file, format})
  }
  for (const s of skipped) options.onWarning?.(`${s.file}: skipped: ${s.reason}`)
  if (plan.length === 0 && !options.live) {
    const reason = skipped.length === 1 ? `: ${skipped[0]!.reason}` : ''
    throw new CarveError('workload.no-input', `nothing to ingest${skipped.length ? ` (${skipped.length} file${skipped.length > 1 ? 's' : ''} skipped${reason})` : ''}`, {
      hint: 'pass log files (PostgreSQL stderr/csvlog/jsonlog, MySQL general/slow log, .sql files) or --format to force one',
    })
  }
  const engines = new Set([...plan.map((p) => ENGINE[p.format]), ...(options.live ? [ENGINE[options.live.format]] : [])])
  if (engines.size > 1) {
    throw new CarveError('workload.mixed', 'the inputs mix PostgreSQL and MySQL logs', {
      hint: 'ingest each database\'s logs into its own workload file',
      exitCode: EXIT.usage,
    })
  }
  const engine = [...engines][0] ?? 'postgres'
  const analyzer = await StatementAnalyzer.create(engine)
  const aggregator = new WorkloadAggregator(analyzer, {attributor: new Attributor(options.serviceMap), knownTables: options.knownTables})
  for (const s of skipped) aggregator.addSource({file: s.file, format: 'skipped', lines: 0, events: 0, warnings: [s.reason]})

  // The stderr prefix is settled once, here, so every worker reads a file the same way.
  const units: WorkUnit[] = []
  for (const {file, format} of plan) {
    const prefix = format === 'pg-stderr' ? options.logLinePrefix ?? (await detectPrefix((await headLines(file, 500)).filter((l) => l.trim() !== '')))?.prefix : undefined
    units.push(...(await splitIntoUnits(file, format, prefix, options.workers ?? defaultWorkers())))
  }
  const sizes = new Map(plan.map(({file}) => [file, statSync(file).isDirectory() ? 0 : statSync(file).size]))
  const progressByUnit = new Map<number, number>()
  const onUnitBytes = (unitIndex: number, bytes: number) => {
    const unit = units[unitIndex]!
    progressByUnit.set(unitIndex, bytes)
    let done = 0
    for (const [i, b] of progressByUnit) if (units[i]!.file === unit.file) done += b
    options.onProgress?.({file: unit.file, fileIndex: plan.findIndex((p) => p.file === unit.file), files: plan.length, bytes: done, size: sizes.get(unit.file) ?? 0})
  }

  const results = await runUnits(units, engine, options, aggregator, onUnitBytes)
  // One source entry per file, whatever the number of pieces it was read in.
  for (const {file} of plan) {
    const parts = results.filter((r) => r.unit.file === file).map((r) => r.report)
    const report = combineReports(parts)
    for (const w of report.warnings) options.onWarning?.(`${w.file}: ${w.message}`)
    aggregator.addSource({file, format: report.format, lines: report.lines, events: report.events, warnings: report.warnings.map((w) => w.message)}, report)
  }
  if (options.live) {
    const {format, conn} = options.live
    const sink: EventSink = (e) => aggregator.add(e)
    const report = format === 'pg_stat_statements' ? await readPgStatStatements(conn, sink) : await readMysqlDigests(conn, sink)
    for (const w of report.warnings) options.onWarning?.(`${w.file}: ${w.message}`)
    aggregator.addSource({file: conn.label, format: report.format, lines: report.lines, events: report.events, warnings: report.warnings.map((w) => w.message)}, report)
  }
  return aggregator.finish(engine)
}

function defaultWorkers(): number {
  return Math.max(1, availableParallelism())
}

/** Read one piece of input into a sink: the same code in the main thread and in workers. */
export async function runUnit(unit: WorkUnit, sink: EventSink, onBytes: (bytes: number) => void): Promise<SourceReport> {
  const {file, format, range} = unit
  switch (format) {
    case 'pg-stderr':
      return readPgStderrLog(file, sink, {prefix: unit.prefix, onBytes, range})
    case 'pg-csvlog':
      return readPgCsvLog(file, sink, {onBytes})
    case 'pg-jsonlog':
      return readPgJsonLog(file, sink, {onBytes, range})
    case 'mysql-general':
      return readMysqlGeneralLog(file, sink, {onBytes})
    case 'mysql-slow':
      return readMysqlSlowLog(file, sink, {onBytes})
    case 'sql-postgres':
    case 'sql-mysql':
      return readSqlFolder(file, format === 'sql-mysql' ? 'mysql' : 'postgres', sink)
  }
}

function combineReports(parts: SourceReport[]): SourceReport {
  const first = parts[0]!
  const min = (xs: (string | undefined)[]) => xs.filter((x): x is string => !!x).sort()[0]
  const max = (xs: (string | undefined)[]) => xs.filter((x): x is string => !!x).sort().at(-1)
  return {
    format: first.format,
    lines: parts.reduce((n, p) => n + p.lines, 0),
    events: parts.reduce((n, p) => n + p.events, 0),
    warnings: parts.flatMap((p) => p.warnings),
    from: min(parts.map((p) => p.from)),
    to: max(parts.map((p) => p.to)),
  }
}

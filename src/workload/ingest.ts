/**
 * Ingest query logs into a workload: detect each input's format, stream it through its reader
 * into the aggregator, and report progress. Usable without the CLI.
 */
import {existsSync, statSync} from 'node:fs'

import type {Connection} from '../db/connection.js'
import {CarveError, EXIT} from '../errors.js'
import {WorkloadAggregator} from './aggregate.js'
import {StatementAnalyzer} from './analyzer.js'
import type {Attributor} from './attribution.js'
import type {EventSink} from './events.js'
import type {Workload} from './model.js'
import {readMysqlDigests} from './sources/mysql-digest.js'
import {readMysqlGeneralLog} from './sources/mysql-general.js'
import {readMysqlSlowLog} from './sources/mysql-slow.js'
import {headLines, readPgCsvLog, readPgJsonLog, readPgStderrLog, splitCsvRecord} from './sources/pg-logs.js'
import {detectPrefix} from './sources/pg-prefix.js'
import {readPgStatStatements} from './sources/pg-stat-statements.js'
import type {SourceReport} from './sources/report.js'
import {readSqlFolder} from './sources/sql-folder.js'

export const FILE_FORMATS = ['pg-stderr', 'pg-csvlog', 'pg-jsonlog', 'mysql-general', 'mysql-slow', 'sql-postgres', 'sql-mysql'] as const
export const LIVE_FORMATS = ['pg_stat_statements', 'mysql-digest'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]
export type LiveFormat = (typeof LIVE_FORMATS)[number]

const ENGINE: Record<FileFormat | LiveFormat, 'postgres' | 'mysql'> = {
  'pg-stderr': 'postgres', 'pg-csvlog': 'postgres', 'pg-jsonlog': 'postgres', 'sql-postgres': 'postgres', pg_stat_statements: 'postgres',
  'mysql-general': 'mysql', 'mysql-slow': 'mysql', 'sql-mysql': 'mysql', 'mysql-digest': 'mysql',
}

/** Format of a log file from its first lines; null when nothing fits. */
export async function detectFormat(path: string): Promise<FileFormat | null> {
  if (statSync(path).isDirectory()) return 'sql-postgres'
  const lines = (await headLines(path, 200)).filter((l) => l.trim() !== '')
  if (lines.length === 0) return null
  const first = lines[0]!
  if (first.startsWith('{')) {
    try {
      if (typeof (JSON.parse(first) as {error_severity?: unknown}).error_severity === 'string') return 'pg-jsonlog'
    } catch {
      // not JSON
    }
  }
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(first) && splitCsvRecord(first).length >= 22) return 'pg-csvlog'
  const head = lines.slice(0, 50)
  if (head.some((l) => /^# (Time|User@Host): /.test(l))) return 'mysql-slow'
  if (head.some((l) => /(started with:|^Tcp port: \d+|^Time\s+Id Command\s+Argument)/.test(l)) ||
      head.some((l) => /^(\d{6}\s+\d{1,2}:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?)?\s+\d+ (Query|Connect|Quit|Init DB|Execute|Prepare)\b/.test(l))) {
    return 'mysql-general'
  }
  if (detectPrefix(lines)) return 'pg-stderr'
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
  attributor?: Attributor
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
  const aggregator = new WorkloadAggregator(analyzer, {attributor: options.attributor, knownTables: options.knownTables})
  const sink: EventSink = (e) => aggregator.add(e)
  for (const s of skipped) aggregator.addSource({file: s.file, format: 'skipped', lines: 0, events: 0, warnings: [s.reason]})

  for (const [index, {file, format}] of plan.entries()) {
    const size = statSync(file).isDirectory() ? 0 : statSync(file).size
    const onBytes = (bytes: number) => options.onProgress?.({file, fileIndex: index, files: plan.length, bytes, size})
    let report: SourceReport
    switch (format) {
      case 'pg-stderr':
        report = await readPgStderrLog(file, sink, {prefix: options.logLinePrefix, onBytes})
        break
      case 'pg-csvlog':
        report = await readPgCsvLog(file, sink, {onBytes})
        break
      case 'pg-jsonlog':
        report = await readPgJsonLog(file, sink, {onBytes})
        break
      case 'mysql-general':
        report = await readMysqlGeneralLog(file, sink, {onBytes})
        break
      case 'mysql-slow':
        report = await readMysqlSlowLog(file, sink, {onBytes})
        break
      case 'sql-postgres':
      case 'sql-mysql':
        report = readSqlFolder(file, format === 'sql-mysql' ? 'mysql' : 'postgres', sink)
        break
    }
    onBytes(size)
    for (const w of report.warnings) options.onWarning?.(`${w.file}: ${w.message}`)
    aggregator.addSource({file, format: report.format, lines: report.lines, events: report.events, warnings: report.warnings.map((w) => w.message)}, report)
  }
  if (options.live) {
    const {format, conn} = options.live
    const report = format === 'pg_stat_statements' ? await readPgStatStatements(conn, sink) : await readMysqlDigests(conn, sink)
    for (const w of report.warnings) options.onWarning?.(`${w.file}: ${w.message}`)
    aggregator.addSource({file: conn.label, format: report.format, lines: report.lines, events: report.events, warnings: report.warnings.map((w) => w.message)}, report)
  }
  return aggregator.finish(engine)
}

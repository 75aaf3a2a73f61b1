/**
 * Ingest query logs into a workload: detect each input's format, stream it through its reader
 * into the aggregator, and report progress. Usable without the CLI.
 */
import {existsSync, statSync} from 'node:fs'
import {availableParallelism} from 'node:os'

import {CarveError, EXIT} from '../errors.js'
import {WorkloadAggregator} from './aggregate.js'
import {StatementAnalyzer} from './analyzer.js'
import {Attributor} from './attribution.js'
import type {EventSink} from './events.js'
import type {Workload} from './model.js'
import {readMysqlDigests} from './sources/mysql-digest.js'
import {readPgStatStatements} from './sources/pg-stat-statements.js'
import {detectFileFormat, FILE_FORMATS, logFormat, settlePrefix, type FileFormat, type WorkUnit} from './sources/registry.js'
import type {SourceReport} from './sources/report.js'
import {LIVE_FORMATS, type IngestOptions, type LiveFormat} from './ingest-options.js'
import {runUnits, splitIntoUnits} from './parallel.js'
import {silentFileWarning} from './sources/silent.js'

export {FILE_FORMATS, type FileFormat}
export {LIVE_FORMATS, type IngestOptions, type IngestProgress, type LiveFormat} from './ingest-options.js'
// Other stages read a single file the way ingestion does.
export {runUnit} from './sources/registry.js'
const LIVE_ENGINE: Record<LiveFormat, 'postgres' | 'mysql'> = {pg_stat_statements: 'postgres', 'mysql-digest': 'mysql'}

/** Format of a log file from its first lines (see sources/registry.ts); null when nothing fits. */
export async function detectFormat(path: string, givenPrefix?: string): Promise<FileFormat | null> {
  return (await detectFileFormat(path, givenPrefix)).format
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
    if (options.format) {
      plan.push({file, format: options.format})
      continue
    }
    const detection = await detectFileFormat(file, options.logLinePrefix)
    if (!detection.format) {
      const closest = detection.closest ? logFormat(detection.closest.format) : undefined
      const like = closest ? `; ${detection.closest!.score} of its first ${detection.closest!.of} lines look like ${closest.label}: ${closest.hint}` : ''
      skipped.push({file, reason: `not a log format Carve reads (PostgreSQL stderr/csvlog/jsonlog/syslog/journald/Heroku/Cloud SQL/CloudNativePG/Azure, MySQL general/slow) nor SQL${like}`})
      continue
    }
    plan.push({file, format: detection.format})
  }
  for (const s of skipped) options.onWarning?.(`${s.file}: skipped: ${s.reason}`)
  if (plan.length === 0 && !options.live) {
    const reason = skipped.length === 1 ? `: ${skipped[0]!.reason}` : ''
    throw new CarveError('workload.no-input', `nothing to ingest${skipped.length ? ` (${skipped.length} file${skipped.length > 1 ? 's' : ''} skipped${reason})` : ''}`, {
      hint: 'pass log files (PostgreSQL stderr/csvlog/jsonlog, MySQL general/slow log, .sql files) or --format to force one',
    })
  }
  const engines = new Set([...plan.map((p) => logFormat(p.format).engine), ...(options.live ? [LIVE_ENGINE[options.live.format]] : [])])
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

  // One default for both the cut and the run: a library caller that gives no count (carve check
  // did) must not get a file cut for every core and then read on one.
  const workers = options.workers ?? defaultWorkers()
  // The stderr prefix is settled once, here, so every worker reads a file the same way.
  const units: WorkUnit[] = []
  for (const {file, format} of plan) {
    const prefix = await settlePrefix(file, format, options.logLinePrefix)
    units.push(...(await splitIntoUnits(file, format, prefix, workers)))
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

  const results = await runUnits(units, engine, {...options, workers}, aggregator, analyzer, onUnitBytes)
  // One source entry per file, whatever the number of pieces it was read in.
  for (const {file, format} of plan) {
    const parts = results.filter((r) => r.unit.file === file).map((r) => r.report)
    const report = combineReports(parts)
    // No silent zero: a file with lines but no statement says what it looked like and what to try.
    const silent = silentFileWarning(file, format, report, units.find((u) => u.file === file)?.prefix)
    if (silent) report.warnings.push(silent)
    for (const w of report.warnings) options.onWarning?.(`${w.file}: ${w.message}`)
    aggregator.addSource({file, format: report.format, lines: report.lines, events: report.events, warnings: report.warnings.map((w) => w.message), ...(report.adminCommands ? {adminCommands: report.adminCommands} : {})}, report)
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
    ...sumAdminCommands(parts),
  }
}

/** MySQL administrator commands of a file's pieces, summed per command (absent when there are none). */
function sumAdminCommands(parts: SourceReport[]): Pick<SourceReport, 'adminCommands'> {
  const sum = new Map<string, number>()
  for (const p of parts) for (const [c, n] of Object.entries(p.adminCommands ?? {})) sum.set(c, (sum.get(c) ?? 0) + n)
  return sum.size ? {adminCommands: Object.fromEntries([...sum].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))} : {}
}

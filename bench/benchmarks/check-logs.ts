/**
 * check-logs: `carve check` on a PostgreSQL stderr log against `carve workload ingest` of the
 * same log — the target is that checking runs at ingestion speed. The log is the one
 * log-ingestion generates (10 services, 200 tables, ~2,000 statement shapes); carve.yml gives
 * each service 20 tables.
 *
 * Two cases: "few violations" (exceptions cover every access but those to 5 tables: what a team
 * that adopted the boundaries sees) and "every access a violation" (no exceptions: 9 accesses in
 * 10 cross a boundary, the worst case for the pass that locates offending statements in the log).
 * Carve's report is checked before timing: every execution counted, and in the first case
 * findings only on the 5 uncovered tables, each with its log line.
 */
import {readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {stringify} from 'yaml'

import {scratchPath, timeCommand, type Sample} from '../lib/process.js'
import {BenchError, defineBenchmark, type Row} from '../lib/registry.js'
import {median, medianOrNull} from '../lib/stats.js'
import {generateLog} from './log-ingestion.js'

const PREFIX = '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h '
const SERVICES = ['orders', 'billing', 'catalog', 'pricing', 'payments', 'auth', 'ums', 'reporting', 'admin', 'wallet']
const SIZES_MB = {quick: 16, full: 1024} as const
const UNCOVERED = ['t0', 't1', 't2', 't3', 't4']
/** check may take this much longer than ingest and still be "at ingestion speed". */
const TARGET_SLOWDOWN = 1.25

function boundaries(withExceptions: boolean): object {
  const contexts = SERVICES.map((s, i) => ({name: s, owner: s, tables: Array.from({length: 20}, (_, k) => `t${i * 20 + k}`)}))
  const exceptions = withExceptions
    ? SERVICES.flatMap((s, i) =>
        Array.from({length: 200}, (_, n) => `t${n}`)
          .filter((t, n) => Math.floor(n / 20) !== i && !UNCOVERED.includes(t))
          .flatMap((table) => (['write', 'read'] as const).map((access) => ({consumer: s, table, access, approved_by: 'bench@example.com', expires: '2099-12-31', exit_plan: 'benchmark'}))),
      )
    : []
  return {version: 1, contexts, exceptions}
}

interface Report {
  evidence: {calls: number}
  findings: {rule: string; severity: string; table: string | null; evidence: {source: {line: number} | null} | null}[]
}

export default defineBenchmark({
  name: 'check-logs',
  summary: 'carve check vs carve workload ingest on the same generated PostgreSQL stderr log',
  order: 35,
  needsPostgres: false,
  async run(ctx) {
    const runs = ctx.runs ?? 3
    const megabytes = ctx.sizes?.[0] ?? SIZES_MB[ctx.mode]
    const log = scratchPath('check-postgresql.log')
    ctx.log(`check-logs: generating a ${megabytes} MB log`)
    const executions = await generateLog(log, megabytes)
    const size = statSync(log).size
    const files = {few: scratchPath('carve-few.yml'), all: scratchPath('carve-all.yml')}
    writeFileSync(files.few, stringify(boundaries(true)))
    writeFileSync(files.all, stringify(boundaries(false)))
    const bin = join(ctx.root, 'bin', 'run.js')
    const out = scratchPath('check.json')
    const ingest = () => timeCommand(process.execPath, [bin, 'workload', 'ingest', log, '--out', scratchPath('check-workload.json'), '--json', '--log-line-prefix', PREFIX], {timeoutMs: 3_600_000})
    const check = (file: string) => timeCommand(process.execPath, [bin, 'check', '-f', file, log, '--log-line-prefix', PREFIX, '--json', '--out', out, '--fail-on', 'none'], {timeoutMs: 3_600_000})

    // Untimed: the report must be right before it is timed.
    await check(files.few)
    const few = JSON.parse(readFileSync(out, 'utf8')) as Report
    const errors = few.findings.filter((f) => f.severity === 'error')
    if (few.evidence.calls !== executions) throw new BenchError(`check-logs: carve check counted ${few.evidence.calls} executions, the log has ${executions}`)
    if (!errors.length || errors.some((f) => !UNCOVERED.includes(f.table ?? '') || !f.evidence?.source)) {
      throw new BenchError(`check-logs: expected errors only on ${UNCOVERED.join(', ')}, each with its log line; got ${errors.length} (${[...new Set(errors.map((f) => f.table))].join(', ')})`)
    }

    const samples = {ingest: [] as Sample[], few: [] as Sample[], all: [] as Sample[]}
    for (let i = 0; i < runs; i++) {
      samples.ingest.push(await ingest())
      samples.few.push(await check(files.few))
      samples.all.push(await check(files.all))
      ctx.log(`check-logs: run ${i + 1}/${runs} done`)
    }
    const seconds = (s: Sample[]) => median(s.map((x) => x.wallSeconds))
    const mbps = (s: Sample[]) => size / 1024 / 1024 / seconds(s)
    const ingestMbps = mbps(samples.ingest)
    const row = (label: string, s: Sample[], targeted: boolean): Row => {
      const value = mbps(s)
      const ratio = value / ingestMbps
      return {
        benchmark: 'check-logs',
        case: `${megabytes} MB, ${label}`,
        carve: {value, unit: 'MB/s'},
        reference: {name: 'carve workload ingest', value: ingestMbps, unit: 'MB/s'},
        ratio,
        target: targeted ? `≥ ${(1 / TARGET_SLOWDOWN).toFixed(2)}× ingest` : '(worst case, no target)',
        met: targeted ? ratio >= 1 / TARGET_SLOWDOWN : null,
        notes: `${executions.toLocaleString('en-US')} executions; check peak RSS ${Math.round(medianOrNull(s.map((x) => x.peakRssMb)) ?? 0)} MB; median of ${runs}`,
        details: {bytes: size, executions, check: s, ingest: samples.ingest},
      }
    }
    return [row('few violations', samples.few, true), row('every access a violation', samples.all, false)]
  },
})

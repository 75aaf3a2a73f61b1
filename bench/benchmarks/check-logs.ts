/**
 * check-logs: `carve check` on a PostgreSQL stderr log against `carve workload ingest` of the
 * same log — the target is that checking runs at ingestion speed. The log is the one
 * log-ingestion generates (10 services, 200 tables, ~2,000 statement shapes); carve.yml gives
 * each service 20 tables.
 *
 * Two cases: "few violations" (exceptions cover every access but those to 5 tables: what a team
 * that adopted the boundaries sees; 3,510 exceptions to load, a 21,000-line carve.yml) and "every access a violation" (no
 * exceptions: 9 accesses in 10 cross a boundary, every finding cites its first/last seen and log
 * line). Both read the log once: ingestion keeps the sightings (src/workload/aggregate.ts).
 * Carve's report is checked before timing: every execution counted, and in the first case
 * findings only on the 5 uncovered tables, each with its log line.
 *
 * Ingest and the two checks run interleaved, run after run, so a busy machine slows all three
 * alike; the figures are medians. "At ingestion speed" is met when check's median time is within
 * ingest's own run-to-run range (no slower than ingestion, within its noise); the ratio is
 * printed as measured.
 */
import {readFileSync, statSync, writeFileSync} from 'node:fs'
import {loadavg} from 'node:os'
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
    // Ingest as a user runs it: workload.json written once, the summary printed (with --json it
    // would also print the whole workload again, which check does not pay for).
    const ingest = () => timeCommand(process.execPath, [bin, 'workload', 'ingest', log, '--out', scratchPath('check-workload.json'), '--log-line-prefix', PREFIX], {timeoutMs: 3_600_000})
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
    const steps = [async () => samples.ingest.push(await ingest()), async () => samples.few.push(await check(files.few)), async () => samples.all.push(await check(files.all))]
    for (let i = 0; i < runs; i++) {
      // Ingest first, then last: a load that drifts during the run weighs on both sides alike.
      for (const step of i % 2 === 0 ? steps : [...steps].reverse()) await step()
      ctx.log(`check-logs: run ${i + 1}/${runs} done`)
    }
    const seconds = (s: Sample[]) => median(s.map((x) => x.wallSeconds))
    const mbps = (s: Sample[]) => size / 1024 / 1024 / seconds(s)
    const ingestMbps = mbps(samples.ingest)
    const ingestSlowest = Math.max(...samples.ingest.map((x) => x.wallSeconds))
    const ingestSpread = (ingestSlowest - Math.min(...samples.ingest.map((x) => x.wallSeconds))) / seconds(samples.ingest)
    const rss = (s: Sample[]) => Math.round(medianOrNull(s.map((x) => x.peakRssMb)) ?? 0)
    // CPU seconds say how much work each did, which a busy machine does not change much.
    const cpu = (s: Sample[]) => medianOrNull(s.map((x) => x.cpuSeconds))
    const cpuNote = (s: Sample[]) => (cpu(s) !== null && cpu(samples.ingest) !== null ? `; CPU check ${cpu(s)!.toFixed(1)} s vs ingest ${cpu(samples.ingest)!.toFixed(1)} s` : '')
    const row = (label: string, s: Sample[]): Row => {
      const value = mbps(s)
      return {
        benchmark: 'check-logs',
        case: `${megabytes} MB, ${label}`,
        carve: {value, unit: 'MB/s'},
        reference: {name: 'carve workload ingest', value: ingestMbps, unit: 'MB/s'},
        ratio: value / ingestMbps,
        target: '≥ 1.00× ingest (within its run-to-run noise)',
        met: seconds(s) <= ingestSlowest,
        notes: `${executions.toLocaleString('en-US')} executions; check ${seconds(s).toFixed(2)} s vs ingest ${seconds(samples.ingest).toFixed(2)} s (ingest runs spread ${(ingestSpread * 100).toFixed(0)}%)${cpuNote(s)}; peak RSS check ${rss(s)} MB, ingest ${rss(samples.ingest)} MB; median of ${runs}, interleaved; load average ${loadavg()[0]!.toFixed(1)}`,
        details: {bytes: size, executions, check: s, ingest: samples.ingest},
      }
    }
    return [row('few violations', samples.few), row('every access a violation', samples.all)]
  },
})

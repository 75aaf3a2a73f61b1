/**
 * Parallel ingestion: large plain stderr/jsonlog files are cut into byte ranges at entry
 * boundaries, every piece (and every other file) is a work unit, and a pool of worker threads
 * reads units with their own parser and aggregator; the main thread merges the counts.
 *
 * Transactions that straddle a cut are stitched: each piece hands the events at its edges back
 * (stitch.ts) and the main thread replays them in file order, so any -j gives the same workload.
 */
import {existsSync, openSync, readSync, closeSync, statSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {CarveError} from '../errors.js'
import type {WorkloadAggregator, AggregatorState} from './aggregate.js'
import type {StatementAnalyzer} from './analyzer.js'
import type {StatementEvent} from './events.js'
import {transactionControl, type EdgeEvent, type UndecidedRange} from './stitch.js'
import type {IngestOptions} from './ingest-options.js'
import {isCompressed} from './sources/lines.js'
import {logFormat, runUnit, type FileFormat, type WorkUnit} from './sources/registry.js'
import type {SourceReport} from './sources/report.js'

export type {WorkUnit}

/** Below this, a file is one unit: cutting costs more than it saves. */
export const MIN_SPLIT_BYTES = 32 * 1024 * 1024

/** CARVE_MIN_SPLIT_BYTES lowers the threshold: tests cut small files into many pieces. */
const minSplitFromEnv = () => {
  const n = Number(process.env.CARVE_MIN_SPLIT_BYTES)
  return Number.isInteger(n) && n > 0 ? n : MIN_SPLIT_BYTES
}

export async function splitIntoUnits(file: string, format: FileFormat, prefix: string | undefined, workers: number, minSplitBytes = minSplitFromEnv()): Promise<WorkUnit[]> {
  const stat = statSync(file)
  if (workers <= 1 || !logFormat(format).splittable || stat.isDirectory() || stat.size < minSplitBytes || (await isCompressed(file))) {
    return [{file, format, prefix}]
  }
  const size = stat.size
  const pieces = workers * 2
  const fd = openSync(file, 'r')
  try {
    const cuts: number[] = [0]
    const probe = Buffer.alloc(1 << 20)
    for (let i = 1; i < pieces; i++) {
      const approx = Math.floor((size * i) / pieces)
      if (approx <= cuts.at(-1)!) continue
      const n = readSync(fd, probe, 0, probe.length, approx)
      // A cut goes after a newline whose next line starts a new entry (stderr continues
      // multi-line statements on lines led by a tab).
      let at = -1
      for (let k = probe.indexOf(10, 0); k !== -1 && k + 1 < n; k = probe.indexOf(10, k + 1)) {
        if (format !== 'pg-stderr' || probe[k + 1] !== 0x09) {
          at = approx + k + 1
          break
        }
      }
      if (at > cuts.at(-1)! && at < size) cuts.push(at)
    }
    cuts.push(size)
    // Line numbers of each cut, so warnings and samples name real lines.
    const firstLines = countLinesAt(fd, cuts)
    return cuts.slice(0, -1).map((start, i) => ({file, format, prefix, range: {start, end: cuts[i + 1]!, firstLine: firstLines[i]!, last: i === cuts.length - 2}}))
  } finally {
    closeSync(fd)
  }
}

/** 1-based line number at each offset (offsets ascending). */
function countLinesAt(fd: number, offsets: number[]): number[] {
  const out: number[] = []
  const buf = Buffer.alloc(8 << 20)
  let line = 1
  let pos = 0
  for (const target of offsets) {
    while (pos < target) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, target - pos), pos)
      if (n <= 0) break
      for (let k = buf.indexOf(10, 0); k !== -1 && k < n; k = buf.indexOf(10, k + 1)) line++
      pos += n
    }
    out.push(line)
  }
  return out
}

export interface UnitResult {
  unit: WorkUnit
  report: SourceReport
}

const WORKER_SCRIPT = new URL('./worker.js', import.meta.url)

/** Worker threads need the compiled script; from TypeScript sources (tests) we stay in-process. */
export function workersAvailable(): boolean {
  return WORKER_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(WORKER_SCRIPT))
}

/** A worker with no unit left to read: it snapshots its counts, sends them and ends when asked. */
interface IdleWorker {
  handOver: () => Promise<AggregatorState>
}

/** What a worker hands back about a piece's edges (see stitch.ts). */
interface PieceEdgeReport {
  head: EdgeEvent[]
  tail: EdgeEvent[]
  orphans: [string, number][]
  undecided: UndecidedRange[]
  settled: string[]
  scratch?: AggregatorState
}

export async function runUnits(
  units: WorkUnit[],
  engine: 'postgres' | 'mysql',
  options: IngestOptions,
  aggregator: WorkloadAggregator,
  analyzer: StatementAnalyzer,
  onUnitBytes: (unitIndex: number, bytes: number) => void,
): Promise<UnitResult[]> {
  const workers = Math.min(options.workers ?? 1, units.length)
  if (workers <= 1 || !workersAvailable()) {
    const results: UnitResult[] = []
    for (const [i, unit] of units.entries()) {
      const report = await runUnit(unit, (e) => aggregator.add(e), (b) => onUnitBytes(i, b))
      results.push({unit, report})
    }
    return results
  }
  const reports = new Array<SourceReport | undefined>(units.length)
  const edges = new Array<PieceEdgeReport | undefined>(units.length)
  let next = 0
  const started: Worker[] = []
  const runOne = () =>
    new Promise<IdleWorker>((idle, reject) => {
      const worker = new Worker(WORKER_SCRIPT, {workerData: {engine, serviceMap: options.serviceMap}})
      started.push(worker)
      let failure: Error | undefined
      let handedOver: {resolve: (state: AggregatorState) => void; reject: (error: Error) => void} | undefined
      const fail = (error: Error) => {
        failure ??= error
        if (handedOver) handedOver.reject(error)
        else reject(error)
        void worker.terminate()
      }
      const handOver = () =>
        new Promise<AggregatorState>((resolve, rejectState) => {
          if (failure) return rejectState(failure)
          handedOver = {resolve, reject: rejectState}
          worker.postMessage({type: 'finish'})
        })
      const feed = () => {
        if (next < units.length) {
          const index = next++
          worker.postMessage({type: 'unit', index, unit: units[index]})
        } else {
          idle({handOver})
        }
      }
      worker.on('message', (msg: PieceEdgeReport & {type: string; index: number; bytes: number; report: SourceReport; state: AggregatorState; message: string}) => {
        if (msg.type === 'progress') onUnitBytes(msg.index, msg.bytes)
        else if (msg.type === 'done') {
          reports[msg.index] = msg.report
          edges[msg.index] = {head: msg.head, tail: msg.tail, orphans: msg.orphans, undecided: msg.undecided, settled: msg.settled, scratch: msg.scratch}
          feed()
        } else if (msg.type === 'state') {
          handedOver?.resolve(msg.state)
          void worker.terminate()
        } else if (msg.type === 'error') {
          fail(new CarveError('workload.worker', msg.message))
        }
      })
      worker.on('error', (error) => fail(new CarveError('workload.worker', `a worker thread failed: ${error.message}`, {cause: error})))
      feed()
    })
  try {
    const idle = await Promise.all(Array.from({length: workers}, runOne))
    // The counts are handed over one worker at a time, in worker order, each merged and let go
    // before the next worker snapshots its own: handing them over all at once held every
    // worker's counts three times over (its aggregator, its snapshot, the copy received here).
    for (const worker of idle) aggregator.merge(await worker.handOver())
  } catch (error) {
    // Workers still waiting to hand over would keep the process alive.
    for (const worker of started) void worker.terminate()
    throw error
  }
  // The pieces' edges, in file order: the tail of piece i-1 meets the head of piece i, and a
  // statement held at the end of piece i-1 gets the bare duration piece i starts with. Beside the
  // aggregator, which sessions are inside an explicit transaction (what undecided ones need).
  const explicit = new Set<string>()
  const sessionKey = (file: string, session: string) => `${file}\u0000${session}`
  const add = (e: StatementEvent) => {
    aggregator.add(e)
    if (e.session === undefined) return
    const control = transactionControl(analyzer, e.sql)
    if (control === 'begin') explicit.add(sessionKey(e.file, e.session))
    else if (control === 'end') explicit.delete(sessionKey(e.file, e.session))
  }
  let held: EdgeEvent[] = []
  for (const [i, edge] of edges.entries()) {
    const unit = units[i]!
    const orphans = unit.range && unit.range.start > 0 ? new Map(edge?.orphans ?? []) : new Map<string, number>()
    for (const e of held) {
      const ms = e.session === undefined ? undefined : orphans.get(e.session)
      add(ms !== undefined && e.totalMs === undefined ? {...e, totalMs: ms} : e)
    }
    held = []
    const replay = (events: EdgeEvent[]) => {
      for (const e of events) {
        if (e.heldAtEnd) held.push(e)
        else add(e)
      }
    }
    replay(edge?.head ?? [])
    if (edge?.undecided.length) {
      // Autocommit where they became undecided: the scratch counts are a single thread's. Inside
      // an explicit transaction: their statements belong to it, so they are read again here.
      if (edge.undecided.some(([session]) => explicit.has(sessionKey(unit.file, session)))) {
        await rereadUndecided(unit, edge.undecided, add)
      } else if (edge.scratch) {
        aggregator.merge(edge.scratch)
      }
    }
    // A settled session's state at the piece's end is its tail's, whatever came before.
    for (const session of edge?.settled ?? []) explicit.delete(sessionKey(unit.file, session))
    replay(edge?.tail ?? [])
  }
  for (const e of held) add(e)
  return units.map((unit, i) => ({unit, report: reports[i]!}))
}

/**
 * Read a piece again and feed the undecided sessions' statements (their lines in the ranges the
 * worker reported) to the main aggregator, in order. The piece is read as the worker read it, so
 * the statements and their durations are the same.
 */
async function rereadUndecided(unit: WorkUnit, ranges: UndecidedRange[], add: (e: StatementEvent) => void): Promise<void> {
  const bySession = new Map(ranges.map(([session, from, to]) => [session, {from, to}]))
  await runUnit(unit, (e) => {
    const r = e.session === undefined ? undefined : bySession.get(e.session)
    if (r && e.line >= r.from && e.line <= r.to) add(e)
  }, () => {}, {open: unit.range?.last ? undefined : () => {}, orphan: () => {}})
}

/**
 * Parallel ingestion: large plain stderr/jsonlog files are cut into byte ranges at entry
 * boundaries, every piece (and every other file) is a work unit, and a pool of worker threads
 * reads units with their own parser and aggregator; the main thread merges the counts.
 *
 * Sessions that straddle a cut lose at most the pairing of one duration line or one open
 * transaction per session — the same trade pgBadger's -j makes.
 */
import {existsSync, openSync, readSync, closeSync, statSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {CarveError} from '../errors.js'
import type {WorkloadAggregator, AggregatorState} from './aggregate.js'
import type {IngestOptions} from './ingest.js'
import {isCompressed} from './sources/lines.js'
import {logFormat, runUnit, type FileFormat, type WorkUnit} from './sources/registry.js'
import type {SourceReport} from './sources/report.js'

export type {WorkUnit}

/** Below this, a file is one unit: cutting costs more than it saves. */
export const MIN_SPLIT_BYTES = 32 * 1024 * 1024

export async function splitIntoUnits(file: string, format: FileFormat, prefix: string | undefined, workers: number, minSplitBytes = MIN_SPLIT_BYTES): Promise<WorkUnit[]> {
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
    return cuts.slice(0, -1).map((start, i) => ({file, format, prefix, range: {start, end: cuts[i + 1]!, firstLine: firstLines[i]!}}))
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

export async function runUnits(
  units: WorkUnit[],
  engine: 'postgres' | 'mysql',
  options: IngestOptions,
  aggregator: WorkloadAggregator,
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
  let next = 0
  const runOne = () =>
    new Promise<AggregatorState>((resolve, reject) => {
      const worker = new Worker(WORKER_SCRIPT, {workerData: {engine, serviceMap: options.serviceMap}})
      const feed = () => {
        if (next < units.length) {
          const index = next++
          worker.postMessage({type: 'unit', index, unit: units[index]})
        } else {
          worker.postMessage({type: 'finish'})
        }
      }
      worker.on('message', (msg: {type: string; index: number; bytes: number; report: SourceReport; state: AggregatorState; message: string}) => {
        if (msg.type === 'progress') onUnitBytes(msg.index, msg.bytes)
        else if (msg.type === 'done') {
          reports[msg.index] = msg.report
          feed()
        } else if (msg.type === 'state') {
          resolve(msg.state)
          void worker.terminate()
        } else if (msg.type === 'error') {
          reject(new CarveError('workload.worker', msg.message))
          void worker.terminate()
        }
      })
      worker.on('error', (error) => reject(new CarveError('workload.worker', `a worker thread failed: ${error.message}`, {cause: error})))
      feed()
    })
  const states = await Promise.all(Array.from({length: workers}, runOne))
  for (const state of states) aggregator.merge(state)
  return units.map((unit, i) => ({unit, report: reports[i]!}))
}

/**
 * Worker thread of parallel ingestion (see parallel.ts): reads the units it is sent into its own
 * aggregator and hands the counts back when told to finish.
 */
import {parentPort, workerData} from 'node:worker_threads'

import {WorkloadAggregator} from './aggregate.js'
import {StatementAnalyzer} from './analyzer.js'
import {Attributor, type ServiceMap} from './attribution.js'
import {runUnit, type WorkUnit} from './sources/registry.js'
import {BoundaryStitcher} from './stitch.js'

const {engine, serviceMap} = workerData as {engine: 'postgres' | 'mysql'; serviceMap?: ServiceMap}
const port = parentPort!
const analyzer = await StatementAnalyzer.create(engine)
const aggregator = new WorkloadAggregator(analyzer, {attributor: new Attributor(serviceMap)})

port.on('message', async (msg: {type: 'unit'; index: number; unit: WorkUnit} | {type: 'finish'}) => {
  try {
    if (msg.type === 'finish') {
      port.postMessage({type: 'state', state: aggregator.snapshot()})
      return
    }
    let last = 0
    // A piece of a cut file: transactions at its edges go back to the main thread (stitch.ts).
    const range = msg.unit.range
    // Undecided sessions' statements are counted apart: the main thread takes these counts or
    // reads the statements again, depending on the state the session was in (stitch.ts).
    let scratch: WorkloadAggregator | undefined
    const toScratch = (e: Parameters<BoundaryStitcher['event']>[0]) => (scratch ??= new WorkloadAggregator(analyzer, {attributor: new Attributor(serviceMap)})).add(e)
    const stitcher = range ? new BoundaryStitcher(analyzer, range.start === 0, range.last === true, (e) => aggregator.add(e), toScratch) : undefined
    const sink = stitcher ? (e: Parameters<BoundaryStitcher['event']>[0]) => stitcher.event(e) : (e: Parameters<BoundaryStitcher['event']>[0]) => aggregator.add(e)
    const orphans: [string, number][] = []
    const edges = stitcher && {open: range!.last ? undefined : (e: Parameters<BoundaryStitcher['event']>[0]) => stitcher.open(e), orphan: range!.start === 0 ? undefined : (session: string, ms: number) => void orphans.push([session, ms])}
    const report = await runUnit(msg.unit, sink, (bytes) => {
      // Progress every 4 MB is plenty and keeps the message channel quiet.
      if (bytes - last >= 4 << 20) {
        last = bytes
        port.postMessage({type: 'progress', index: msg.index, bytes})
      }
    }, edges)
    port.postMessage({type: 'progress', index: msg.index, bytes: msg.unit.range ? msg.unit.range.end - msg.unit.range.start : last})
    const tail = stitcher?.finish() ?? []
    port.postMessage({
      type: 'done', index: msg.index, report, head: stitcher?.head ?? [], tail, orphans,
      undecided: stitcher?.undecided ?? [], settled: stitcher?.settled ?? [], scratch: scratch?.snapshot(),
    })
  } catch (error) {
    port.postMessage({type: 'error', message: (error as Error).message})
  }
})

/**
 * cli-start: how long `carve --help` takes, the floor under every command, against a bare
 * `node -e 0` (Node's own start-up, which no Node CLI can beat).
 */
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {scratchPath, timeCommand, type Sample} from '../lib/process.js'
import {BenchError, defineBenchmark} from '../lib/registry.js'
import {median, medianOrNull} from '../lib/stats.js'

const TARGET_SECONDS = 0.5

export default defineBenchmark({
  name: 'cli-start',
  summary: 'node bin/run.js --help vs node -e 0 (cold start of the CLI)',
  order: 20,
  needsPostgres: false,
  async run(ctx) {
    const runs = ctx.runs ?? 10
    const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'}
    const carveArgs = [join(ctx.root, 'bin', 'run.js'), '--help']
    const carve = (stdoutTo?: string) => timeCommand(process.execPath, carveArgs, {env, stdoutTo, timeoutMs: 60_000})
    const bare = () => timeCommand(process.execPath, ['-e', '0'], {env, timeoutMs: 60_000})

    // Untimed: check the help is really printed (and warm the file cache for both).
    const file = scratchPath('help.txt')
    await carve(file)
    const help = readFileSync(file, 'utf8')
    rmSync(file, {force: true})
    if (!/\binspect\b/.test(help)) throw new BenchError(`cli-start: \`carve --help\` did not list the inspect command:\n${help.slice(0, 500)}`)
    await bare()

    const carveSamples: Sample[] = []
    const nodeSamples: Sample[] = []
    for (let r = 0; r < runs; r++) {
      carveSamples.push(await carve())
      nodeSamples.push(await bare())
    }
    ctx.log(`cli-start: ${runs} runs each done`)
    const carveWall = median(carveSamples.map((s) => s.wallSeconds))
    const nodeWall = median(nodeSamples.map((s) => s.wallSeconds))
    const carveRss = medianOrNull(carveSamples.map((s) => s.peakRssMb))
    const nodeRss = medianOrNull(nodeSamples.map((s) => s.peakRssMb))
    const notes = [
      `Carve's --help takes ${(carveWall / nodeWall).toFixed(1)}× a bare Node start (${Math.round((carveWall - nodeWall) * 1000)} ms of its own)`,
      carveRss !== null && nodeRss !== null ? `peak RSS ${Math.round(carveRss)} MB vs ${Math.round(nodeRss)} MB` : null,
      `median of ${runs}`,
    ].filter(Boolean)
    return [
      {
        benchmark: 'cli-start',
        case: '--help',
        carve: {value: carveWall, unit: 's'},
        reference: {name: 'node -e 0', value: nodeWall, unit: 's'},
        ratio: nodeWall / carveWall,
        target: `< ${TARGET_SECONDS} s absolute`,
        met: carveWall < TARGET_SECONDS,
        notes: notes.join('; '),
        details: {runs, carve: {samples: carveSamples}, node: {samples: nodeSamples}},
      },
    ]
  },
})

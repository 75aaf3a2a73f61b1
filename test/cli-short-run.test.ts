/**
 * src/cli/short-run.ts relies on V8 reading its young generation's growth factor at each growth,
 * not once when the heap is set up, and restores V8's defaults by value. Checked in fresh Node
 * processes (this worker's heap has long grown), against the same allocations outside a short run.
 */
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {describe, expect, it} from 'vitest'

import {V8_DEFAULTS} from '../src/cli/short-run.js'
import {packageRoot} from '../src/paths.js'

const MODULE = pathToFileURL(join(packageRoot(), 'dist', 'src', 'cli', 'short-run.js')).href

/** New-space size (MB) before and after keeping ~40 MB of small objects, then after as much again outside the short run. */
function youngGenerationSizes(short: boolean): {before: number; after: number; left: number} {
  const script = `
    import {getHeapSpaceStatistics} from 'node:v8'
    import {enterShortRun, leaveShortRun} from ${JSON.stringify(MODULE)}
    const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576
    const kept = []
    const keep = (n) => { for (let i = 0; i < n; i++) kept.push({id: i, name: 'row ' + i, tags: [i, i + 1]}) }
    // Garbage only, a few scavenges: both semispaces committed, nothing survives to grow them.
    for (let i = 0; i < 200000; i++) [{i}]
    const before = newSpace()
    if (${short}) enterShortRun()
    keep(300000)
    const after = newSpace()
    leaveShortRun()
    keep(300000)
    console.log(JSON.stringify({before, after, left: newSpace()}))
  `
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout) as {before: number; after: number; left: number}
}

describe('short runs (V8 flags set at run time)', () => {
  it('hold the young generation at its size, and V8 grows it again once left', () => {
    const normal = youngGenerationSizes(false)
    expect(normal.after).toBeGreaterThanOrEqual(4 * normal.before)
    const short = youngGenerationSizes(true)
    expect(short.after).toBe(short.before)
    expect(short.left).toBeGreaterThan(short.after)
  })

  it("restore this Node's own V8 defaults", () => {
    const options = spawnSync(process.execPath, ['--v8-options'], {encoding: 'utf8'}).stdout
    const defaultOf = (flag: string) => Number(new RegExp(`default: --${flag}=(\\d+)`).exec(options)?.[1])
    expect(defaultOf('semi-space-growth-factor')).toBe(V8_DEFAULTS.semiSpaceGrowthFactor)
    expect(defaultOf('interrupt-budget')).toBe(V8_DEFAULTS.interruptBudget)
  })
})

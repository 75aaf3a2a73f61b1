/**
 * holdYoungGeneration (src/cli/young-generation.ts) relies on V8 reading its growth factor at each
 * growth of the young generation, not once when the heap is set up. Checked in a fresh Node
 * process (this worker's heap has long grown), against the same allocations without the hold.
 */
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {describe, expect, it} from 'vitest'

import {packageRoot} from '../src/paths.js'

const MODULE = pathToFileURL(join(packageRoot(), 'dist', 'src', 'cli', 'young-generation.js')).href

/** New-space size (MB) before and after keeping ~40 MB of small objects, then after more once released. */
function youngGenerationSizes(hold: boolean): {before: number; after: number; released: number} {
  const script = `
    import {getHeapSpaceStatistics} from 'node:v8'
    import {holdYoungGeneration} from ${JSON.stringify(MODULE)}
    const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576
    const kept = []
    const keep = (n) => { for (let i = 0; i < n; i++) kept.push({id: i, name: 'row ' + i, tags: [i, i + 1]}) }
    // Garbage only, a few scavenges: both semispaces committed, nothing survives to grow them.
    for (let i = 0; i < 200000; i++) [{i}]
    const before = newSpace()
    const release = ${hold} ? holdYoungGeneration() : () => {}
    keep(300000)
    const after = newSpace()
    release()
    keep(300000)
    console.log(JSON.stringify({before, after, released: newSpace()}))
  `
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout) as {before: number; after: number; released: number}
}

describe('holdYoungGeneration', () => {
  it('keeps the young generation at its size while held, and lets V8 grow it once released', () => {
    const free = youngGenerationSizes(false)
    expect(free.after).toBeGreaterThanOrEqual(4 * free.before)
    const held = youngGenerationSizes(true)
    expect(held.after).toBe(held.before)
    expect(held.released).toBeGreaterThan(held.after)
  })
})

/**
 * clustering: `carve discover --yes --json` (the whole CLI, no prompts, schema only) on a freshly
 * generated N-table database with ~3 FKs per table — 10,000 tables ≈ 30,000 FKs in full mode.
 * There is no tool that does this to compare with; the target is absolute: 10,000 tables in
 * under 10 s. The proposal is checked before timing: every generated table is in exactly one
 * context.
 */
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {createScratchDatabase, withClient} from '../lib/postgres.js'
import {scratchPath, timeCommand, type Sample} from '../lib/process.js'
import {BenchError, defineBenchmark, type BenchContext, type Row} from '../lib/registry.js'
import {generateSchema} from '../lib/schema.js'
import {median, medianOrNull} from '../lib/stats.js'
import {group} from '../lib/table.js'

const SIZES = {quick: [1000], full: [1000, 10_000]} as const
const TARGET_SECONDS_AT_10K = 10

export default defineBenchmark({
  name: 'clustering',
  summary: 'carve discover --yes --json --schema-only (whole CLI) on a generated N-table database',
  order: 15,
  needsPostgres: true,
  async run(ctx) {
    const runs = ctx.runs ?? 3
    const rows: Row[] = []
    for (const n of ctx.sizes ?? SIZES[ctx.mode]) rows.push(await runCase(ctx, n, runs))
    return rows
  },
})

async function runCase(ctx: BenchContext, n: number, runs: number): Promise<Row> {
  const db = await createScratchDatabase(ctx.pg, `carve_bench_discover_${n}_${process.pid}`)
  try {
    ctx.log(`clustering ${group(n)} tables: loading the generated schema`)
    const schema = generateSchema(n, {tablesPerScript: 500})
    await withClient(db.url, async (client) => {
      for (const script of schema.scripts) await client.query(script)
      await client.query('analyze')
    })
    const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'}
    delete env.DATABASE_URL
    const file = scratchPath(`carve-${n}.yml`)
    const discover = (stdoutTo?: string) =>
      timeCommand(process.execPath, [join(ctx.root, 'bin', 'run.js'), 'discover', '--db', db.url, '--schema-only', '--yes', '--json', '--file', file], {env, stdoutTo, timeoutMs: 30 * 60_000})

    const out = scratchPath(`proposal-${n}.json`)
    await discover(out)
    const proposal = JSON.parse(readFileSync(out, 'utf8')) as {contexts?: {tables: string[]}[]; modularity?: number}
    rmSync(out, {force: true})
    const placed = (proposal.contexts ?? []).flatMap((c) => c.tables)
    if (placed.length !== schema.counts.tables || new Set(placed).size !== placed.length) {
      throw new BenchError(`clustering ${n}: the proposal places ${placed.length} tables (${new Set(placed).size} distinct), the schema has ${schema.counts.tables}`)
    }
    const samples: Sample[] = []
    for (let r = 0; r < runs; r++) {
      rmSync(file, {force: true})
      samples.push(await discover())
      ctx.log(`  run ${r + 1}/${runs}: ${samples[r]!.wallSeconds.toFixed(2)} s`)
    }
    const wall = median(samples.map((s) => s.wallSeconds))
    const rss = medianOrNull(samples.map((s) => s.peakRssMb))
    const applies = n >= 10_000
    return {
      benchmark: 'clustering',
      case: `${group(n)} tables, ${group(schema.counts.foreignKeys)} FKs`,
      carve: {value: wall, unit: 's'},
      reference: {name: '— (none exists)', value: NaN, unit: 's'},
      ratio: NaN,
      target: applies ? `< ${TARGET_SECONDS_AT_10K} s` : 'none at this size',
      met: applies ? wall < TARGET_SECONDS_AT_10K : null,
      notes: `${proposal.contexts!.length} contexts, modularity ${proposal.modularity?.toFixed(3)}; whole CLI incl. connecting and inspecting; peak RSS ${rss === null ? '?' : Math.round(rss)} MB; median of ${runs}`,
      details: {tables: n, generated: schema.counts, samples},
    }
  } finally {
    await db.drop()
  }
}

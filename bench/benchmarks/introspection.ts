/**
 * introspection: `carve inspect --db URL --json` (the whole CLI process) against
 * `pg_dump --schema-only --no-owner` on the same freshly generated N-table database.
 *
 * Both read the full catalog; pg_dump is what people reach for to "see the schema". Runs are
 * interleaved (carve, pg_dump, carve, pg_dump, …) after one untimed run of each, whose output is
 * checked against what was generated: a tool that returns wrong results is not benchmarked.
 */
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {createScratchDatabase, withClient} from '../lib/postgres.js'
import {commandOutput, scratchPath, timeCommand, type Sample} from '../lib/process.js'
import {BenchError, defineBenchmark, type BenchContext, type Row} from '../lib/registry.js'
import {generateSchema, type SchemaCounts} from '../lib/schema.js'
import {median, medianOrNull} from '../lib/stats.js'
import {group} from '../lib/table.js'

/** The parts of Carve's JSON catalog (carve.catalog/v1) this benchmark checks. */
interface CatalogJson {
  format?: string
  tables?: {columns: unknown[]; foreignKeys: unknown[]; indexes: unknown[]; uniques: unknown[]; checks: unknown[]}[]
  views?: unknown[]
  stats?: {catalogQueries: number; elapsedMs: number}
}

const TABLES_PER_SCRIPT = 500
const SIZES = {quick: [1000, 2000], full: [1000, 10_000]} as const

export default defineBenchmark({
  name: 'introspection',
  summary: 'carve inspect --json (whole CLI process) vs pg_dump --schema-only, same generated N-table database',
  order: 10,
  needsPostgres: true,
  async run(ctx) {
    const runs = ctx.runs ?? (ctx.mode === 'full' ? 5 : 3)
    if (commandOutput('pg_dump', ['--version']) === null) {
      throw new BenchError('introspection: pg_dump (the reference) is not on PATH; install the PostgreSQL client tools matching the server')
    }
    const rows: Row[] = []
    for (const n of ctx.sizes ?? SIZES[ctx.mode]) rows.push(await runCase(ctx, n, runs))
    return rows
  },
})

async function runCase(ctx: BenchContext, n: number, runs: number): Promise<Row> {
  const label = `${group(n)} tables`
  const db = await createScratchDatabase(ctx.pg, `carve_bench_${n}_${process.pid}`)
  try {
    ctx.log(`introspection ${label}: generating and loading the schema into ${db.name}`)
    const loadStarted = performance.now()
    const schema = generateSchema(n, {tablesPerScript: TABLES_PER_SCRIPT})
    await withClient(db.url, async (client) => {
      for (const [i, script] of schema.scripts.entries()) {
        await client.query(script)
        if (schema.scripts.length > 2) ctx.log(`  loaded ${group(Math.min((i + 1) * TABLES_PER_SCRIPT, n))} / ${group(n)} tables`)
      }
      await client.query('analyze')
    })
    const loadSeconds = (performance.now() - loadStarted) / 1000
    const c = schema.counts
    ctx.log(`  ${group(c.tables)} tables, ${group(c.foreignKeys)} FKs, ${group(c.indexes)} indexes, ${group(c.views)} views loaded in ${loadSeconds.toFixed(1)} s`)

    const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'}
    delete env.DATABASE_URL
    const carveArgs = [join(ctx.root, 'bin', 'run.js'), 'inspect', '--db', db.url, '--json']
    const dumpArgs = ['--schema-only', '--no-owner', '-d', db.url]
    const timeout = 30 * 60_000
    const carve = (stdoutTo?: string) => timeCommand(process.execPath, carveArgs, {env, stdoutTo, timeoutMs: timeout})
    const pgDump = (file: string) => timeCommand('pg_dump', [...dumpArgs, '-f', file], {timeoutMs: timeout})

    // One untimed run of each, output checked (and caches warmed alike for both tools).
    ctx.log('  checking both tools\' output (untimed run of each)')
    const carveFile = scratchPath(`catalog-${n}.json`)
    const dumpFile = scratchPath(`dump-${n}.sql`)
    const carveCheck = await carve(carveFile)
    const catalog = JSON.parse(readFileSync(carveFile, 'utf8')) as CatalogJson
    rmSync(carveFile, {force: true})
    const found = checkCatalog(catalog, c, label)
    const dumpCheck = await pgDump(dumpFile)
    checkDump(readFileSync(dumpFile, 'utf8'), c, label)
    rmSync(dumpFile, {force: true})

    const carveSamples: Sample[] = []
    const dumpSamples: Sample[] = []
    for (let r = 0; r < runs; r++) {
      carveSamples.push(await carve())
      dumpSamples.push(await pgDump('/dev/null'))
      ctx.log(`  run ${r + 1}/${runs}: carve ${carveSamples[r]!.wallSeconds.toFixed(2)} s, pg_dump ${dumpSamples[r]!.wallSeconds.toFixed(2)} s`)
    }

    const carveWall = median(carveSamples.map((s) => s.wallSeconds))
    const dumpWall = median(dumpSamples.map((s) => s.wallSeconds))
    const ratio = dumpWall / carveWall
    const carveCpu = medianOrNull(carveSamples.map((s) => s.cpuSeconds))
    const dumpCpu = medianOrNull(dumpSamples.map((s) => s.cpuSeconds))
    const carveRss = medianOrNull(carveSamples.map((s) => s.peakRssMb))
    const dumpRss = medianOrNull(dumpSamples.map((s) => s.peakRssMb))
    const inspectSeconds = found.elapsedMs / 1000
    const notes = [
      `${found.catalogQueries} catalog queries`,
      `found ${group(found.tables)} tables, ${group(found.foreignKeys)} FKs, ${group(found.views)} views (= generated)`,
      `inspect() ${inspectSeconds.toFixed(2)} s of the CLI's ${carveCheck.wallSeconds.toFixed(2)} s (check run)`,
      carveCpu !== null && dumpCpu !== null ? `client CPU ${carveCpu.toFixed(2)} s vs ${dumpCpu.toFixed(2)} s` : null,
      carveRss !== null && dumpRss !== null ? `peak RSS ${Math.round(carveRss)} MB vs ${Math.round(dumpRss)} MB` : null,
      `schema load ${loadSeconds.toFixed(0)} s`,
    ].filter(Boolean)
    return {
      benchmark: 'introspection',
      case: label,
      carve: {value: carveWall, unit: 's'},
      reference: {name: 'pg_dump', value: dumpWall, unit: 's'},
      ratio,
      target: '≥ 1.0× (not slower than pg_dump)',
      met: ratio >= 1,
      notes: notes.join('; '),
      details: {
        tables: n,
        runs,
        generated: c,
        found,
        carve: {samples: carveSamples, check: carveCheck, medianCpuSeconds: carveCpu, medianPeakRssMb: carveRss},
        pgDump: {samples: dumpSamples, check: dumpCheck, medianCpuSeconds: dumpCpu, medianPeakRssMb: dumpRss},
        loadSeconds,
        commands: {
          carve: 'node bin/run.js inspect --db URL --json > /dev/null',
          reference: 'pg_dump --schema-only --no-owner -d URL -f /dev/null',
        },
      },
    }
  } finally {
    ctx.log(`  dropping ${db.name}`)
    await db.drop()
  }
}

interface Found {
  tables: number
  columns: number
  foreignKeys: number
  indexes: number
  uniques: number
  checks: number
  views: number
  catalogQueries: number
  elapsedMs: number
}

function checkCatalog(catalog: CatalogJson, expected: SchemaCounts, label: string): Found {
  if (catalog.format !== 'carve.catalog/v1' || !catalog.tables || !catalog.views || !catalog.stats) {
    throw new BenchError(`introspection ${label}: carve inspect --json did not print a carve.catalog/v1 document`)
  }
  const sum = (pick: (t: NonNullable<CatalogJson['tables']>[number]) => unknown[]) => catalog.tables!.reduce((n, t) => n + pick(t).length, 0)
  const found: Found = {
    tables: catalog.tables.length,
    columns: sum((t) => t.columns),
    foreignKeys: sum((t) => t.foreignKeys),
    indexes: sum((t) => t.indexes),
    uniques: sum((t) => t.uniques),
    checks: sum((t) => t.checks),
    views: catalog.views.length,
    catalogQueries: catalog.stats.catalogQueries,
    elapsedMs: catalog.stats.elapsedMs,
  }
  const wrong = (['tables', 'columns', 'foreignKeys', 'indexes', 'uniques', 'checks', 'views'] as const)
    .filter((k) => found[k] !== expected[k])
    .map((k) => `${k}: generated ${expected[k]}, Carve found ${found[k]}`)
  if (wrong.length) throw new BenchError(`introspection ${label}: Carve's catalog is wrong — ${wrong.join('; ')}`)
  return found
}

function checkDump(sql: string, expected: SchemaCounts, label: string): void {
  const count = (re: RegExp) => sql.match(re)?.length ?? 0
  const found = {
    tables: count(/^CREATE TABLE /gm),
    foreignKeys: count(/^\s+ADD CONSTRAINT \S+ FOREIGN KEY /gm),
    views: count(/^CREATE VIEW /gm),
  }
  const wrong = (['tables', 'foreignKeys', 'views'] as const)
    .filter((k) => found[k] !== expected[k])
    .map((k) => `${k}: generated ${expected[k]}, pg_dump wrote ${found[k]}`)
  if (wrong.length) throw new BenchError(`introspection ${label}: pg_dump's output is not the generated schema — ${wrong.join('; ')}`)
}

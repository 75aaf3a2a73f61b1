/**
 * `npm run eval`: Carve's proposed contexts (schema only) against the ground truth of every
 * corpus in ../shared/corpora that has one, and of the shipped example, next to four baselines
 * computed in the same run — FK connected components, Louvain on the raw FK graph, the name
 * prefix and the name stem — on the adjusted Rand index and NMI.
 *
 * The score that counts cannot flatter: for each corpus, Carve's parameters are chosen on the
 * other corpora only (leave one corpus out: the setting of the grid with the largest smallest
 * margin over the other corpora's best baselines, on ARI and NMI both), then that corpus is
 * scored with them. The shipped defaults (one setting for every schema) are shown too, and the
 * example with its captured workload must reach ARI ≥ 0.9.
 *
 * Louvain is randomised: Carve's scores are shown at the default seed and as the range over
 * SEEDS, and a win counts only when it holds at every one of them (a result that moves with
 * the seed is not a margin to rely on).
 *
 * Prints one table; exits 1 when the held-out Carve score does not beat every baseline on ARI
 * and on NMI on every corpus at every seed, or the example with its workload is below 0.9.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {UndirectedGraph} from 'graphology'
import louvainModule from 'graphology-communities-louvain'
import {parse} from 'yaml'

import {seededRandom} from '../src/boundaries/cluster.js'
import {adjustedRandIndex, normalizedMutualInformation, type Partition} from '../src/boundaries/compare.js'
import {propose, type ProposeOptions} from '../src/boundaries/propose.js'
import {openExample} from '../src/db/examples.js'
import {openPglite} from '../src/db/pglite.js'
import {tableKeyer} from '../src/graph/build.js'
import {globalPrefix, nameStems} from '../src/graph/names.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {packageRoot} from '../src/paths.js'
import {loadServiceMap} from '../src/workload/service-map.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'

const louvain = louvainModule as unknown as (g: UndirectedGraph, o: {resolution?: number; rng?: () => number; getEdgeWeight?: string}) => Record<string, number>

const tablesOf = (catalog: Catalog) => catalog.tables.filter((t) => !t.partitionOf)

/** Baseline: connected components of the declared-FK graph. */
function fkComponents(catalog: Catalog): Partition {
  const keyOf = tableKeyer(catalog)
  const parent = new Map<string, string>()
  const find = (x: string): string => (parent.get(x) === x ? x : (parent.set(x, find(parent.get(x)!)), parent.get(x)!))
  for (const t of tablesOf(catalog)) parent.set(keyOf(t.schema, t.name), keyOf(t.schema, t.name))
  for (const t of catalog.tables) for (const fk of t.foreignKeys) {
    const a = keyOf(t.schema, t.name)
    const b = keyOf(fk.refSchema, fk.refTable)
    if (parent.has(a) && parent.has(b)) parent.set(find(a), find(b))
  }
  return new Map([...parent.keys()].map((k) => [k, find(k)]))
}

/** Baseline: Louvain (resolution 1, seed 42) on the raw FK graph, one weight per FK. */
function fkLouvain(catalog: Catalog): Partition {
  const keyOf = tableKeyer(catalog)
  const g = new UndirectedGraph()
  for (const t of tablesOf(catalog)) g.addNode(keyOf(t.schema, t.name))
  for (const t of catalog.tables) for (const fk of t.foreignKeys) {
    const a = keyOf(t.schema, t.name)
    const b = keyOf(fk.refSchema, fk.refTable)
    if (a !== b && g.hasNode(a) && g.hasNode(b)) g.mergeEdge(a, b, {weight: (g.hasEdge(a, b) ? g.getEdgeAttribute(a, b, 'weight') : 0) + 1})
  }
  const c = louvain(g, {resolution: 1, rng: seededRandom(42), getEdgeWeight: 'weight'})
  return new Map(g.nodes().map((n) => [n, `c${c[n]}`]))
}

/** Baseline: the part of the name before its first `_`, after a `word_` prefix most names share. */
function namePrefix(catalog: Catalog): Partition {
  const keyOf = tableKeyer(catalog)
  const tables = tablesOf(catalog)
  const prefix = globalPrefix(tables.map((t) => t.name))
  return new Map(tables.map((t) => [keyOf(t.schema, t.name), t.name.slice(prefix.length).split('_')[0]!]))
}

/** Baseline: the first word (split on `_`, spaces, camelCase) after a first word 80% of names share. */
function nameStem(catalog: Catalog): Partition {
  const keyOf = tableKeyer(catalog)
  const tables = tablesOf(catalog)
  const stems = nameStems(tables.map((t) => t.name))
  return new Map(tables.map((t, i) => [keyOf(t.schema, t.name), stems[i]!]))
}

const BASELINES: [string, (c: Catalog) => Partition][] = [['FK components', fkComponents], ['FK Louvain', fkLouvain], ['name prefix', namePrefix], ['name stem', nameStem]]

function carve(catalog: Catalog, workload?: Workload, options: ProposeOptions = {}): Partition {
  const p = propose(catalog, workload, options)
  return new Map(p.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as [string, string])))
}

interface Score {ari: number; nmi: number; contexts: number}

/** The seeds Carve's held-out and default scores are computed with (42 is propose()'s default). */
const SEEDS = [1, 2, 3, 5, 42]
const score = (predicted: Partition, truth: Partition): Score => ({
  ari: adjustedRandIndex(predicted, truth), nmi: normalizedMutualInformation(predicted, truth), contexts: new Set(predicted.values()).size,
})

interface Case {corpus: string; catalog: Catalog; truth: Partition; baselines: [string, Score][]; best: {ari: number; nmi: number}}

/**
 * The settings leave-one-corpus-out chooses among: name evidence as first-word families (the
 * method before name modules) or as name modules clustered as units (the default), with or
 * without the boundary between modules, with or without master data as a shared kernel and code
 * lists apart (shared-data.ts), the weight of names against the structure, hub damping
 * and the resolution — the knobs whose best value could differ by schema. Small on purpose:
 * every setting is run on every corpus.
 */
const GRID: {label: string; options: ProposeOptions}[] = []
for (const method of ['families', 'modules', 'modules with boundaries'] as const) for (const shared of [true, false]) for (const name of [2, 4]) for (const hubDamping of [0, 1]) for (const resolution of [1, 1.25, 1.5]) {
  const modules = method !== 'families'
  GRID.push({
    label: `name ${method} × ${name}, ${shared ? 'shared kernel, code lists apart' : 'no kernel, one reference group'}, hubDamping ${hubDamping}, resolution ${resolution}`,
    options: {weights: {name}, nameTrie: modules, nameUnits: modules, moduleBoundary: method === 'modules with boundaries' ? 0.25 : 1, sharedKernel: shared, codeListsApart: shared, hubDamping, resolution},
  })
}

/** A setting's margin on a case: how far it stays ahead of the best baseline, the worse of ARI and NMI. */
const margin = (s: Score, c: Case) => Math.min(s.ari - c.best.ari, s.nmi - c.best.nmi)

async function loadCorpora(dir: string): Promise<Case[]> {
  const names = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(join(dir, d, 'schema.json'))).sort() : []
  if (!names.length) console.warn(`no corpora at ${dir}: only the example is evaluated`)
  const cases: Case[] = []
  for (const name of names) {
    const json = JSON.parse(readFileSync(join(dir, name, 'schema.json'), 'utf8')) as {groundTruth?: Record<string, string>}
    const truth = new Map(Object.entries(json.groundTruth ?? {}))
    if (truth.size === 0) continue
    // One embedded database per corpus: a single drop of 484 tables would exceed the lock table.
    const conn = await openPglite(null)
    try {
      await conn.exec(readFileSync(join(dir, name, 'schema.sql'), 'utf8'))
      cases.push(withBaselines(name, await inspect(conn, {schemas: ['public']}), truth))
    } finally {
      await conn.close()
    }
  }
  return cases
}

function withBaselines(corpus: string, catalog: Catalog, truth: Partition): Case {
  const baselines = BASELINES.map(([method, run]) => [method, score(run(catalog), truth)] as [string, Score])
  return {corpus, catalog, truth, baselines, best: {ari: Math.max(...baselines.map(([, s]) => s.ari)), nmi: Math.max(...baselines.map(([, s]) => s.nmi))}}
}

/** The example's designed contexts, shared reference data and deprecated tables as groups of their own. */
function shopTruth(shopDir: string): Partition {
  const file = parse(readFileSync(join(shopDir, 'contexts.yml'), 'utf8')) as {contexts: {name: string; tables: string[]}[]; shared_reference: {tables: string[]}; deprecated: string[]}
  const truth = new Map<string, string>()
  for (const c of file.contexts) for (const t of c.tables) truth.set(t, c.name)
  for (const t of file.shared_reference.tables) truth.set(t, 'shared_reference')
  for (const t of file.deprecated) truth.set(t, 'deprecated')
  return truth
}

async function main(): Promise<void> {
  const cases = await loadCorpora(process.env.CARVE_CORPORA_DIR ?? resolve(packageRoot(), '..', 'shared', 'corpora'))
  const shopDir = join(packageRoot(), 'examples', 'shop')
  const shop = await openExample('shop')
  let shopCatalog: Catalog
  try {
    shopCatalog = await inspect(shop)
  } finally {
    await shop.close()
  }
  const truth = shopTruth(shopDir)
  cases.push(withBaselines('shop', shopCatalog, truth))

  // Every setting on every case, once.
  const started = Date.now()
  const grid = GRID.map((g) => cases.map((c) => score(carve(c.catalog, undefined, g.options), c.truth)))
  const defaults = cases.map((c) => score(carve(c.catalog), c.truth))
  // The chosen settings and the defaults at every seed: the worst is what must beat the baselines.
  const bySeed = (c: Case, options: ProposeOptions) => SEEDS.map((seed) => score(carve(c.catalog, undefined, {...options, seed}), c.truth))
  const range = (xs: Score[]) => {
    const r = (f: (x: Score) => number) => `${fmt(Math.min(...xs.map(f)))}–${fmt(Math.max(...xs.map(f)))}`
    return `${r((x) => x.ari)} / ${r((x) => x.nmi)}`
  }

  const failures: string[] = []
  const rows: string[][] = []
  const chosen: string[] = []
  cases.forEach((c, held) => {
    // Leave this corpus out: the setting whose smallest margin over the others is largest (then the largest mean margin).
    const others = cases.map((_x, i) => i).filter((i) => i !== held)
    const key = (g: number) => [Math.min(...others.map((i) => margin(grid[g]![i]!, cases[i]!))), others.reduce((s, i) => s + margin(grid[g]![i]!, cases[i]!), 0)] as const
    let best = 0
    for (let g = 1; g < GRID.length; g++) {
      const [a, b] = key(g)
      const [x, y] = key(best)
      if (a > x + 1e-9 || (Math.abs(a - x) <= 1e-9 && b > y + 1e-9)) best = g
    }
    const s = grid[best]![held]!
    const seeds = bySeed(c, GRID[best]!.options)
    const worst = {ari: Math.min(...seeds.map((x) => x.ari)), nmi: Math.min(...seeds.map((x) => x.nmi))}
    chosen.push(`  ${c.corpus.padEnd(16)} ${GRID[best]!.label}`)
    rows.push([c.corpus, 'carve (held out)', String(s.contexts), fmt(s.ari), fmt(s.nmi), range(seeds), ''])
    rows.push([c.corpus, 'carve (defaults)', String(defaults[held]!.contexts), fmt(defaults[held]!.ari), fmt(defaults[held]!.nmi), range(bySeed(c, {})), ''])
    for (const [method, b] of c.baselines) {
      const lost = [worst.ari > b.ari ? '' : 'ARI', worst.nmi > b.nmi ? '' : 'NMI'].filter(Boolean)
      rows.push([c.corpus, method, String(b.contexts), fmt(b.ari), fmt(b.nmi), '', lost.length ? `✗ Carve loses on ${lost.join(' and ')}` : ''])
      if (lost.length) failures.push(`${c.corpus}: Carve (held out, worst of seeds ${SEEDS.join(', ')}) ARI ${fmt(worst.ari)} NMI ${fmt(worst.nmi)} vs ${method} ARI ${fmt(b.ari)} NMI ${fmt(b.nmi)}`)
    }
  })

  const log = join(shopDir, 'logs', 'postgresql.csv')
  if (existsSync(log)) {
    const mapFile = join(shopDir, 'logs', 'service-map.yml')
    const workload = await ingest({files: [log], serviceMap: existsSync(mapFile) ? loadServiceMap(mapFile) : undefined, workers: 1})
    const s = score(carve(shopCatalog, workload), truth)
    rows.push(['shop', 'carve + workload', String(s.contexts), fmt(s.ari), fmt(s.nmi), '', s.ari >= 0.9 ? '' : '✗ below 0.9'])
    if (s.ari < 0.9) failures.push(`shop: Carve with the workload reaches ARI ${fmt(s.ari)} < 0.9`)
  } else {
    failures.push('shop: no captured workload (examples/shop/logs/postgresql.csv)')
  }

  const header = ['corpus', 'method', 'contexts', 'ARI', 'NMI', `ARI / NMI over seeds ${SEEDS.join(', ')}`, '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd()
  console.log(line(header))
  let last = ''
  for (const r of rows) {
    if (last && r[0] !== last) console.log('')
    console.log(line(r))
    last = r[0]!
  }
  console.log(`\nParameters chosen without each corpus (grid of ${GRID.length} settings, ${((Date.now() - started) / 1000).toFixed(0)} s):`)
  console.log(chosen.join('\n'))
  if (failures.length) {
    console.log('\nFAILED:')
    for (const f of failures) console.log(`  ${f}`)
    process.exitCode = 1
  } else {
    console.log(`\nCarve (parameters chosen without the corpus) beats every baseline on ARI and NMI on every corpus at seeds ${SEEDS.join(', ')}.`)
  }
}

const fmt = (x: number) => x.toFixed(3)

await main()

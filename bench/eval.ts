/**
 * `npm run eval`: Carve's proposed contexts against the ground truth of every corpus that has
 * one (../shared/corpora) and of the shipped example, next to simple baselines computed in the
 * same run. Prints one table; exits 1 when Carve does not beat every baseline on every corpus,
 * or recovers the example's contexts with ARI below 0.9 from its workload.
 *
 * `npm run eval -- --robustness` also prints the evidence behind the defaults
 * (docs/discovery.md): ARI over seeds, each parameter moved alone to half and double its
 * default, ablations, and a leave-one-corpus-out choice of the schema parameters.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {UndirectedGraph} from 'graphology'
import louvainModule from 'graphology-communities-louvain'
import {parse} from 'yaml'

import {seededRandom} from '../src/boundaries/cluster.js'
import {adjustedRandIndex, normalizedMutualInformation, pairwiseF1, type Partition} from '../src/boundaries/compare.js'
import {propose, type ProposeOptions} from '../src/boundaries/propose.js'
import {openExample} from '../src/db/examples.js'
import {openPglite} from '../src/db/pglite.js'
import {DEFAULT_WEIGHTS, type GraphWeights, tableKeyer} from '../src/graph/build.js'
import {globalPrefix} from '../src/graph/names.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {packageRoot} from '../src/paths.js'
import {ingest} from '../src/workload/ingest.js'
import {loadServiceMap} from '../src/workload/attribution.js'
import type {Workload} from '../src/workload/model.js'

const louvain = louvainModule as unknown as (g: UndirectedGraph, o: {resolution?: number; rng?: () => number; getEdgeWeight?: string}) => Record<string, number>

interface Row {corpus: string; method: string; contexts: number; ari: number; nmi: number; f1: number}

function score(corpus: string, method: string, predicted: Partition, truth: Partition): Row {
  return {
    corpus, method, contexts: new Set(predicted.values()).size,
    ari: adjustedRandIndex(predicted, truth), nmi: normalizedMutualInformation(predicted, truth), f1: pairwiseF1(predicted, truth).f1,
  }
}

/** Baseline 1: connected components of the declared-FK graph. */
function fkComponents(catalog: Catalog): Partition {
  const keyOf = tableKeyer(catalog)
  const parent = new Map<string, string>()
  const find = (x: string): string => (parent.get(x) === x ? x : (parent.set(x, find(parent.get(x)!)), parent.get(x)!))
  for (const t of catalog.tables) if (!t.partitionOf) parent.set(keyOf(t.schema, t.name), keyOf(t.schema, t.name))
  for (const t of catalog.tables) for (const fk of t.foreignKeys) {
    const a = keyOf(t.schema, t.name)
    const b = keyOf(fk.refSchema, fk.refTable)
    if (parent.has(a) && parent.has(b)) parent.set(find(a), find(b))
  }
  return new Map([...parent.keys()].map((k) => [k, find(k)]))
}

/** Baseline 2: Louvain (resolution 1, same seed) on the raw FK graph, one weight per FK. */
function fkLouvain(catalog: Catalog): Partition {
  const keyOf = tableKeyer(catalog)
  const g = new UndirectedGraph()
  for (const t of catalog.tables) if (!t.partitionOf) g.addNode(keyOf(t.schema, t.name))
  for (const t of catalog.tables) for (const fk of t.foreignKeys) {
    const a = keyOf(t.schema, t.name)
    const b = keyOf(fk.refSchema, fk.refTable)
    if (a !== b && g.hasNode(a) && g.hasNode(b)) g.mergeEdge(a, b, {weight: (g.hasEdge(a, b) ? g.getEdgeAttribute(a, b, 'weight') : 0) + 1})
  }
  const c = louvain(g, {resolution: 1, rng: seededRandom(42), getEdgeWeight: 'weight'})
  return new Map(g.nodes().map((n) => [n, `c${c[n]}`]))
}

/** Baseline 3: the first word of the name after the global prefix. */
function namePrefix(catalog: Catalog): Partition {
  const keyOf = tableKeyer(catalog)
  const tables = catalog.tables.filter((t) => !t.partitionOf)
  const prefix = globalPrefix(tables.map((t) => t.name))
  return new Map(tables.map((t) => [keyOf(t.schema, t.name), t.name.slice(prefix.length).split('_')[0]!]))
}

function carve(catalog: Catalog, workload?: Workload, options: ProposeOptions = {}): Partition {
  const p = propose(catalog, workload, options)
  return new Map(p.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as [string, string])))
}

interface Case {corpus: string; catalog: Catalog; truth: Partition; workload?: Workload; baseline: number}

const fmt = (x: number) => x.toFixed(3)

/**
 * The evidence behind the defaults. Schema cases are scored against their best baseline (the
 * margin must stay positive); the workload case against the 0.9 target.
 */
function robustness(cases: Case[]): void {
  const schema = cases.filter((c) => !c.workload)
  const withWorkload = cases.filter((c) => c.workload)
  const ari = (c: Case, options: ProposeOptions) => adjustedRandIndex(carve(c.catalog, c.workload, options), c.truth)
  const line = (label: string, options: ProposeOptions, among = cases) => {
    const scores = among.map((c) => ari(c, options))
    const ok = among.every((c, i) => scores[i]! > c.baseline)
    console.log(`  ${label.padEnd(40)}${scores.map(fmt).join('  ')}${ok ? '' : '   ✗ below a baseline/target'}`)
  }
  console.log(`\nRobustness (ARI: ${cases.map((c) => c.corpus + (c.workload ? '+workload' : '')).join(', ')}; to beat: ${cases.map((c) => fmt(c.baseline)).join(', ')})`)
  console.log('Seeds 1–10 (Louvain restarts are seeded from it):')
  const bySeed = Array.from({length: 10}, (_v, i) => cases.map((c) => ari(c, {seed: i + 1})))
  console.log(`  ${'min … max'.padEnd(40)}${cases.map((_c, j) => `${fmt(Math.min(...bySeed.map((r) => r[j]!)))}…${fmt(Math.max(...bySeed.map((r) => r[j]!)))}`).join('  ')}`)
  console.log('Each parameter alone at half and double its default (0 where the default is 0 or a switch):')
  line('defaults', {})
  const d = DEFAULT_WEIGHTS
  for (const [key, value] of Object.entries(d) as [keyof GraphWeights, number][]) {
    for (const f of [0.5, 2]) line(`${key} ${value} → ${value * f}`, {weights: {[key]: value * f}})
  }
  for (const v of [0, 0.5, 2]) line(`hubDamping 1 → ${v}`, {hubDamping: v})
  for (const v of [0.5, 1]) line(`referenceSpread 0 → ${v}`, {referenceSpread: v})
  console.log('Ablations:')
  line('no name evidence', {weights: {name: 0, nameContains: 0}})
  line('no containment', {weights: {nameContains: 0}})
  line('no reference-data rule', {referenceData: false})
  line('no hub damping', {hubDamping: 0})
  line('one Louvain run (restarts 1)', {restarts: 1})
  if (withWorkload.length) {
    line('workload, no ownership (sameWriter 0)', {weights: {sameWriter: 0}}, withWorkload)
    line('workload, no joins or transactions', {weights: {join: 0, transaction: 0}}, withWorkload)
  }

  // Leave one corpus out: choose the schema parameters on the other corpora (largest smallest
  // margin over their baselines, then largest mean margin), score the held-out one.
  const grid: ProposeOptions[] = []
  for (const name of [0.5, 1, 1.5, 2]) for (const nameContains of [0, 0.25, 0.5, 1]) for (const hubDamping of [0, 0.5, 1, 2]) for (const referenceSpread of [0, 0.5, 1]) {
    for (const referenceData of [true, false]) grid.push({weights: {name, nameContains}, hubDamping, referenceSpread, referenceData})
  }
  const scores = grid.map((options) => schema.map((c) => ari(c, options) - c.baseline))
  const describe = (o: ProposeOptions) => `name ${o.weights!.name}, nameContains ${o.weights!.nameContains}, hubDamping ${o.hubDamping}, referenceSpread ${o.referenceSpread}, referenceData ${o.referenceData}`
  console.log(`Leave one corpus out over ${grid.length} settings of name, nameContains, hubDamping, referenceSpread, referenceData:`)
  for (let held = 0; held < schema.length; held++) {
    const train = schema.map((_c, i) => i).filter((i) => i !== held)
    const key = (m: number[]) => [Math.min(...train.map((i) => m[i]!)), train.reduce((s, i) => s + m[i]!, 0)] as const
    let best = 0
    for (let g = 1; g < grid.length; g++) {
      const [a, b] = key(scores[g]!)
      const [x, y] = key(scores[best]!)
      if (a > x + 1e-9 || (Math.abs(a - x) <= 1e-9 && b > y + 1e-9)) best = g
    }
    const margin = scores[best]![held]!
    console.log(`  held out ${schema[held]!.corpus.padEnd(15)} chose ${describe(grid[best]!)}: ARI ${fmt(margin + schema[held]!.baseline)} vs baseline ${fmt(schema[held]!.baseline)} ${margin > 0 ? '✓' : '✗'}`)
  }
  const beating = scores.filter((m) => m.every((x) => x > 0)).length
  console.log(`  ${beating} of ${grid.length} settings beat every baseline on every corpus.`)
}

async function main(): Promise<void> {
  const rows: Row[] = []
  const failures: string[] = []
  const cases: Case[] = []
  const best = (results: Row[]) => Math.max(...results.slice(1).map((r) => r.ari))
  const corporaDir = process.env.CARVE_CORPORA_DIR ?? resolve(packageRoot(), '..', 'shared', 'corpora')
  const corpora = existsSync(corporaDir) ? readdirSync(corporaDir).filter((d) => existsSync(join(corporaDir, d, 'schema.json'))).sort() : []
  if (!corpora.length) console.warn(`no corpora at ${corporaDir}: only the example is evaluated`)
  const conn = await openPglite(null)
  try {
    for (const name of corpora) {
      const json = JSON.parse(readFileSync(join(corporaDir, name, 'schema.json'), 'utf8')) as {groundTruth?: Record<string, string>}
      const truth = new Map(Object.entries(json.groundTruth ?? {}))
      if (truth.size === 0) continue
      await conn.exec('drop schema public cascade; create schema public;')
      await conn.exec(readFileSync(join(corporaDir, name, 'schema.sql'), 'utf8'))
      const catalog = await inspect(conn, {schemas: ['public']})
      const results = [score(name, 'carve (schema only)', carve(catalog), truth), score(name, 'FK components', fkComponents(catalog), truth), score(name, 'FK Louvain', fkLouvain(catalog), truth), score(name, 'name prefix', namePrefix(catalog), truth)]
      rows.push(...results)
      cases.push({corpus: name, catalog, truth, baseline: best(results)})
      for (const b of results.slice(1)) if (!(results[0]!.ari > b.ari)) failures.push(`${name}: Carve ARI ${results[0]!.ari.toFixed(3)} does not beat ${b.method} ${b.ari.toFixed(3)}`)
    }
  } finally {
    await conn.close()
  }

  // The example: the designers' contexts (with shared reference data and deprecated tables as groups).
  const shopDir = join(packageRoot(), 'examples', 'shop')
  const file = parse(readFileSync(join(shopDir, 'contexts.yml'), 'utf8')) as {contexts: {name: string; tables: string[]}[]; shared_reference: {tables: string[]}; deprecated: string[]}
  const truth = new Map<string, string>()
  for (const c of file.contexts) for (const t of c.tables) truth.set(t, c.name)
  for (const t of file.shared_reference.tables) truth.set(t, 'shared_reference')
  for (const t of file.deprecated) truth.set(t, 'deprecated')
  const shop = await openExample('shop')
  try {
    const catalog = await inspect(shop)
    const schemaOnly = [score('shop', 'carve (schema only)', carve(catalog), truth), score('shop', 'FK components', fkComponents(catalog), truth), score('shop', 'FK Louvain', fkLouvain(catalog), truth), score('shop', 'name prefix', namePrefix(catalog), truth)]
    rows.push(...schemaOnly)
    cases.push({corpus: 'shop', catalog, truth, baseline: best(schemaOnly)})
    for (const b of schemaOnly.slice(1)) if (!(schemaOnly[0]!.ari > b.ari)) failures.push(`shop: Carve ARI ${schemaOnly[0]!.ari.toFixed(3)} does not beat ${b.method} ${b.ari.toFixed(3)}`)
    const log = join(shopDir, 'logs', 'postgresql.csv')
    if (existsSync(log)) {
      const mapFile = join(shopDir, 'logs', 'service-map.yml')
      const workload = await ingest({files: [log], serviceMap: existsSync(mapFile) ? loadServiceMap(mapFile) : undefined, workers: 1})
      const withWorkload = score('shop', 'carve + workload', carve(catalog, workload), truth)
      rows.push(withWorkload)
      cases.push({corpus: 'shop', catalog, truth, workload, baseline: 0.9})
      if (withWorkload.ari < 0.9) failures.push(`shop: Carve with the workload reaches ARI ${withWorkload.ari.toFixed(3)} < 0.9`)
    } else {
      failures.push('shop: no captured workload (examples/shop/logs/postgresql.csv)')
    }
  } finally {
    await shop.close()
  }

  const pad = (s: string, n: number) => s.padEnd(n)
  console.log(`${pad('corpus', 16)}${pad('method', 22)}${pad('contexts', 10)}${pad('ARI', 8)}${pad('NMI', 8)}F1`)
  for (const r of rows) console.log(`${pad(r.corpus, 16)}${pad(r.method, 22)}${pad(String(r.contexts), 10)}${pad(r.ari.toFixed(3), 8)}${pad(r.nmi.toFixed(3), 8)}${r.f1.toFixed(3)}`)
  if (failures.length) {
    console.log('\nFAILED:')
    for (const f of failures) console.log(`  ${f}`)
    process.exitCode = 1
  } else {
    console.log('\nCarve beats every baseline on every corpus.')
  }
  if (process.argv.includes('--robustness')) robustness(cases)
}

await main()

/**
 * The table graph: one node per table, one undirected weighted edge per pair of related tables,
 * the weight summing every signal that says "these belong together". Each signal has its own
 * documented, configurable weight (see DEFAULT_WEIGHTS and docs in README).
 *
 * Hub and reference tables (referenced from everywhere: users, countries, currencies) would
 * glue unrelated contexts together; their edges are damped by how many tables they touch.
 */
import {UndirectedGraph} from 'graphology'

import type {Catalog, Table} from '../introspect/model.js'
import type {Workload} from '../workload/model.js'
import {globalPrefix, nameStem} from './names.js'

export interface GraphWeights {
  /** A declared foreign key. */
  fk: number
  /** A reference inferred from names (no FK declared). */
  inferred: number
  /** Joined in one statement; scaled by log(executions) relative to the busiest join. */
  join: number
  /** Written in one transaction; scaled like joins. */
  transaction: number
  /** Main writer is the same service. */
  sameWriter: number
  /** Read together by one view (split among the view's table pairs). */
  view: number
  /** One table's trigger writes the other. */
  trigger: number
  /** Same name stem after the global prefix (order_lines ~ orders, productcategory ~ product). */
  name: number
}

/**
 * Defaults chosen once, on principle, not per corpus: a declared FK is the unit; the workload's
 * signals (joins, transactions, writers) are at least as strong as an FK because they are what
 * the services actually do; names and views are weak hints. See the README for how they were
 * evaluated.
 */
export const DEFAULT_WEIGHTS: GraphWeights = {
  fk: 1,
  inferred: 0.7,
  join: 1.5,
  transaction: 2,
  sameWriter: 1.5,
  view: 0.5,
  trigger: 0.3,
  name: 0.4,
}

export interface BuildOptions {
  weights?: Partial<GraphWeights>
  /** Damping of edges at hub tables: weight / (1 + hubDamping * excess degree share). */
  hubDamping?: number
}

export interface TableNode {
  key: string
  schema: string
  name: string
  deprecated: boolean
  /** Distinct tables referencing this one through FKs or inferred references. */
  referencedBy: number
  references: number
}

export interface TableGraph {
  graph: UndirectedGraph<TableNode, {weight: number; signals: Record<string, number>}>
  /** Table keys whose edges were damped (hubs and reference data). */
  hubs: string[]
  keyOf: (schema: string, name: string) => string
}

/** `name` in the default schema, `schema.name` elsewhere: the keys workloads use too. */
export function tableKeyer(catalog: Catalog): (schema: string, name: string) => string {
  const defaultSchema = catalog.database.engine === 'mysql' ? catalog.database.name : catalog.schemas.includes('public') ? 'public' : catalog.schemas.length === 1 ? catalog.schemas[0]! : 'public'
  return (schema, name) => (schema === defaultSchema ? name : `${schema}.${name}`)
}

export function buildTableGraph(catalog: Catalog, workload?: Workload, options: BuildOptions = {}): TableGraph {
  const w = {...DEFAULT_WEIGHTS, ...options.weights}
  const keyOf = tableKeyer(catalog)
  const tables = catalog.tables.filter((t) => !t.partitionOf)
  // Partitions are their parent: map them so FKs and statements on a partition land on it.
  const parentOf = new Map<string, string>()
  for (const t of catalog.tables) if (t.partitionOf) parentOf.set(keyOf(t.schema, t.name), keyOf(t.partitionOf.schema, t.partitionOf.name))
  const resolve = (key: string) => parentOf.get(key) ?? key

  const graph = new UndirectedGraph<TableNode, {weight: number; signals: Record<string, number>}>({type: 'undirected', multi: false, allowSelfLoops: false})
  for (const t of tables) {
    graph.addNode(keyOf(t.schema, t.name), {key: keyOf(t.schema, t.name), schema: t.schema, name: t.name, deprecated: t.flags.deprecated !== null, referencedBy: 0, references: 0})
  }
  const raw = new Map<string, Record<string, number>>()
  const add = (a: string, b: string, signal: keyof GraphWeights, amount: number) => {
    a = resolve(a)
    b = resolve(b)
    if (a === b || !graph.hasNode(a) || !graph.hasNode(b) || amount <= 0) return
    const k = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`
    let r = raw.get(k)
    if (!r) raw.set(k, (r = {}))
    r[signal] = (r[signal] ?? 0) + amount
  }

  // Structure: declared and inferred references.
  const referencedBy = new Map<string, Set<string>>()
  const references = new Map<string, Set<string>>()
  const noteRef = (from: string, to: string) => {
    from = resolve(from)
    to = resolve(to)
    if (from === to) return
    if (!referencedBy.has(to)) referencedBy.set(to, new Set())
    referencedBy.get(to)!.add(from)
    if (!references.has(from)) references.set(from, new Set())
    references.get(from)!.add(to)
  }
  for (const t of catalog.tables) {
    for (const fk of t.foreignKeys) {
      add(keyOf(t.schema, t.name), keyOf(fk.refSchema, fk.refTable), 'fk', w.fk)
      noteRef(keyOf(t.schema, t.name), keyOf(fk.refSchema, fk.refTable))
    }
  }
  for (const r of catalog.inferredReferences) {
    add(keyOf(r.from.schema, r.from.name), keyOf(r.to.schema, r.to.name), 'inferred', w.inferred)
    noteRef(keyOf(r.from.schema, r.from.name), keyOf(r.to.schema, r.to.name))
  }

  // Views: every pair of tables a view reads, the view's weight shared among its pairs.
  const viewTables = new Map(catalog.views.map((v) => [keyOf(v.schema, v.name), v.dependsOn.map((d) => keyOf(d.schema, d.name))]))
  const expand = (key: string, seen = new Set<string>()): string[] => {
    if (seen.has(key)) return []
    seen.add(key)
    const deps = viewTables.get(key)
    return deps ? deps.flatMap((d) => expand(d, seen)) : [key]
  }
  for (const deps of viewTables.values()) {
    const ts = [...new Set(deps.flatMap((d) => expand(d)).map(resolve))].filter((k) => graph.hasNode(k)).sort()
    const pairs = (ts.length * (ts.length - 1)) / 2
    for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) add(ts[i]!, ts[j]!, 'view', w.view / Math.max(1, pairs / ts.length))
  }

  // Triggers: the tables a trigger's function writes are unknown without parsing its body, but
  // a trigger shared by several tables ties them weakly (the audit trigger is damped as a hub).
  const triggerTables = new Map<string, string[]>()
  for (const t of catalog.tables) for (const tr of t.triggers) {
    if (!tr.function) continue
    const k = `${tr.function.schema}.${tr.function.name}`
    triggerTables.set(k, [...(triggerTables.get(k) ?? []), keyOf(t.schema, t.name)])
  }
  for (const ts of triggerTables.values()) {
    if (ts.length < 2 || ts.length > 6) continue
    for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) add(ts[i]!, ts[j]!, 'trigger', w.trigger)
  }

  // Names: tables sharing a stem, tied to the stem's representative (a star, not a clique).
  const prefix = globalPrefix(tables.map((t) => t.name))
  const byStem = new Map<string, string[]>()
  const names = new Map(tables.map((t) => [t.name.slice(prefix.length).toLowerCase(), keyOf(t.schema, t.name)]))
  for (const t of tables) {
    const stem = nameStem(t.name.slice(prefix.length), names)
    if (!stem) continue
    byStem.set(stem, [...(byStem.get(stem) ?? []), keyOf(t.schema, t.name)])
  }
  for (const [stem, members] of byStem) {
    if (members.length < 2) continue
    const hub = names.get(stem) ?? names.get(`${stem}s`) ?? [...members].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0]!
    for (const m of members) if (m !== hub) add(m, hub, 'name', w.name)
  }

  // Workload: joins, write transactions, same main writer.
  if (workload) {
    const maxJoin = Math.max(1, ...workload.joins.map((j) => j.calls))
    for (const j of workload.joins) add(j.tables[0]!, j.tables[1]!, 'join', (w.join * Math.log1p(j.calls)) / Math.log1p(maxJoin))
    const maxTxn = Math.max(1, ...workload.transactions.map((t) => t.calls))
    for (const t of workload.transactions) {
      const scale = (w.transaction * Math.log1p(t.calls)) / Math.log1p(maxTxn) / Math.max(1, t.tables.length - 1)
      for (let i = 0; i < t.tables.length; i++) for (let k = i + 1; k < t.tables.length; k++) add(t.tables[i]!, t.tables[k]!, 'transaction', scale)
    }
    const byWriter = new Map<string, string[]>()
    for (const u of workload.tables) {
      const top = Object.entries(u.writers).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]
      if (top) byWriter.set(top[0], [...(byWriter.get(top[0]) ?? []), resolve(u.table)])
    }
    for (const members of byWriter.values()) {
      const ms = [...new Set(members)].filter((m) => graph.hasNode(m)).sort()
      // A star around the first table keeps it linear; the weight spreads the tie over the group.
      for (let i = 1; i < ms.length; i++) add(ms[0]!, ms[i]!, 'sameWriter', w.sameWriter)
      for (let i = 2; i < ms.length; i++) add(ms[i - 1]!, ms[i]!, 'sameWriter', w.sameWriter / 2)
    }
  }

  for (const key of graph.nodes()) {
    graph.setNodeAttribute(key, 'referencedBy', referencedBy.get(key)?.size ?? 0)
    graph.setNodeAttribute(key, 'references', references.get(key)?.size ?? 0)
  }

  const hubs = detectHubs(graph)
  const hubSet = new Set(hubs)
  const damping = options.hubDamping ?? 1
  for (const [k, signals] of raw) {
    const [a, b] = k.split('\u0000') as [string, string]
    let weight = 0
    for (const value of Object.values(signals)) weight += value
    // An edge at a hub counts less the more tables the hub touches: users referenced by 30
    // tables should not pull all 30 into one context.
    for (const end of [a, b]) {
      if (!hubSet.has(end)) continue
      const degree = graph.getNodeAttribute(end, 'referencedBy')
      weight /= 1 + damping * Math.log2(Math.max(2, degree))
    }
    graph.addEdge(a, b, {weight, signals})
  }
  return {graph, hubs, keyOf}
}

/**
 * Hubs: tables referenced by many distinct tables — at least 6, and well above the schema's
 * typical in-degree (mean + 2 standard deviations over tables that are referenced at all).
 */
export function detectHubs(graph: UndirectedGraph<TableNode>): string[] {
  const degrees = graph.mapNodes((_k, a) => a.referencedBy).filter((d) => d > 0)
  if (degrees.length === 0) return []
  const mean = degrees.reduce((s, d) => s + d, 0) / degrees.length
  const sd = Math.sqrt(degrees.reduce((s, d) => s + (d - mean) ** 2, 0) / degrees.length)
  const threshold = Math.max(6, mean + 2 * sd)
  return graph.filterNodes((_k, a) => a.referencedBy >= threshold).sort()
}

export type {Table}

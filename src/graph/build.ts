/**
 * The table graph: one node per table, one undirected weighted edge per pair of related tables,
 * the weight summing every signal that says "these belong together". Each signal has its own
 * documented, configurable weight (DEFAULT_WEIGHTS; docs/discovery.md says how they were chosen).
 *
 * The shape of group signals matters as much as their weight: a group (a name family such as
 * order, order_lines, order_status_history; the tables one service owns; a transaction's
 * tables) is a clique whose edges are divided by the group's size less one, so every member
 * gets the same tie whatever the group's size — a star would make one member a hub, a plain
 * clique would let big groups swamp everything else.
 *
 * Two kinds of tables would glue unrelated contexts together and are treated apart:
 * - hubs (referenced from everywhere: users, organizations): their edges are damped by how many
 *   tables reference them;
 * - shared reference data (ISO code lists: countries, currencies, languages, locales, time
 *   zones, and lookups made only of them): a reference to a code list says nothing about where
 *   the referencing table belongs, so structural and name edges between reference data and the
 *   rest are dropped, and the reference tables are tied to each other instead.
 */
import {UndirectedGraph} from 'graphology'

import {defaultSchemaOf} from '../db/engine.js'
import type {Catalog, Table} from '../introspect/model.js'
import type {Workload} from '../workload/model.js'
import {columnTies} from './columns.js'
import {nameGroups, nameModules} from './name-trie.js'
import {bareNames, nameEvidence} from './names.js'
import {codeLists, detectReferenceData, masterData} from './shared-data.js'

export {isCodeListName} from './shared-data.js'

export interface GraphWeights {
  /** A declared foreign key (one per pair of tables, however many FKs join them). */
  fk: number
  /** A reference inferred from names (no FK declared). */
  inferred: number
  /** Joined in one statement by the service owning both tables; scaled by log(executions). */
  join: number
  /** Written in one transaction; scaled like joins, shared among the transaction's tables. */
  transaction: number
  /** Same main writer (a normalised clique per service). */
  sameWriter: number
  /** Read together by one view (split among the view's table pairs). */
  view: number
  /** Tables sharing one trigger function. */
  trigger: number
  /** Same name family after the global prefix (a normalised clique per family). */
  name: number
  /** A name spelling out another table's whole name after its first word (catalog_promotion → promotion). */
  nameContains: number
  /** Nearest table by specific column names (columns.ts), scaled by the cosine similarity. */
  column: number
}

/**
 * Defaults, checked leave-one-corpus-out on real schemas (`npm run eval`, docs/discovery.md): a
 * declared FK is the unit. A table's name module (name-trie.ts: the shallowest shared name
 * prefix whose tables reference each other across its branches) weighs four references — in
 * every corpus names written by a module's authors are better evidence than any one reference,
 * and the module's coherence already discounts namespaces and shared words; a name spelling
 * out another table's name (catalog_promotion → promotion) one reference. Who writes a table is
 * what a service-owned context is, so the workload's ownership signal (the same owner) weighs
 * three references; the owner's joins and transactions count like references and more. Column
 * names (columns.ts) are off: on the corpora they fragment more than they tie.
 */
export const DEFAULT_WEIGHTS: GraphWeights = {
  fk: 1,
  inferred: 0.7,
  join: 1.5,
  transaction: 2,
  sameWriter: 3,
  view: 0.5,
  trigger: 0.3,
  name: 4,
  nameContains: 1,
  column: 0,
}

export interface BuildOptions {
  weights?: Partial<GraphWeights>
  /**
   * Damping of edges at hub tables: weight / (1 + hubDamping · log2(in-degree)). Default 0:
   * module boundaries keep modules from gluing together through `users` better than damping
   * did, and damping cut apart tables that do belong with their hub (docs/discovery.md).
   */
  hubDamping?: number
  /** Schema ties between tables of two different name modules count × this (default 0.25 without a workload, 1 with one; 1: no boundary). */
  moduleBoundary?: number
  /**
   * How a table's references share one unit: each weighs 1 / (number of tables it
   * references)^referenceSpread. 0 (default): every reference counts fully; 1: a link table
   * with four parents is tied a quarter to each (tried; it did not help, docs/discovery.md).
   */
  referenceSpread?: number
  /** Treat ISO code lists and their lookups as shared reference data (default true). */
  referenceData?: boolean
  /**
   * Scale each name family's tie by how much its tables reference each other (twice the share of
   * members referencing another member): a module's family counts double, a shared word's not at
   * all. Off by default: it helps on some corpora and hurts on others (docs/discovery.md).
   */
  familyCoherence?: boolean
  /**
   * Name evidence by name modules (name-trie.ts, default true): each table's shallowest coherent
   * name prefix is its module, a normalised clique of weight `name`; false: first-word families.
   */
  nameTrie?: boolean
  /** With nameTrie, first-word families still tie their tables with name × trieFloor (default 0.25): a namespace says a little. */
  trieFloor?: number
  /** Coherence a name prefix needs to be a module (default 0.5; name-trie.ts). */
  trieThreshold?: number
  /**
   * Master data as a shared kernel (shared-data.ts, default true): between two name modules, a
   * reference into a table referenced from unusually many modules counts nothing.
   */
  sharedKernel?: boolean
  /** Each code list with its lookups as its own group of reference data (default true); false: one group for all. */
  codeListsApart?: boolean
  /** Column-name evidence: how many nearest tables each table is tied to (default 1, when the column weight is above 0). */
  columnNeighbours?: number
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
  /** Table keys whose edges were damped (hubs). */
  hubs: string[]
  /** Shared reference data: code lists and the lookups made only of them. */
  referenceData: string[]
  /** Master data (shared-data.ts): tables referenced from unusually many name modules. */
  sharedKernel?: string[]
  /** Name modules (name-trie.ts) when nameTrie is on: prefix → its tables. */
  nameModules?: Map<string, string[]>
  keyOf: (schema: string, name: string) => string
}

/** `name` in the default schema, `schema.name` elsewhere: the keys workloads use too. */
export function tableKeyer(catalog: Catalog): (schema: string, name: string) => string {
  const defaultSchema = defaultSchemaOf(catalog)
  return (schema, name) => (schema === defaultSchema ? name : `${schema}.${name}`)
}

const SIGNALS: (keyof GraphWeights)[] = ['fk', 'inferred', 'join', 'transaction', 'sameWriter', 'view', 'trigger', 'name', 'nameContains', 'column']
const SIGNAL_INDEX = Object.fromEntries(SIGNALS.map((s, i) => [s, i])) as Record<keyof GraphWeights, number>

/** Signals read from the schema alone (as opposed to the workload's). */
const SCHEMA_SIGNALS = new Set<string>(['fk', 'inferred', 'view', 'trigger', 'name', 'nameContains', 'column'])

/** A table's owner by the workload: the service making more than half of its writes. */
interface Owner {
  service: string
  share: number
}

export function buildTableGraph(catalog: Catalog, workload?: Workload, options: BuildOptions = {}): TableGraph {
  const w = {...DEFAULT_WEIGHTS, ...options.weights}
  const spread = options.referenceSpread ?? 0
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
  const deprecated = new Set(tables.filter((t) => t.flags.deprecated !== null).map((t) => keyOf(t.schema, t.name)))
  // Evidence per pair of tables, one slot of SIGNALS.length numbers per pair: numeric keys
  // keep 10,000 tables and their 100,000s of pairs cheap.
  const keys = graph.nodes().sort()
  const indexOf = new Map(keys.map((k, i) => [k, i]))
  const pairSlot = new Map<number, number>()
  const pairs: number[] = []
  let values = new Float64Array(1024 * SIGNALS.length)
  const add = (a: string, b: string, signal: keyof GraphWeights, amount: number) => {
    const x = indexOf.get(resolve(a))
    const y = indexOf.get(resolve(b))
    if (x === undefined || y === undefined || x === y || !(amount > 0)) return
    const pair = x < y ? x * keys.length + y : y * keys.length + x
    let slot = pairSlot.get(pair)
    if (slot === undefined) {
      slot = pairs.length
      pairSlot.set(pair, slot)
      pairs.push(pair)
      if ((slot + 1) * SIGNALS.length > values.length) {
        const grown = new Float64Array(values.length * 2)
        grown.set(values)
        values = grown
      }
    }
    const at = slot * SIGNALS.length + SIGNAL_INDEX[signal]
    values[at] = values[at]! + amount
  }

  // Structure: declared and inferred references, one entry per (from, to) pair; a declared FK
  // wins over an inferred reference between the same tables.
  const refs = new Map<string, Map<string, 'fk' | 'inferred'>>()
  const noteRef = (from: string, to: string, kind: 'fk' | 'inferred') => {
    from = resolve(from)
    to = resolve(to)
    if (from === to || !graph.hasNode(from) || !graph.hasNode(to)) return
    let m = refs.get(from)
    if (!m) refs.set(from, (m = new Map()))
    if (m.get(to) !== 'fk') m.set(to, kind)
  }
  for (const t of catalog.tables) for (const fk of t.foreignKeys) noteRef(keyOf(t.schema, t.name), keyOf(fk.refSchema, fk.refTable), 'fk')
  for (const r of catalog.inferredReferences) noteRef(keyOf(r.from.schema, r.from.name), keyOf(r.to.schema, r.to.name), 'inferred')
  const referencedBy = new Map<string, number>()
  for (const [from, m] of refs) {
    graph.setNodeAttribute(from, 'references', m.size)
    for (const to of m.keys()) referencedBy.set(to, (referencedBy.get(to) ?? 0) + 1)
  }
  for (const [to, n] of referencedBy) graph.setNodeAttribute(to, 'referencedBy', n)

  const bare = bareNames(tables.map((t) => t.name))
  const named = tables.map((t, i) => [keyOf(t.schema, t.name), bare[i]!] as const).filter(([k]) => !deprecated.has(k))
  const reference = options.referenceData === false ? new Set<string>() : detectReferenceData(named, refs)
  const crossesReference = (a: string, b: string) => reference.has(a) !== reference.has(b)

  for (const [from, m] of [...refs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const share = 1 / Math.max(1, m.size) ** spread
    for (const [to, kind] of m) if (!crossesReference(from, to)) add(from, to, kind, (kind === 'fk' ? w.fk : w.inferred) * share)
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
    const pairCount = (ts.length * (ts.length - 1)) / 2
    for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) add(ts[i]!, ts[j]!, 'view', w.view / Math.max(1, pairCount / ts.length))
  }

  // Triggers: the tables a trigger's function writes are unknown without parsing its body, but
  // a trigger shared by a few tables ties them weakly (a generic audit trigger on many is noise).
  const triggerTables = new Map<string, string[]>()
  for (const t of catalog.tables) for (const tr of t.triggers) {
    if (!tr.function) continue
    const k = `${tr.function.schema}.${tr.function.name}`
    const list = triggerTables.get(k)
    if (list) list.push(keyOf(t.schema, t.name))
    else triggerTables.set(k, [keyOf(t.schema, t.name)])
  }
  for (const ts of triggerTables.values()) {
    if (ts.length < 2 || ts.length > 6) continue
    for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) add(ts[i]!, ts[j]!, 'trigger', w.trigger)
  }

  // Names: name modules (or first-word families) as normalised cliques, containment as single
  // edges. Deprecated tables are left out (they are not clustered), reference data forms its
  // own family. A module's tables are also clustered as one unit (propose.ts).
  const names = nameEvidence(named)
  const coherence = options.familyCoherence ? familyCoherence(names.families, refs) : new Map<string, number>()
  const modules = new Map<string, string[]>()
  if (options.nameTrie !== false) {
    const floor = options.trieFloor ?? 0.25
    const input = named.filter(([k]) => names.familyOf.has(k)).map(([k, bareName]) => [k, names.familyOf.get(k)!, bareName] as const)
    const groups = nameGroups(input, refs)
    for (const g of nameModules(input, groups, options.trieThreshold ?? 0.5)) {
      const members = g.members.filter((m) => !reference.has(m))
      // Keyed by the prefix as the names spell it (`sales` for the family word `sale`).
      const label = g.depth === 1 ? (names.families.find((f) => f.word === g.prefix)?.label ?? g.prefix) : g.prefix
      if (members.length >= 2) modules.set(label, members)
      normalisedClique(members, w.name, (a, b, x) => add(a, b, 'name', x))
    }
    // Families that are namespaces still tie their tables, weakly.
    if (floor > 0) for (const family of names.families) normalisedClique(family.members.filter((m) => !reference.has(m)), w.name * floor, (a, b, x) => add(a, b, 'name', x))
  }
  else for (const family of names.families) {
    const members = family.members.filter((m) => !reference.has(m))
    // A family whose tables also reference each other is a module; one whose tables do not is
    // a shared word (status, type, log) and counts less: measured per family, not fixed.
    const c = options.familyCoherence ? 2 * coherence.get(family.word)! : 1
    normalisedClique(members, w.name * c, (a, b, x) => add(a, b, 'name', x))
  }
  // Each code list with the lookups made of it (currencies and exchange rates; countries and
  // provinces) is a group of its own: one list is not evidence about another.
  const lists = options.codeListsApart === false ? [[...reference].sort()] : codeLists(reference, refs)
  for (const list of lists) normalisedClique(list, w.name, (a, b, x) => add(a, b, 'name', x))
  // Containment from a name module's tables to one other table is one piece of evidence, shared
  // among them: the 15 tables of Moodle's enrol_lti all spell `lti` because their module's name
  // does, which is one tie between enrol_lti and lti, not fifteen.
  const moduleOf = new Map<string, string>()
  for (const [label, members] of modules) for (const m of members) moduleOf.set(m, label)
  const spelledBy = new Map<string, number>()
  const from = (a: string, b: string) => `${moduleOf.get(a) ?? a}\u0000${b}`
  for (const [a, b] of names.contains) spelledBy.set(from(a, b), (spelledBy.get(from(a, b)) ?? 0) + 1)
  for (const [a, b] of names.contains) if (!crossesReference(a, b)) add(a, b, 'nameContains', w.nameContains / spelledBy.get(from(a, b))!)

  if (w.column > 0) {
    const byKey = new Map(tables.map((t) => [keyOf(t.schema, t.name), t]))
    const input = named.map(([k]) => [k, byKey.get(k)!.columns.map((c) => c.name)] as const)
    for (const tie of columnTies(input, {k: options.columnNeighbours ?? 1})) if (!crossesReference(tie.a, tie.b)) add(tie.a, tie.b, 'column', w.column * tie.similarity)
  }

  const owners = workload ? addWorkload(workload, w, resolve, graph, add) : new Map<string, Owner>()

  // With a workload, ownership draws the lines (a table it never touches goes where its
  // references lead, as the shop's designers put bundles with products); without one, the
  // lines the names' authors drew stand in for it.
  const boundary = options.moduleBoundary ?? (workload ? 1 : 0.25)
  const hubs = detectHubs(graph)
  const hubSet = new Set(hubs)
  // Master data (shared-data.ts): a module's reference to a table that many modules reference
  // says it uses the shared kernel, not that it belongs there.
  const kernel = options.sharedKernel === false ? new Set<string>() : masterData(refs, (k) => moduleOf.get(k) ?? k)
  const damping = options.hubDamping ?? 0
  const order = pairs.map((pair, slot) => [pair, slot] as const).sort((p, q) => p[0] - q[0])
  for (const [pair, slot] of order) {
    const a = keys[Math.floor(pair / keys.length)]!
    const b = keys[pair % keys.length]!
    const signals: Record<string, number> = {}
    for (let i = 0; i < SIGNALS.length; i++) if (values[slot * SIGNALS.length + i]! > 0) signals[SIGNALS[i]!] = values[slot * SIGNALS.length + i]!
    // Ownership answers where the indirect evidence only hints: between tables written mostly
    // by two different services, the schema's signals count only as far as those claims may
    // be wrong (1 − share × share).
    const oa = owners.get(a)
    const ob = owners.get(b)
    const doubt = oa && ob && oa.service !== ob.service ? 1 - oa.share * ob.share : 1
    let weight = 0
    // Two different name modules: their authors drew a line between them, so the schema's ties
    // across it count × moduleBoundary (a plugin's FK to the core table it hangs on does not
    // make it core). Not between tables one service owns, and the workload's ties are not
    // discounted: who writes what outranks names.
    const ma = moduleOf.get(a)
    const mb = moduleOf.get(b)
    const sameOwner = oa !== undefined && ob !== undefined && oa.service === ob.service
    const crossing = ma !== undefined && mb !== undefined && ma !== mb && !sameOwner
    const across = crossing ? (kernel.has(a) || kernel.has(b) ? 0 : boundary) : 1
    for (const [signal, value] of Object.entries(signals)) weight += SCHEMA_SIGNALS.has(signal) ? value * doubt * across : value
    // An edge at a hub counts less the more tables the hub touches: users referenced by 30
    // tables should not pull all 30 into one context.
    for (const end of [a, b]) {
      if (!hubSet.has(end)) continue
      const degree = graph.getNodeAttribute(end, 'referencedBy')
      weight /= 1 + damping * Math.log2(Math.max(2, degree))
    }
    graph.addEdge(a, b, {weight, signals})
  }
  return {graph, hubs, referenceData: [...reference].sort(), sharedKernel: [...kernel].sort(), keyOf, nameModules: modules}
}

/**
 * Per name family, the share of its members with a declared or inferred reference to another
 * member (0–1). Families of one shared word (status, type) score near 0, modules near 1.
 */
function familyCoherence(families: {word: string; members: string[]}[], refs: Map<string, Map<string, unknown>>): Map<string, number> {
  const out = new Map<string, number>()
  for (const f of families) {
    const set = new Set(f.members)
    const linked = new Set<string>()
    for (const m of f.members) {
      for (const to of refs.get(m)?.keys() ?? []) {
        if (to !== m && set.has(to)) linked.add(m).add(to)
      }
    }
    out.set(f.word, linked.size / f.members.length)
  }
  return out
}

/** Members of larger groups are linked to this many others instead of all: linear, same strength. */
const CLIQUE_LIMIT = 16

/**
 * Ties every member of a group to the others so that each member's ties sum to `weight`
 * (a clique with edges weight / (n − 1)). Above CLIQUE_LIMIT + 1 members, each member is tied
 * to its CLIQUE_LIMIT nearest members in sorted order (half on each side, cyclically) with
 * weight / CLIQUE_LIMIT: the same strength per member, linear in the group's size.
 */
function normalisedClique(members: string[], weight: number, add: (a: string, b: string, w: number) => void): void {
  const n = members.length
  if (n < 2 || !(weight > 0)) return
  if (n <= CLIQUE_LIMIT + 1) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) add(members[i]!, members[j]!, weight / (n - 1))
    return
  }
  const half = CLIQUE_LIMIT / 2
  for (let i = 0; i < n; i++) for (let d = 1; d <= half; d++) add(members[i]!, members[(i + d) % n]!, weight / CLIQUE_LIMIT)
}

/**
 * The workload's evidence. Ownership first: a table's owner is the service making more than
 * half of its writes; tables with one owner form a normalised clique. Joins and write
 * transactions count only for the calls of a service owning both tables (or where a table is
 * written by nobody): a service reading or writing another context's table, or a reporting
 * tool reading everything, shows a dependency to cut, not where the table belongs. Those
 * crossings still show in the proposal's couplings and metrics.
 */
function addWorkload(
  workload: Workload,
  w: GraphWeights,
  resolve: (key: string) => string,
  graph: UndirectedGraph<TableNode>,
  add: (a: string, b: string, signal: keyof GraphWeights, amount: number) => void,
): Map<string, Owner> {
  const writes = new Map<string, Map<string, number>>()
  for (const u of workload.tables) {
    const table = resolve(u.table)
    let m = writes.get(table)
    if (!m) writes.set(table, (m = new Map()))
    for (const [service, n] of Object.entries(u.writers)) m.set(service, (m.get(service) ?? 0) + n)
  }
  const owners = new Map<string, Owner>()
  const writers = new Set<string>()
  for (const [table, m] of writes) {
    const total = [...m.values()].reduce((s, n) => s + n, 0)
    for (const [service, n] of m) if (n > 0) writers.add(service)
    const top = [...m].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]
    if (top && total > 0 && top[1] > total / 2) owners.set(table, {service: top[0], share: top[1] / total})
  }
  // A table nobody writes can be owned by anyone who writes; one written without a majority by none.
  const owns = (service: string, table: string) => {
    const t = resolve(table)
    const o = owners.get(t)
    return o ? o.service === service : !writes.has(t) && writers.has(service)
  }
  const joinCalls = workload.joins.map((j) => Object.entries(j.services).reduce((s, [service, calls]) => s + (owns(service, j.tables[0]!) && owns(service, j.tables[1]!) ? calls : 0), 0))
  const maxJoin = Math.max(1, ...joinCalls)
  workload.joins.forEach((j, i) => {
    if (joinCalls[i]! > 0) add(j.tables[0]!, j.tables[1]!, 'join', (w.join * Math.log1p(joinCalls[i]!)) / Math.log1p(maxJoin))
  })
  // A transaction's tables share its weight (a clique divided by its size less one), counting
  // for each pair only the calls of services owning both.
  const maxTxn = Math.max(1, ...workload.transactions.map((t) => t.calls))
  for (const t of workload.transactions) {
    for (let i = 0; i < t.tables.length; i++) {
      for (let k = i + 1; k < t.tables.length; k++) {
        const a = t.tables[i]!
        const b = t.tables[k]!
        const calls = Object.entries(t.services).reduce((sum, [service, n]) => sum + (owns(service, a) && owns(service, b) ? n : 0), 0)
        if (calls > 0) add(a, b, 'transaction', (w.transaction * Math.log1p(calls)) / Math.log1p(maxTxn) / Math.max(1, t.tables.length - 1))
      }
    }
  }
  const byWriter = new Map<string, string[]>()
  for (const [table, {service}] of owners) {
    if (!graph.hasNode(table)) continue
    const list = byWriter.get(service)
    if (list) list.push(table)
    else byWriter.set(service, [table])
  }
  for (const [, members] of [...byWriter].sort(([a], [b]) => (a < b ? -1 : 1))) {
    normalisedClique([...new Set(members)].sort(), w.sameWriter, (a, b, x) => add(a, b, 'sameWriter', x))
  }
  return owners
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

/**
 * Discovery: catalog (+ workload) → a proposal of bounded contexts with names, owners, metrics
 * and the obstacles to splitting (cross-context FKs, joins, transactions, foreign writers).
 * A plain function over plain data: no database, no prompts.
 */
import {buildTableGraph, type BuildOptions, tableKeyer, type TableGraph} from '../graph/build.js'
import {globalPrefix, nameEvidence, singular} from '../graph/names.js'
import type {Catalog} from '../introspect/model.js'
import type {Workload} from '../workload/model.js'
import {clusterTables, type ClusterOptions} from './cluster.js'
import {placementEvidence} from './evidence.js'
import type {AccessClass, Coupling, ContextMetrics, Proposal, ProposedContext, TableReport} from './model.js'
import {applicationCatalog, safeContextName} from './scope.js'

export interface ProposeOptions extends ClusterOptions, BuildOptions {
  /** Owners people decided, per context name: they win over the main writer. */
  owners?: ReadonlyMap<string, string>
  /**
   * table → the context it is in now (the boundaries file, or the session before a re-cluster).
   * Contexts take these names by overlap, and tables that were in a pinned context and cluster
   * apart from its pinned tables stay with it: a pin keeps its context's name and tables.
   */
  previous?: ReadonlyMap<string, string>
  /** Names no context may take besides the fixed ones (the database's roles). */
  reservedNames?: readonly string[]
  /** Cluster each name module (name-trie.ts) as one unit: its tables move together (default true). */
  nameUnits?: boolean
}

export const DEPRECATED_CONTEXT = 'deprecated'
const DEPRECATED_GROUP = '\u0000deprecated'

export function propose(fullCatalog: Catalog, workload?: Workload, options: ProposeOptions = {}): Proposal {
  // Carve's own schema and the system catalogs are never the application's.
  const catalog = applicationCatalog(fullCatalog)
  const tg = buildTableGraph(catalog, workload, options)
  const keyOf = tableKeyer(catalog)
  // Deprecated tables are not to be owned but retired: they form their own group and stay out
  // of clustering, where their stale references would only add noise.
  const deprecated = new Set(catalog.tables.filter((t) => t.flags.deprecated && !t.partitionOf).map((t) => keyOf(t.schema, t.name)))
  for (const d of deprecated) if (tg.graph.hasNode(d)) tg.graph.dropNode(d)
  const pins = new Map([...(options.pins ?? new Map<string, string>())].filter(([t]) => tg.graph.hasNode(t)))
  // Name modules move as units — but the workload outranks names: tables of one module written
  // by different services are different units.
  const units = new Map<string, string>()
  const tableWriters = workloadWriters(workload)
  if (options.nameUnits !== false) for (const [prefix, members] of tg.nameModules ?? []) for (const m of members) if (tg.graph.hasNode(m)) units.set(m, `${prefix}\u0000${topWriter([m], tableWriters) ?? ''}`)
  const clustering = clusterTables(tg, {...options, pins, units})

  const groups = new Map<string, string[]>()
  for (const [table, label] of clustering.assignment) groups.set(label, [...(groups.get(label) ?? []), table])
  const previous = options.previous ?? new Map<string, string>()
  stayWithPins(groups, previous, pins)
  if (deprecated.size) groups.set(DEPRECATED_GROUP, [...deprecated].sort())

  const writers = workloadWriters(workload)
  const contexts: ProposedContext[] = []
  const prefix = globalPrefix(catalog.tables.map((t) => t.name))
  // Pinned contexts first (their names are the person's), then by size, then by first table.
  const ordered = [...groups].sort(([a, x], [b, y]) => Number(b.startsWith('pin:')) - Number(a.startsWith('pin:')) || y.length - x.length || (x[0]! < y[0]! ? -1 : 1))
  for (const [, tables] of ordered) tables.sort()
  const names = nameGroups(ordered, previous, (label, tables) => {
    if (label === DEPRECATED_GROUP) return DEPRECATED_CONTEXT
    return safeContextName(contextName(tables, topWriter(tables, writers), prefix, tg), options.reservedNames)
  })
  for (const [label, tables] of ordered) {
    const name = names.get(label)!
    const owner = options.owners?.get(name) ?? topWriter(tables, writers)
    contexts.push({
      name, owner, description: describe(tables, owner), tables,
      pinned: tables.filter((t) => pins.has(t) || (label === DEPRECATED_GROUP && deprecated.has(t))),
      metrics: {tables: tables.length, crossFksOut: 0, crossFksIn: 0, crossJoinCalls: 0, crossWriteTransactions: 0, foreignWriters: []},
    })
  }
  return analyse(catalog, workload, tg, contexts, clustering, options.seed ?? 42)
}

/**
 * Continuity around pins, when the previous contexts are known (the file, or the session before
 * a re-cluster). A pin moves the pinned table, not its neighbours: unpinned tables Louvain put
 * in a pinned community that were in another, unpinned context go back to that context's
 * community. And tables clustered apart from their context's pinned tables stay with them: a
 * community whose tables were mostly (more than half) in a context that is pinned now joins it.
 * A person who pinned one table to `audit` meant `audit` to stay, not `audit` and `audit-2`.
 */
function stayWithPins(groups: Map<string, string[]>, previous: ReadonlyMap<string, string>, pins: ReadonlyMap<string, string>): void {
  if (!previous.size) return
  const majority = (tables: string[]) => {
    const counts = new Map<string, number>()
    for (const t of tables) {
      const was = previous.get(t)
      if (was !== undefined) counts.set(was, (counts.get(was) ?? 0) + 1)
    }
    const [name, n] = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0] ?? ['', 0]
    return n * 2 > tables.length ? name : null
  }
  const strays = new Map<string, string[]>()
  for (const [label, tables] of groups) {
    if (!label.startsWith('pin:')) continue
    const home = label.slice(4)
    const keep = tables.filter((t) => {
      const was = previous.get(t)
      if (pins.has(t) || was === undefined || was === home || groups.has(`pin:${was}`)) return true
      strays.set(was, [...(strays.get(was) ?? []), t])
      return false
    })
    groups.set(label, keep)
  }
  const freeByMajority = new Map<string, string>()
  for (const [label, tables] of groups) {
    if (label.startsWith('pin:')) continue
    const was = majority(tables)
    if (was === null) continue
    const pinned = groups.get(`pin:${was}`)
    if (pinned) {
      pinned.push(...tables)
      groups.delete(label)
    } else if (!freeByMajority.has(was)) freeByMajority.set(was, label)
  }
  for (const [was, tables] of strays) {
    const label = freeByMajority.get(was)
    if (label) groups.get(label)!.push(...tables)
    else groups.set(`was:${was}`, tables)
  }
}

/**
 * Context names: a pinned context's is the person's; the others take the name of the previous
 * context they share most tables with (greedy by overlap, each name once), else a generated
 * one, made unique.
 */
function nameGroups(groups: [string, string[]][], previous: ReadonlyMap<string, string>, generate: (label: string, tables: string[]) => string): Map<string, string> {
  const names = new Map<string, string>()
  const used = new Set<string>()
  for (const [label] of groups) {
    if (!label.startsWith('pin:')) continue
    names.set(label, label.slice(4))
    used.add(label.slice(4))
  }
  const pairs: {label: string; name: string; overlap: number; order: number}[] = []
  groups.forEach(([label, tables], order) => {
    if (names.has(label)) return
    const counts = new Map<string, number>()
    for (const t of tables) {
      const was = previous.get(t)
      if (was !== undefined) counts.set(was, (counts.get(was) ?? 0) + 1)
    }
    for (const [name, overlap] of counts) pairs.push({label, name, overlap, order})
  })
  pairs.sort((a, b) => b.overlap - a.overlap || a.order - b.order || (a.name < b.name ? -1 : 1))
  for (const p of pairs) {
    if (names.has(p.label) || used.has(p.name)) continue
    names.set(p.label, p.name)
    used.add(p.name)
  }
  for (const [label, tables] of groups) {
    if (names.has(label)) continue
    const name = uniqueName(generate(label, tables), used)
    names.set(label, name)
    used.add(name)
  }
  return names
}

/**
 * Metrics, couplings and per-table access for a given set of contexts. Also used after a
 * person edits the contexts (the interactive session), so the numbers always match the tables.
 */
export function analyse(
  catalog: Catalog,
  workload: Workload | undefined,
  tg: TableGraph,
  contexts: ProposedContext[],
  clustering: {resolution: number; resolutionChoice: 'fixed' | 'auto'; modularity: number},
  seed: number,
): Proposal {
  const keyOf = tableKeyer(catalog)
  const contextOf = new Map<string, string>()
  for (const c of contexts) for (const t of c.tables) contextOf.set(t, c.name)
  for (const t of catalog.tables) if (t.partitionOf) contextOf.set(keyOf(t.schema, t.name), contextOf.get(keyOf(t.partitionOf.schema, t.partitionOf.name)) ?? '')
  const byName = new Map(contexts.map((c) => [c.name, c]))
  for (const c of contexts) c.metrics = {tables: c.tables.length, crossFksOut: 0, crossFksIn: 0, crossJoinCalls: 0, crossWriteTransactions: 0, foreignWriters: []}

  const couplings = new Map<string, Coupling>()
  const couple = (from: string, to: string) => {
    const k = `${from}\u0000${to}`
    let c = couplings.get(k)
    if (!c) couplings.set(k, (c = {from, to, fks: 0, joinCalls: 0, writeTransactions: 0}))
    return c
  }
  let crossFks = 0
  const refs = [
    ...catalog.tables.flatMap((t) => t.foreignKeys.map((fk) => [keyOf(t.schema, t.name), keyOf(fk.refSchema, fk.refTable)] as const)),
    ...catalog.inferredReferences.map((r) => [keyOf(r.from.schema, r.from.name), keyOf(r.to.schema, r.to.name)] as const),
  ]
  for (const [from, to] of refs) {
    const a = contextOf.get(from)
    const b = contextOf.get(to)
    if (!a || !b || a === b) continue
    crossFks++
    byName.get(a)!.metrics.crossFksOut++
    byName.get(b)!.metrics.crossFksIn++
    couple(a, b).fks++
  }

  let joinCalls = 0
  let crossJoinCalls = 0
  let crossTxns = 0
  const multiWriter: string[] = []
  if (workload) {
    // Share of executions whose joins cross contexts: per statement, not per join pair.
    for (const s of workload.statements) {
      if (s.joins.length === 0) continue
      joinCalls += s.calls
      const crossing = s.joins.filter(([a, b]) => contextOf.get(a) && contextOf.get(b) && contextOf.get(a) !== contextOf.get(b))
      if (crossing.length) crossJoinCalls += s.calls
      const touched = new Set<string>()
      for (const [a, b] of crossing) {
        const x = contextOf.get(a)!
        const y = contextOf.get(b)!
        const [p, q] = x < y ? [x, y] : [y, x]
        couple(p, q).joinCalls += s.calls
        touched.add(x).add(y)
      }
      for (const c of touched) byName.get(c)!.metrics.crossJoinCalls += s.calls
    }
    for (const t of workload.transactions) {
      const cs = [...new Set(t.tables.map((x) => contextOf.get(x)).filter((x): x is string => !!x))].sort()
      if (cs.length < 2) continue
      crossTxns += t.calls
      for (const c of cs) byName.get(c)!.metrics.crossWriteTransactions += t.calls
      for (let i = 0; i < cs.length; i++) for (let j = i + 1; j < cs.length; j++) couple(cs[i]!, cs[j]!).writeTransactions += t.calls
    }
  }

  const usage = new Map((workload?.tables ?? []).map((u) => [u.table, u]))
  const reportReaders = reportingServices(workload, contextOf)
  const reference = new Set([...tg.hubs, ...(tg.referenceData ?? []), ...(tg.sharedKernel ?? [])])
  const tables: TableReport[] = []
  for (const t of catalog.tables.filter((x) => !x.partitionOf)) {
    const key = keyOf(t.schema, t.name)
    const context = contextOf.get(key) ?? ''
    const owner = byName.get(context)?.owner ?? null
    const u = usage.get(key)
    const tableWriters = u ? Object.keys(u.writers).sort() : []
    if (tableWriters.length > 1) multiWriter.push(key)
    const access: TableReport['access'] = []
    if (u) {
      const consumers = new Set([...Object.keys(u.readers), ...Object.keys(u.writers), ...Object.keys(u.ddl)])
      for (const consumer of [...consumers].sort()) {
        const w = u.writers[consumer] ?? 0
        const r = u.readers[consumer] ?? 0
        const d = u.ddl[consumer] ?? 0
        let cls: AccessClass
        if (t.flags.deprecated) cls = 'deprecated'
        else if (w === 0 && r === 0 && d > 0) cls = 'migration-only'
        else if (consumer === owner) cls = w ? 'owner write' : 'owner read'
        else if (w) cls = 'foreign write'
        else cls = reportReaders.has(consumer) ? 'report read' : 'foreign read'
        access.push({consumer, access: cls, calls: w + r + d})
      }
      const ctx = byName.get(context)
      for (const writer of tableWriters) if (ctx && writer !== owner && !ctx.metrics.foreignWriters.includes(writer)) ctx.metrics.foreignWriters.push(writer)
    }
    tables.push({
      table: key, context, reference: reference.has(key), deprecated: t.flags.deprecated !== null, scd2: t.flags.scd2 !== null,
      tenantScoped: t.flags.tenantColumn !== null, writers: tableWriters, access, evidence: [],
    })
  }
  for (const c of contexts) c.metrics.foreignWriters.sort()
  const evidence = placementEvidence({
    tg, contextOf: new Map(tables.map((t) => [t.table, t.context])),
    writers: new Map([...usage].map(([t, u]) => [t, Object.entries(u.writers).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([s]) => s)])),
    ownerOf: new Map(contexts.map((c) => [c.name, c.owner])),
    deprecated: new Set(tables.filter((t) => t.deprecated).map((t) => t.table)),
  })
  for (const t of tables) t.evidence = evidence.get(t.table) ?? []

  return {
    format: 'carve.proposal/v1',
    resolution: clustering.resolution,
    resolutionChoice: clustering.resolutionChoice,
    seed,
    modularity: Math.round(clustering.modularity * 10000) / 10000,
    contexts,
    referenceTables: [...reference].sort(),
    tables: tables.sort((a, b) => (a.table < b.table ? -1 : 1)),
    couplings: [...couplings.values()].sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1)),
    totals: {
      crossContextFks: crossFks,
      crossContextJoinShare: joinCalls ? Math.round((crossJoinCalls / joinCalls) * 10000) / 10000 : 0,
      crossContextWriteTransactions: crossTxns,
      multiWriterTables: multiWriter.sort(),
    },
  }
}

/** Services that read several contexts and write nothing: reporting, BI, exports. */
function reportingServices(workload: Workload | undefined, contextOf: Map<string, string>): Set<string> {
  const out = new Set<string>()
  if (!workload) return out
  const writes = new Set(workload.access.filter((a) => a.write > 0).map((a) => a.service))
  const reads = new Map<string, Set<string>>()
  for (const a of workload.access) {
    if (!a.read) continue
    const c = contextOf.get(a.table)
    if (!c) continue
    if (!reads.has(a.service)) reads.set(a.service, new Set())
    reads.get(a.service)!.add(c)
  }
  for (const [service, contexts] of reads) if (!writes.has(service) && contexts.size >= 3) out.add(service)
  return out
}

function workloadWriters(workload: Workload | undefined): Map<string, Record<string, number>> {
  return new Map((workload?.tables ?? []).map((u) => [u.table, u.writers]))
}

/** The service writing the context's tables most, or null without writes. */
function topWriter(tables: string[], writers: Map<string, Record<string, number>>): string | null {
  const totals = new Map<string, number>()
  for (const t of tables) for (const [s, n] of Object.entries(writers.get(t) ?? {})) totals.set(s, (totals.get(s) ?? 0) + n)
  return [...totals].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0] ?? null
}

/**
 * A readable name: the owner service's name without its -service suffix when there is one;
 * `reference-data` for a context made mostly of shared reference data; else the name family
 * most of the tables share (orders, order_lines → order; salesorderheader, salesperson →
 * sales); else the table most connected inside the context.
 */
function contextName(tables: string[], owner: string | null, prefix: string, tg: TableGraph): string {
  if (owner) return kebab(owner.replace(/[-_](service|svc|api|app)$/i, ''))
  const referenceData = new Set(tg.referenceData ?? [])
  if (tables.filter((t) => referenceData.has(t)).length * 2 > tables.length) return 'reference-data'
  const bare = (t: string) => {
    const name = t.split('.').pop()!
    return name.startsWith(prefix) ? name.slice(prefix.length) : name
  }
  if (tables.length === 1) return kebab(singular(bare(tables[0]!)))
  // The name module (name-trie.ts) holding most of the context's tables: tool_brickfield, not tool.
  const inside = new Set(tables)
  const modules = [...(tg.nameModules ?? [])].map(([prefix, members]) => [prefix, members.filter((m) => inside.has(m)).length] as const).filter(([, n]) => n >= 2)
  const module = modules.sort(([a, x], [b, y]) => y - x || a.length - b.length || (a < b ? -1 : 1))[0]
  if (module) return kebab(module[0])
  const families = nameEvidence(tables.map((t) => [t, bare(t)] as const)).families
  const top = [...families].sort((a, b) => b.members.length - a.members.length || a.label.length - b.label.length || (a.label < b.label ? -1 : 1))[0]
  if (top) return kebab(top.label)
  // No shared family: name it after its most connected table.
  const central = [...tables].sort((a, b) => (tg.graph.hasNode(b) ? tg.graph.degree(b) : 0) - (tg.graph.hasNode(a) ? tg.graph.degree(a) : 0) || (a < b ? -1 : 1))[0]!
  return kebab(singular(bare(central)))
}

function kebab(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'context'
}

function uniqueName(name: string, used: Set<string>): string {
  if (!used.has(name)) return name
  for (let i = 2; ; i++) if (!used.has(`${name}-${i}`)) return `${name}-${i}`
}

function describe(tables: string[], owner: string | null): string {
  const head = tables.slice(0, 4).join(', ') + (tables.length > 4 ? `, … (${tables.length} tables)` : '')
  return owner ? `Written mostly by ${owner}: ${head}` : `Tables: ${head}`
}

export type {ContextMetrics}

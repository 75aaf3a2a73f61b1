/**
 * Where the data stands at each Database Ownership Maturity level, as one Mermaid flowchart per
 * level: services, one box per context, access edges aggregated per consumer and context.
 * Pure functions of the resolved plan input: same input, same text.
 *
 * Names come from the database and may hold anything (`end`, `graph`, quotes, `<script>`,
 * semicolons, newlines). No name is ever a Mermaid identifier: every node, subgraph, entity and
 * participant gets a generated id (`sv0`, `dt3`, `p1`), and names go into quoted labels through
 * `mermaidText`, which writes every unsafe character as a Mermaid entity code.
 */
import {compactPlural, mermaidText} from '../util/mermaid-text.js'
import {cmp, type ContextSpec, type ForeignAccess, type PlanInput} from './context.js'

export type MaturityLevel = 0 | 1 | 2 | 3 | 4 | 5

/** The levels of concepts.md, in words: headings for the plan README and diagram titles. */
export const MATURITY_LEVELS: readonly {level: MaturityLevel; state: string}[] = [
  {level: 0, state: 'shared database, shared tables'},
  {level: 1, state: 'ownership documented'},
  {level: 2, state: 'service-owned schemas in the shared database'},
  {level: 3, state: 'service-owned databases'},
  {level: 4, state: 'service-owned data and projections'},
  {level: 5, state: 'independent lifecycle'},
]

// Edge kinds, each with one style; linkStyle needs the edges' positions, so they are collected.
type EdgeKind = 'own' | 'read' | 'write' | 'exception' | 'api' | 'events'

const EDGE_STYLE: Record<EdgeKind, string> = {
  own: 'stroke:#1f5fa8,stroke-width:3px',
  read: 'stroke:#8a8a8a,stroke-width:1px',
  write: 'stroke:#c62828,stroke-width:4px,color:#c62828',
  exception: 'stroke:#b26a00,stroke-width:2px,stroke-dasharray:6 4,color:#8a5200',
  api: 'stroke:#2e7d32,stroke-width:2px',
  events: 'stroke:#6a1b9a,stroke-width:2px',
}

const EDGE_ARROW: Record<EdgeKind, string> = {
  own: '==>',
  read: '-->',
  write: '==>',
  exception: '-.->',
  api: '-.->',
  events: '-.->',
}

const CLASS_DEFS = [
  '  classDef service fill:#f3f6fa,stroke:#607d8b,color:#263238',
  '  classDef data fill:#eef4fb,stroke:#4a6fa5,color:#1b2a41',
  '  classDef violation fill:#fdecea,stroke:#c62828,stroke-width:3px,color:#7f0000',
  '  classDef exception fill:#fff4e0,stroke:#b26a00,stroke-width:2px,color:#5d3800',
  '  classDef retired fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray:4 3,color:#616161',
  '  classDef outbox fill:#f3e5f5,stroke:#6a1b9a,color:#38006b',
  '  classDef readmodel fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20',
  '  classDef compat fill:#fafafa,stroke:#9e9e9e,stroke-dasharray:2 2,color:#424242',
]

type NodeClass = 'service' | 'data' | 'violation' | 'exception' | 'retired' | 'outbox' | 'readmodel' | 'compat'

/** A flowchart under construction: lines, classes per node and edges with their kinds. */
class Flow {
  readonly lines: string[] = []
  private readonly classes = new Map<NodeClass, string[]>()
  private readonly edges: EdgeKind[] = []
  private indent = 1

  node(id: string, label: string, cls: NodeClass): void {
    this.lines.push(`${'  '.repeat(this.indent)}${id}["${label}"]`)
    if (!this.classes.has(cls)) this.classes.set(cls, [])
    this.classes.get(cls)!.push(id)
  }

  open(id: string, label: string): void {
    this.lines.push(`${'  '.repeat(this.indent)}subgraph ${id}["${label}"]`)
    this.indent++
  }

  close(): void {
    this.indent--
    this.lines.push(`${'  '.repeat(this.indent)}end`)
  }

  edge(from: string, to: string, kind: EdgeKind, label: string): void {
    this.edges.push(kind)
    this.lines.push(`  ${from} ${EDGE_ARROW[kind]}|"${label}"| ${to}`)
  }

  finish(): string {
    const out = [...this.lines, ...CLASS_DEFS]
    for (const [cls, ids] of [...this.classes.entries()].sort(([a], [b]) => cmp(a, b))) out.push(`  class ${ids.join(',')} ${cls}`)
    const byKind = new Map<EdgeKind, number[]>()
    this.edges.forEach((k, i) => {
      if (!byKind.has(k)) byKind.set(k, [])
      byKind.get(k)!.push(i)
    })
    for (const kind of Object.keys(EDGE_STYLE) as EdgeKind[]) {
      const idx = byKind.get(kind)
      if (idx) out.push(`  linkStyle ${idx.join(',')} ${EDGE_STYLE[kind]}`)
    }
    return out.join('\n') + '\n'
  }
}


/** A service reading more contexts than this (and writing none of them) gets one edge to the database. */
const BROAD_READER_CONTEXTS = 3

/** One consumer's direct access to one context, split by what the boundaries file approved. */
interface AccessSummary {
  consumer: string
  consumerContext: string | null
  context: string
  reads: Set<string>
  writes: Set<string>
  approvedReads: Set<string>
  approvedWrites: Set<string>
  /** Earliest expiry of the approved exceptions. */
  expires: string | null
}

function summarize(accesses: ForeignAccess[]): AccessSummary[] {
  const out = new Map<string, AccessSummary>()
  for (const a of accesses) {
    const key = `${a.consumer}\u0000${a.context}`
    let s = out.get(key)
    if (!s) {
      s = {consumer: a.consumer, consumerContext: a.consumerContext, context: a.context, reads: new Set(), writes: new Set(), approvedReads: new Set(), approvedWrites: new Set(), expires: null}
      out.set(key, s)
    }
    const ex = a.exception
    if (a.reads > 0) (ex ? s.approvedReads : s.reads).add(a.table)
    if (a.writes > 0) (ex?.access === 'write' ? s.approvedWrites : s.writes).add(a.table)
    // A read exception does not cover writes: those stay unapproved (added above).
    if (ex && (s.expires === null || ex.expires < s.expires)) s.expires = ex.expires
  }
  return [...out.values()].sort((a, b) => cmp(a.consumer, b.consumer) || cmp(a.context, b.context))
}

/** `ums (4), orders (2), +3 more`: the contexts a context's FKs point into, most FKs first. */
function fkTargets(ctx: ContextSpec): string {
  const counts = new Map<string, number>()
  for (const f of ctx.fksOut) counts.set(f.to.context, (counts.get(f.to.context) ?? 0) + 1)
  const sorted = [...counts.entries()].sort(([a, x], [b, y]) => y - x || cmp(a, b))
  const shown = sorted.slice(0, 3).map(([c, n]) => `${mermaidText(c)} (${n})`)
  return sorted.length > 3 ? `${shown.join(', ')} +${sorted.length - 3} more` : shown.join(', ')
}

/** Tables written by two or more services (from the workload), per context. */
function multiWriterTables(input: PlanInput, ctx: ContextSpec, allowed: (service: string, table: string) => boolean): string[] {
  if (!input.workload) return []
  const keys = new Set(ctx.tables.map((t) => t.key))
  const writers = new Map<string, Set<string>>()
  for (const a of input.workload.access) {
    if (!keys.has(a.table) || a.write + a.lock === 0 || !allowed(a.service, a.table)) continue
    if (!writers.has(a.table)) writers.set(a.table, new Set())
    writers.get(a.table)!.add(a.service)
  }
  return [...writers.entries()].filter(([, s]) => s.size > 1).map(([t]) => t).sort(cmp)
}

function approvedWriter(input: PlanInput, service: string, table: string): boolean {
  return input.boundaries.exceptions.some((e) => e.consumer === service && e.table === table && e.access === 'write')
}

/**
 * The data and its accesses as they stand at one maturity level: services on the left, the
 * database(s) with one box per context (never per table: eleven contexts stay readable), and
 * access edges aggregated per consumer and context. Red: foreign writes, multi-writer tables and
 * cross-context FKs still present at that level; amber: approved exceptions; green: API calls;
 * purple: events from the outboxes through a broker to the read models.
 */
export function maturityDiagram(input: PlanInput, level: MaturityLevel): string {
  const f = new Flow()
  const state = MATURITY_LEVELS[level]!.state
  f.lines.push('flowchart LR')
  f.lines.push(`  %% Carve plan ${mermaidText(input.name)}: maturity level ${level} (${state}). Ids are generated; names are in the labels.`)
  f.lines.push('  %% Red: foreign writes, multi-writer tables, cross-context FKs. Amber: approved exceptions. Green: API calls. Purple: events.')

  const serviceId = new Map(input.services.map((s, i) => [s.name, `sv${i}`]))
  const contextIndex = new Map(input.contexts.map((c, i) => [c.name, i]))
  const summaries = input.contexts.flatMap((c) => summarize(c.consumers))

  // A service that only reads from many contexts (reporting, an admin tool) would draw an edge
  // to every box; at levels 0-2 its reads are summed in its own label instead.
  const broadReads = new Map<string, {tables: number; contexts: number}>()
  if (level <= 2) {
    const readOnly = new Map<string, AccessSummary[]>()
    for (const s of summaries) {
      const writes = level === 0 ? s.writes.size + s.approvedWrites.size : s.approvedWrites.size + (level === 1 ? s.writes.size : 0)
      if (writes === 0 && (level === 0 ? s.reads.size + s.approvedReads.size : s.reads.size) > 0) {
        if (!readOnly.has(s.consumer)) readOnly.set(s.consumer, [])
        readOnly.get(s.consumer)!.push(s)
      }
    }
    for (const [consumer, list] of readOnly) {
      if (list.length > BROAD_READER_CONTEXTS) broadReads.set(consumer, {tables: list.reduce((n, s) => n + s.reads.size + s.approvedReads.size, 0), contexts: list.length})
    }
  }

  // Services.
  // From level 2 on services call each other's APIs: a services box would cram those edges inside it.
  if (level <= 1) f.open('services0', 'services')
  for (const [i, s] of input.services.entries()) {
    const owned = input.contexts.filter((c) => c.owner === s.name).map((c) => c.name)
    const label = [`<b>${mermaidText(s.name)}</b>`]
    if (level >= 2) label.push(`role ${mermaidText(s.role)}`)
    if (level >= 1 && owned.length) label.push(`owns ${owned.map(mermaidText).join(', ')}`)
    const broad = broadReads.get(s.name)
    if (broad) label.push(`reads ${compactPlural(broad.tables, 'table')} in ${compactPlural(broad.contexts, 'context')} (edges not drawn)`)
    f.node(`sv${i}`, label.join('<br/>'), 'service')
  }
  if (level <= 1) f.close()

  // Where each consumer's read models live (level 4+): in its own context's store, else its own box.
  const readModelUsers = new Map<string, AccessSummary[]>()
  if (level >= 4) {
    for (const s of summaries) {
      if (!serviceId.has(s.consumer)) continue
      const viaModel = level >= 5 ? s.reads.size + s.approvedReads.size : s.reads.size
      if (viaModel === 0) continue
      if (!readModelUsers.has(s.consumer)) readModelUsers.set(s.consumer, [])
      readModelUsers.get(s.consumer)!.push(s)
    }
  }
  const readModelNode = (service: string): string => `rm${input.services.findIndex((s) => s.name === service)}`
  const readModelLabel = (service: string): string => {
    const list = readModelUsers.get(service)!
    const tables = list.reduce((n, s) => n + s.reads.size + (level >= 5 ? s.approvedReads.size : 0), 0)
    return `read models of ${mermaidText(service)}<br/>${compactPlural(tables, 'table')} from ${list.map((s) => mermaidText(s.context)).join(', ')}`
  }
  const homeOf = (service: string): ContextSpec | undefined => {
    const s = summaries.find((x) => x.consumer === service && x.consumerContext)
    const name = s?.consumerContext ?? input.contexts.find((c) => c.owner === service)?.name
    return name === undefined ? undefined : input.contexts.find((c) => c.name === name)
  }

  // Data.
  const dataClass = (ctx: ContextSpec, multi: string[], exceptionWrites: boolean): NodeClass => {
    if (ctx.tables.length > 0 && ctx.tables.every((t) => t.classification === 'deprecated')) return 'retired'
    // Cross-context FKs are still in place until level 3 replaces them.
    if (level <= 2 && ctx.fksOut.length) return 'violation'
    if (multi.length && level <= 1) return 'violation'
    if (level <= 1 && summaries.some((s) => s.context === ctx.name && s.writes.size > 0)) return 'violation'
    if (exceptionWrites || multi.length) return 'exception'
    return 'data'
  }
  const dataNode = (ctx: ContextSpec, i: number): void => {
    const allowed =
      level <= 1 ? () => true : level >= 5 ? (svc: string) => svc === ctx.owner : (svc: string, t: string) => svc === ctx.owner || approvedWriter(input, svc, t)
    const multi = multiWriterTables(input, ctx, allowed)
    const exceptionWrites = level >= 1 && level <= 4 && summaries.some((s) => s.context === ctx.name && s.approvedWrites.size > 0)
    const label: string[] = []
    label.push(level <= 1 ? `<b>${mermaidText(ctx.name)}</b>` : `<b>${mermaidText(ctx.name)}</b> tables`)
    label.push(compactPlural(ctx.tables.length, 'table'))
    if (level === 0) label.push('owner not recorded')
    else label.push(`owner ${mermaidText(ctx.owner)}`)
    if (multi.length) label.push(`⚠ ${level <= 1 ? 'multi-writer' : 'approved extra writers'}: ${compactPlural(multi.length, 'table')}`)
    if (level <= 2 && ctx.fksOut.length) label.push(`⚠ ${compactPlural(ctx.fksOut.length, 'FK')} to ${fkTargets(ctx)}`)
    if (level >= 3 && ctx.fksOut.length) label.push(`${compactPlural(ctx.fksOut.length, 'FK')} replaced by reconciliation`)
    f.node(`dt${i}`, label.join('<br/>'), dataClass(ctx, multi, exceptionWrites))
  }
  const readModelsIn = (ctx: ContextSpec): string[] => [...readModelUsers.keys()].filter((svc) => homeOf(svc)?.name === ctx.name).sort(cmp)

  if (level <= 2) {
    f.open('shared0', level <= 1 ? 'shared database · schema public' : 'shared database')
    for (const [i, ctx] of input.contexts.entries()) {
      if (level <= 1) {
        dataNode(ctx, i)
      } else {
        f.open(`db${i}`, `schema ${mermaidText(ctx.schema)}`)
        dataNode(ctx, i)
        f.close()
      }
    }
    if (level === 2) {
      const moved = input.contexts.reduce((n, c) => n + c.tables.length, 0)
      f.node('cv0', `schema public<br/>${compactPlural(moved, 'compatibility view')}`, 'compat')
    }
    if (input.unassigned.length) f.node('ua0', `not in any context<br/>${compactPlural(input.unassigned.length, 'table')}`, 'data')
    f.close()
  } else {
    for (const [i, ctx] of input.contexts.entries()) {
      const title = level >= 5 ? `database ${mermaidText(ctx.name)} · independent lifecycle` : `database ${mermaidText(ctx.name)}`
      f.open(`db${i}`, title)
      dataNode(ctx, i)
      if (level >= 4 && ctx.tables.some((t) => t.classification !== 'deprecated')) f.node(`ob${i}`, `outbox<br/>${compactPlural(ctx.tables.filter((t) => t.classification !== 'deprecated').length * 3, 'event type')}`, 'outbox')
      for (const svc of readModelsIn(ctx)) f.node(readModelNode(svc), readModelLabel(svc), 'readmodel')
      f.close()
    }
    // Consumers that own no context keep their projections in a store of their own (warehouse, replica).
    for (const svc of [...readModelUsers.keys()].filter((s) => !homeOf(s)).sort(cmp)) {
      f.open(`st${input.services.findIndex((s) => s.name === svc)}`, `store of ${mermaidText(svc)}`)
      f.node(readModelNode(svc), readModelLabel(svc), 'readmodel')
      f.close()
    }
    if (input.unassigned.length) {
      f.open('shared0', 'legacy shared database')
      f.node('ua0', `not in any context<br/>${compactPlural(input.unassigned.length, 'table')}`, 'data')
      f.close()
    }
  }

  // Owner writes.
  for (const [i, ctx] of input.contexts.entries()) {
    const owner = serviceId.get(ctx.owner)
    if (owner) f.edge(owner, `dt${i}`, 'own', level === 0 ? 'writes' : 'owns · writes')
  }

  // Foreign access, per consumer and context.
  const apiEdges = new Map<string, {from: string; to: string; reads: number; writes: number}>()
  const addApi = (s: AccessSummary, reads: number, writes: number): void => {
    const ctx = input.contexts[contextIndex.get(s.context)!]!
    const from = serviceId.get(s.consumer)
    const to = serviceId.get(ctx.owner)
    if (!from || !to || from === to) return
    const key = `${from}>${to}`
    const e = apiEdges.get(key) ?? {from, to, reads: 0, writes: 0}
    e.reads += reads
    e.writes += writes
    apiEdges.set(key, e)
  }
  const eventEdges = new Set<string>()
  // Levels 0-2 share one database: one edge per consumer and context, reads and writes together.
  const direct: {from: string; consumer: string; data: string; kind: EdgeKind; reads: number; parts: string[]}[] = []
  for (const s of summaries) {
    const from = serviceId.get(s.consumer)
    const i = contextIndex.get(s.context)!
    if (!from) continue
    const data = `dt${i}`
    const until = s.expires ? ` until ${mermaidText(s.expires)}` : ''
    const allReads = s.reads.size + s.approvedReads.size
    const allWrites = s.writes.size + s.approvedWrites.size
    if (level <= 2) {
      const parts: string[] = []
      let kind: EdgeKind = 'read'
      if (allReads) parts.push(`reads ${compactPlural(allReads, 'table')}`)
      if (level === 0 && allWrites) {
        parts.push(`⚠ writes ${compactPlural(allWrites, 'table')}`)
        kind = 'write'
      }
      if (level >= 1 && s.approvedWrites.size) {
        parts.push(`exception: writes ${compactPlural(s.approvedWrites.size, 'table')}${until}`)
        kind = 'exception'
      } else if (level >= 1 && s.approvedReads.size && !s.reads.size) {
        kind = 'exception'
      }
      // Level 1 documents unapproved writes; level 2 revokes the grants, so they go through the owner's API.
      if (level === 1 && s.writes.size) {
        parts.push(`⚠ writes ${compactPlural(s.writes.size, 'table')}`)
        kind = 'write'
      }
      if (level === 2 && s.writes.size) addApi(s, 0, s.writes.size)
      if (parts.length) direct.push({from, consumer: s.consumer, data, kind, reads: allReads, parts})
      continue
    }
    if (level >= 5) {
      if (allReads) eventEdges.add(`${i}\u0000${s.consumer}`)
      if (allWrites) addApi(s, 0, allWrites)
      continue
    }
    // Levels 3-4: approved exceptions stay direct, in amber, until they expire.
    if (s.approvedReads.size + s.approvedWrites.size) {
      const parts = [s.approvedReads.size ? `reads ${compactPlural(s.approvedReads.size, 'table')}` : '', s.approvedWrites.size ? `writes ${compactPlural(s.approvedWrites.size, 'table')}` : '']
      f.edge(from, data, 'exception', `exception: ${parts.filter(Boolean).join(', ')}${until}`)
    }
    if (level === 3 && s.reads.size) addApi(s, s.reads.size, 0)
    if (level === 4 && s.reads.size) eventEdges.add(`${i}\u0000${s.consumer}`)
    if (s.writes.size) addApi(s, 0, s.writes.size)
  }
  for (const d of direct) if (!(d.kind === 'read' && broadReads.has(d.consumer))) f.edge(d.from, d.data, d.kind, d.parts.join(' · '))
  for (const e of [...apiEdges.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to))) {
    const parts = [e.reads ? `reads ${compactPlural(e.reads, 'table')}` : '', e.writes ? `writes ${compactPlural(e.writes, 'table')}` : ''].filter(Boolean)
    f.edge(e.from, e.to, 'api', `API: ${parts.join(', ')}`)
  }
  if (level >= 4) {
    for (const svc of [...readModelUsers.keys()].sort(cmp)) {
      const from = serviceId.get(svc)
      if (from) f.edge(from, readModelNode(svc), 'read', 'reads')
    }
    // Outboxes publish through a relay to one broker; read models subscribe to it. Drawing the
    // broker keeps the edges to contexts + consumers instead of every pair of them.
    const publishing = new Set<number>()
    const subscribed = new Map<string, Set<number>>()
    for (const key of eventEdges) {
      const [i, svc] = key.split('\u0000') as [string, string]
      const ctx = input.contexts[Number(i)]!
      if (!ctx.tables.some((t) => t.classification !== 'deprecated')) continue
      publishing.add(Number(i))
      if (!subscribed.has(svc)) subscribed.set(svc, new Set())
      subscribed.get(svc)!.add(Number(i))
    }
    if (publishing.size) {
      f.node('eb0', 'event broker<br/>outbox relay', 'outbox')
      for (const i of [...publishing].sort((a, b) => a - b)) f.edge(`ob${i}`, 'eb0', 'events', 'events')
      for (const svc of [...subscribed.keys()].sort(cmp)) {
        const contexts = [...subscribed.get(svc)!].sort((a, b) => a - b).map((i) => input.contexts[i]!.name)
        f.edge('eb0', readModelNode(svc), 'events', `events of ${contexts.length > 3 ? compactPlural(contexts.length, 'context') : contexts.map(mermaidText).join(', ')}`)
      }
    }
  }

  return f.finish()
}

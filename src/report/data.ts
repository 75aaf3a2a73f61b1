/**
 * What the HTML report shows, as plain data: the context map (contexts holding their tables,
 * edges for foreign keys, joins and write transactions, marked when they cross contexts), the
 * services × tables access matrix, each context's maturity level with its evidence, and the
 * plan's progress from the ledger. Pure: the page (html.ts) only draws this.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import type {StatusResult} from '../execute/executor.js'
import {tableKeyer} from '../graph/build.js'
import type {Catalog} from '../introspect/model.js'
import type {Assessment} from '../assess/assess.js'
import type {Workload} from '../workload/model.js'

export const REPORT_FORMAT = 'carve.report/v1' as const

export type EdgeKind = 'fk' | 'join' | 'transaction'

export interface ReportData {
  format: typeof REPORT_FORMAT
  title: string
  generatedAt: string
  database: {name: string; engine: string; version: string}
  contexts: {name: string; owner: string | null; description: string; tables: string[]; level: number | null; next: string | null; checks: {level: number; ok: boolean; message: string; action?: string}[]}[]
  tables: {key: string; context: string | null; rows: number | null; bytes: number | null; writers: string[]; readers: string[]}[]
  /** Undirected; `weight` is FK count or calls; `crossContext` when the two ends are owned by different contexts. */
  edges: {a: string; b: string; kind: EdgeKind; weight: number; crossContext: boolean}[]
  matrix: {services: string[]; tables: string[]; cells: {service: string; table: string; read: number; write: number; foreign: boolean}[]}
  plan: {name: string; applied: number; pending: number; failed: number; steps: {id: string; context: string | null; state: string; when: string | null}[]} | null
  /** What the report was built without, said on the page instead of showing empty panels silently. */
  missing: string[]
}

export interface ReportInput {
  title: string
  generatedAt: string
  catalog: Catalog
  boundaries: BoundariesFile
  workload: Workload | null
  assessment: Assessment | null
  status: StatusResult | null
}

export function reportData(input: ReportInput): ReportData {
  const {catalog, boundaries, workload, assessment, status} = input
  const key = tableKeyer(catalog)
  const contextOf = new Map<string, string>()
  for (const c of boundaries.contexts) for (const t of c.tables) contextOf.set(t, c.name)
  // A partition belongs where its parent does (boundaries name the partitioned table only).
  for (const t of catalog.tables) {
    const k = key(t.schema, t.name)
    if (t.partitionOf && !contextOf.has(k)) {
      const parent = contextOf.get(key(t.partitionOf.schema, t.partitionOf.name))
      if (parent) contextOf.set(k, parent)
    }
  }
  const known = new Set(catalog.tables.map((t) => key(t.schema, t.name)))
  // The workload names tables as the statements did; keep those the catalog knows.
  const wkey = (t: string) => (known.has(t) ? t : known.has(t.replace(/^public\./, '')) ? t.replace(/^public\./, '') : null)

  const usage = new Map<string, {readers: Set<string>; writers: Set<string>}>()
  for (const a of workload?.access ?? []) {
    const t = wkey(a.table)
    if (!t) continue
    const u = usage.get(t) ?? {readers: new Set<string>(), writers: new Set<string>()}
    if (a.write > 0) u.writers.add(a.service)
    if (a.read > 0) u.readers.add(a.service)
    usage.set(t, u)
  }

  const tables = catalog.tables
    .map((t) => {
      const k = key(t.schema, t.name)
      const u = usage.get(k)
      return {key: k, context: contextOf.get(k) ?? null, rows: t.estimatedRows, bytes: t.sizeBytes, writers: [...(u?.writers ?? [])].sort(), readers: [...(u?.readers ?? [])].sort()}
    })
    .sort((x, y) => x.key.localeCompare(y.key))

  const edges = new Map<string, ReportData['edges'][number]>()
  const addEdge = (a: string, b: string, kind: EdgeKind, weight: number) => {
    if (a === b || !known.has(a) || !known.has(b)) return
    const [x, y] = a < b ? [a, b] : [b, a]
    const id = `${kind}\u0000${x}\u0000${y}`
    const ca = contextOf.get(x)
    const cb = contextOf.get(y)
    const e = edges.get(id) ?? {a: x, b: y, kind, weight: 0, crossContext: ca !== undefined && cb !== undefined && ca !== cb}
    e.weight += weight
    edges.set(id, e)
  }
  for (const t of catalog.tables) for (const fk of t.foreignKeys) addEdge(key(t.schema, t.name), key(fk.refSchema, fk.refTable), 'fk', 1)
  for (const j of workload?.joins ?? []) {
    const ts = j.tables.map(wkey).filter((t): t is string => t !== null)
    for (let i = 0; i < ts.length; i++) for (let k = i + 1; k < ts.length; k++) addEdge(ts[i]!, ts[k]!, 'join', j.calls)
  }
  for (const tx of workload?.transactions ?? []) {
    const ts = tx.tables.map(wkey).filter((t): t is string => t !== null)
    for (let i = 0; i < ts.length; i++) for (let k = i + 1; k < ts.length; k++) addEdge(ts[i]!, ts[k]!, 'transaction', tx.calls)
  }

  const levels = new Map((assessment?.contexts ?? []).map((c) => [c.name, c]))
  const ownerOf = new Map(boundaries.contexts.map((c) => [c.name, c.owner]))
  const cells: ReportData['matrix']['cells'] = []
  for (const a of workload?.access ?? []) {
    const t = wkey(a.table)
    if (!t || (a.read === 0 && a.write === 0)) continue
    const ctx = contextOf.get(t)
    const owner = ctx ? ownerOf.get(ctx) : undefined
    cells.push({service: a.service, table: t, read: a.read, write: a.write, foreign: owner !== undefined && owner !== null && owner !== a.service})
  }
  // Tables in context order, so a context's columns sit together in the heatmap.
  const order = new Map<string, number>()
  boundaries.contexts.forEach((c, i) => c.tables.forEach((t) => order.set(t, i)))
  const matrixTables = [...new Set(cells.map((c) => c.table))].sort((x, y) => (order.get(x) ?? 1e9) - (order.get(y) ?? 1e9) || x.localeCompare(y))
  const matrixServices = [...new Set(cells.map((c) => c.service))].sort()

  const missing: string[] = []
  if (!workload) missing.push('no workload: the access matrix and the join/transaction edges need query logs (--workload, or --example)')
  if (!assessment) missing.push('no maturity assessment (it needs a database connection)')
  if (!status) missing.push('no plan progress: pass --plan DIR with the database the plan runs on')

  return {
    format: REPORT_FORMAT,
    title: input.title,
    generatedAt: input.generatedAt,
    database: {name: catalog.database.name, engine: catalog.database.engine, version: catalog.database.serverVersion},
    contexts: boundaries.contexts.map((c) => {
      const a = levels.get(c.name)
      return {
        name: c.name,
        owner: c.owner,
        description: c.description,
        tables: c.tables.filter((t) => known.has(t)),
        level: a?.level ?? null,
        next: a?.next ?? null,
        checks: (a?.checks ?? []).map((k) => ({level: k.level, ok: k.ok, message: k.message, ...(k.action ? {action: k.action} : {})})),
      }
    }),
    tables,
    edges: [...edges.values()].sort((x, y) => x.kind.localeCompare(y.kind) || x.a.localeCompare(y.a) || x.b.localeCompare(y.b)),
    matrix: {services: matrixServices, tables: matrixTables, cells},
    plan: status
      ? {
          name: status.plan,
          applied: status.applied,
          pending: status.pending,
          failed: status.failed,
          steps: status.steps.map((s) => ({id: s.id, context: s.context, state: s.state + (s.drift ? ' (files changed)' : ''), when: s.appliedAt ?? s.changedAt ?? null})),
        }
      : null,
    missing,
  }
}

/**
 * What every exporter (Mermaid, DBML, GraphML/GEXF) needs from a proposal and its catalog, worked
 * out once: tables by the proposal's keys, the context and owner of each, and every reference
 * (declared FK or inferred) resolved to those keys. Partitions are their parent, as in discovery.
 *
 * Everything is sorted by plain code-unit order (never the locale's), so the same proposal and
 * catalog always give the same text, byte for byte, on any machine.
 */
import type {Proposal, TableReport} from '../boundaries/model.js'
import {tableKeyer} from '../graph/build.js'
import type {Catalog, ReferentialAction, Table} from '../introspect/model.js'

export interface ResolvedRef {
  kind: 'fk' | 'inferred'
  /** Constraint name for an FK; empty for an inferred reference. */
  name: string
  from: string
  to: string
  columns: string[]
  refColumns: string[]
  onDelete: ReferentialAction | null
  onUpdate: ReferentialAction | null
  /** Inferred references only. */
  confidence: 'high' | 'medium' | null
  evidence: string | null
  /** Some referencing column may be NULL: the parent is optional. */
  optional: boolean
  /** The referencing columns are the child's primary key or a unique key: one child per parent at most. */
  unique: boolean
  /** Both ends are known tables in different contexts (or the target is not in the catalog). */
  crossContext: boolean
}

export interface ExportModel {
  keyOf: (schema: string, name: string) => string
  /** Non-partition tables by key, in key order. */
  tables: Map<string, Table>
  reports: Map<string, TableReport>
  contextOf: Map<string, string>
  ownerOf: Map<string, string | null>
  multiWriter: Set<string>
  reference: Set<string>
  /** Declared FKs then inferred references, each sorted by from, to, name, columns. */
  refs: ResolvedRef[]
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function exportModel(proposal: Proposal, catalog: Catalog): ExportModel {
  const keyOf = tableKeyer(catalog)
  const parentOf = new Map<string, string>()
  for (const t of catalog.tables) if (t.partitionOf) parentOf.set(keyOf(t.schema, t.name), keyOf(t.partitionOf.schema, t.partitionOf.name))
  const resolve = (key: string) => parentOf.get(key) ?? key

  const tables = new Map<string, Table>()
  const sorted = catalog.tables.filter((t) => !t.partitionOf).map((t) => [keyOf(t.schema, t.name), t] as const)
  sorted.sort(([a], [b]) => compareText(a, b))
  // Two tables with one key (`a.b` in the default schema and `b` in schema `a`) cannot be told
  // apart by the proposal either: the first one wins.
  for (const [k, t] of sorted) if (!tables.has(k)) tables.set(k, t)

  const contextOf = new Map<string, string>()
  const ownerOf = new Map<string, string | null>()
  for (const c of proposal.contexts) for (const t of c.tables) {
    contextOf.set(t, c.name)
    ownerOf.set(t, c.owner)
  }
  const reports = new Map(proposal.tables.map((r) => [r.table, r]))

  const refs: ResolvedRef[] = []
  const crossing = (from: string, to: string) => !tables.has(to) || (contextOf.get(from) ?? '') !== (contextOf.get(to) ?? '')
  for (const [from, t] of tables) {
    for (const fk of t.foreignKeys) {
      const to = resolve(keyOf(fk.refSchema, fk.refTable))
      refs.push({
        kind: 'fk', name: fk.name, from, to, columns: [...fk.columns], refColumns: [...fk.refColumns],
        onDelete: fk.onDelete, onUpdate: fk.onUpdate, confidence: null, evidence: null,
        optional: isOptional(t, fk.columns), unique: isUnique(t, fk.columns), crossContext: crossing(from, to),
      })
    }
  }
  const inferred: ResolvedRef[] = []
  for (const r of catalog.inferredReferences) {
    const from = resolve(keyOf(r.from.schema, r.from.name))
    const to = resolve(keyOf(r.to.schema, r.to.name))
    const t = tables.get(from)
    if (!t) continue
    inferred.push({
      kind: 'inferred', name: '', from, to, columns: [...r.from.columns], refColumns: [...r.to.columns],
      onDelete: null, onUpdate: null, confidence: r.confidence, evidence: r.evidence,
      optional: isOptional(t, r.from.columns), unique: isUnique(t, r.from.columns), crossContext: crossing(from, to),
    })
  }
  const order = (a: ResolvedRef, b: ResolvedRef) =>
    compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.name, b.name) || compareText(a.columns.join('\u0000'), b.columns.join('\u0000'))
  refs.sort(order)
  inferred.sort(order)

  return {
    keyOf, tables, reports, contextOf, ownerOf,
    multiWriter: new Set(proposal.totals.multiWriterTables),
    reference: new Set(proposal.referenceTables),
    refs: [...refs, ...inferred],
  }
}

function isOptional(t: Table, columns: string[]): boolean {
  return columns.some((c) => t.columns.find((x) => x.name === c)?.nullable ?? true)
}

function isUnique(t: Table, columns: string[]): boolean {
  const same = (key: string[]) => key.length > 0 && key.length === columns.length && key.every((c) => columns.includes(c))
  return same(t.primaryKey) || t.uniques.some((u) => same(u.columns)) || t.indexes.some((i) => i.unique && !i.predicate && same(i.columns))
}

/**
 * The plan's view of the world: the boundaries file, the live catalog and (optionally) the
 * workload, resolved into one structure per context. Every plan writer (SQL steps, API stubs,
 * diagrams, ownership documents, the maturity assessment) reads this and nothing else, so they
 * all agree on which table belongs to whom, which schema it moves to and which role owns it.
 */
import {createHash} from 'node:crypto'

import type {BoundariesFile} from '../boundaries/file.js'
import {tableKeyer} from '../graph/build.js'
import type {Catalog, ForeignKey, Table, View} from '../introspect/model.js'
import type {Workload} from '../workload/model.js'

export type TableClass = 'owned' | 'shared-reference' | 'deprecated'

export interface PlanConventions {
  /** Prefix of every role Carve creates (roles are cluster-wide on PostgreSQL). */
  rolePrefix: string
  /** Schema holding Carve's own tables in the target database (ownership registry, ledger). */
  metaSchema: string
  /** Name of the outbox table created in each context's schema. */
  outboxTable: string
  /** Role granted read access for reporting. */
  reportingService: string
  /** How events leave the database: `wal` (a publication, read by Debezium or carve relay; the default) or `trigger` (an outbox table written in the application's transaction). */
  outboxDelivery?: 'wal' | 'trigger'
  /**
   * How legacy code keeps its unqualified names after the move (PostgreSQL): `views` (the
   * default) or `search-path` (the views stay, and the database's search_path also puts each
   * context schema before the old one, so new sessions reach the tables with no view to expand).
   */
  compat?: 'views' | 'search-path'
}

export const DEFAULT_CONVENTIONS: PlanConventions = {
  rolePrefix: 'carve_',
  metaSchema: 'carve',
  outboxTable: 'outbox',
  reportingService: 'reporting',
}

export interface OwnedTable {
  /** The key used by boundaries and workload: `name` in the default schema, else `schema.name`. */
  key: string
  table: Table
  classification: TableClass
}

/** A declared foreign key that crosses contexts (from a table of `from` to a table of `to`). */
export interface CrossFk {
  from: {context: string; table: Table}
  to: {context: string; table: Table}
  fk: ForeignKey
}

/** One consumer's direct access to another context's table, seen in the workload. */
export interface ForeignAccess {
  consumer: string
  /** The consumer's own context, when it owns one. */
  consumerContext: string | null
  table: string
  context: string
  reads: number
  writes: number
  /** Listed as an approved exception in the boundaries file. */
  exception: {access: 'read' | 'write'; approvedBy: string; expires: string; exitPlan: string} | null
}

/** What a plan says of a context its boundaries file leaves without an owner: no service is invented. */
export const UNASSIGNED_OWNER = 'unassigned'

export interface ContextSpec {
  name: string
  /** The owner service, or UNASSIGNED_OWNER when the boundaries file says `owner: null`. */
  owner: string
  /** No owner decided yet: the role is named after the context, and nobody's service is assumed. */
  unowned: boolean
  description: string
  /** The PostgreSQL schema (MySQL: database) the context's tables move into. */
  schema: string
  /** The owner service's role (an unowned context's role is named after the context). */
  role: string
  tables: OwnedTable[]
  /** Cross-context FKs whose referencing table is in this context. */
  fksOut: CrossFk[]
  /** Cross-context FKs pointing into this context. */
  fksIn: CrossFk[]
  /** Other services' direct access to this context's tables. */
  consumers: ForeignAccess[]
  /** This context's owner reading or writing other contexts' tables. */
  reachesInto: ForeignAccess[]
  /** Views (of any schema) that read this context's tables together with another context's. */
  crossViews: View[]
}

export interface PlanInput {
  name: string
  catalog: Catalog
  boundaries: BoundariesFile
  workload: Workload | null
  conventions: PlanConventions
  contexts: ContextSpec[]
  /** Every service that gets a role: owners, consumers seen in the workload, reporting. */
  services: {name: string; role: string}[]
  /** Table key → context name. */
  contextOf: Map<string, string>
  /** Tables in the catalog that no context claims (left where they are). */
  unassigned: string[]
  /** Short content hashes of the inputs, recorded in the plan so a reviewer sees what it came from. */
  inputHashes: {catalog: string; boundaries: string; workload: string | null}
}

/** A PostgreSQL identifier derived from free text: lower-case, [a-z0-9_], ≤ 63 bytes, stable. */
export function safeName(text: string, maxLength = 63): string {
  let name = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'x'
  if (/^[0-9]/.test(name)) name = `_${name}`
  if (name !== text || name.length > maxLength) {
    // A short hash of the original keeps two different texts from colliding after cleaning.
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 6)
    name = `${name.slice(0, maxLength - 7)}_${hash}`
  }
  return name
}

export function roleName(service: string, conventions: PlanConventions): string {
  return safeName(`${conventions.rolePrefix}${service.replace(/-/g, '_')}`)
}

export function schemaName(context: string): string {
  return safeName(context.replace(/-/g, '_'))
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12)
}

export interface ResolveOptions {
  name: string
  conventions?: Partial<PlanConventions>
  /** Only these contexts get steps (others still count as owners of their tables). */
  only?: string[]
}

/** Join boundaries, catalog and workload. Pure: the same inputs give the same structure. */
export function resolvePlanInput(catalog: Catalog, boundaries: BoundariesFile, workload: Workload | null, options: ResolveOptions): PlanInput {
  const conventions = {...DEFAULT_CONVENTIONS, ...options.conventions}
  const keyOf = tableKeyer(catalog)
  const byKey = new Map<string, Table>()
  for (const t of catalog.tables) if (!t.partitionOf) byKey.set(keyOf(t.schema, t.name), t)
  const contextOf = new Map<string, string>()
  for (const c of boundaries.contexts) for (const t of c.tables) if (byKey.has(t)) contextOf.set(t, c.name)
  const tableContext = (t: Table): string | undefined => contextOf.get(keyOf(t.schema, t.name))

  // A partition's own foreign keys (pagila declares payment's on each partition) cross the
  // boundary of its partitioned root's context: the root is what the boundaries file names.
  const bySchemaName = new Map(catalog.tables.map((t) => [`${t.schema}\u0000${t.name}`, t]))
  const rootOf = (t: Table | undefined): Table | undefined => {
    for (let depth = 0; t?.partitionOf && depth < 32; depth++) t = bySchemaName.get(`${t.partitionOf.schema}\u0000${t.partitionOf.name}`)
    return t
  }
  const crossFks: CrossFk[] = []
  for (const table of catalog.tables) {
    const from = tableContext(rootOf(table) ?? table)
    if (!from) continue
    for (const fk of table.foreignKeys) {
      const target = bySchemaName.get(`${fk.refSchema}\u0000${fk.refTable}`)
      const to = target && tableContext(rootOf(target) ?? target)
      if (target && to && to !== from) crossFks.push({from: {context: from, table}, to: {context: to, table: target}, fk})
    }
  }

  // Foreign access from the workload: services other than the owner touching a context's tables.
  const ownerOfContext = new Map(boundaries.contexts.map((c) => [c.name, c.owner ?? c.name]))
  const contextOfService = new Map<string, string>()
  for (const c of boundaries.contexts) if (c.owner && !contextOfService.has(c.owner)) contextOfService.set(c.owner, c.name)
  const foreign: ForeignAccess[] = []
  if (workload) {
    for (const a of [...workload.access].sort((x, y) => cmp(x.service, y.service) || cmp(x.table, y.table))) {
      const context = contextOf.get(a.table)
      if (!context || ownerOfContext.get(context) === a.service) continue
      if (a.read + a.write + a.lock === 0) continue
      const exception = boundaries.exceptions.find((e) => e.consumer === a.service && e.table === a.table)
      foreign.push({
        consumer: a.service,
        consumerContext: contextOfService.get(a.service) ?? null,
        table: a.table,
        context,
        reads: a.read,
        writes: a.write + a.lock,
        exception: exception ? {access: exception.access, approvedBy: exception.approved_by, expires: exception.expires, exitPlan: exception.exit_plan} : null,
      })
    }
  }

  const viewContexts = (v: View): Set<string> => {
    const set = new Set<string>()
    for (const d of v.dependsOn) {
      const c = contextOf.get(keyOf(d.schema, d.name))
      if (c) set.add(c)
    }
    return set
  }
  const crossViews = catalog.views.filter((v) => viewContexts(v).size > 1)

  const only = options.only?.length ? new Set(options.only) : null
  const contexts: ContextSpec[] = []
  for (const c of boundaries.contexts) {
    if (only && !only.has(c.name)) continue
    const owner = c.owner ?? UNASSIGNED_OWNER
    const tables: OwnedTable[] = c.tables
      .filter((k) => byKey.has(k))
      .map((k) => ({key: k, table: byKey.get(k)!, classification: (boundaries.classifications[k] ?? 'owned') as TableClass}))
    contexts.push({
      name: c.name,
      owner,
      description: c.description,
      schema: schemaName(c.name),
      unowned: c.owner === null,
      role: roleName(c.owner ?? c.name, conventions),
      tables,
      fksOut: crossFks.filter((f) => f.from.context === c.name),
      fksIn: crossFks.filter((f) => f.to.context === c.name),
      consumers: foreign.filter((f) => f.context === c.name),
      reachesInto: c.owner === null ? [] : foreign.filter((f) => f.consumer === owner),
      crossViews: crossViews.filter((v) => viewContexts(v).has(c.name)),
    })
  }

  const serviceNames = new Set<string>()
  for (const c of boundaries.contexts) if (c.owner !== null) serviceNames.add(c.owner)
  for (const f of foreign) serviceNames.add(f.consumer)
  serviceNames.add(conventions.reportingService)
  const services = [...serviceNames].sort(cmp).map((name) => ({name, role: roleName(name, conventions)}))
  // An unowned context still needs a role to hold its grants: named after the context, listed
  // under the owner it has (unassigned), never under an invented service.
  for (const c of boundaries.contexts) {
    const role = roleName(c.name, conventions)
    if (c.owner === null && !services.some((s) => s.role === role)) services.push({name: UNASSIGNED_OWNER, role})
  }

  const unassigned = [...byKey.keys()].filter((k) => !contextOf.has(k)).sort(cmp)
  return {
    name: options.name,
    catalog,
    boundaries,
    workload,
    conventions,
    contexts,
    services,
    contextOf,
    unassigned,
    inputHashes: {
      catalog: shortHash(JSON.stringify(stableCatalog(catalog))),
      boundaries: shortHash(JSON.stringify(boundaries)),
      workload: workload ? shortHash(JSON.stringify({access: workload.access, joins: workload.joins})) : null,
    },
  }
}

/** The catalog without what changes between two reads of the same database (sizes, timings). */
function stableCatalog(catalog: Catalog): unknown {
  return {
    tables: catalog.tables.map((t) => ({...t, estimatedRows: null, sizeBytes: null})),
    views: catalog.views.map((v) => ({schema: v.schema, name: v.name, dependsOn: v.dependsOn})),
  }
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

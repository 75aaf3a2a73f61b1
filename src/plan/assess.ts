/**
 * The Database Ownership Maturity assessment: for each context, the highest level (0–5) whose
 * evidence holds, with every check printed so a team sees what it has and what is missing.
 *
 * Pure: it evaluates facts gathered beforehand (assess-facts.ts reads them from the database) so
 * the same facts give the same report, and tests drive it with facts of their own. Levels are
 * cumulative: a context is at level L when the checks of L and of every level below pass. Checks of
 * higher levels are still evaluated and printed — a team that built an outbox before splitting
 * the database sees that level 4's evidence is there and that level 3 is what holds it back.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import {tableKeyer} from '../graph/build.js'
import type {Catalog, Flavor, RelationRef, Table} from '../introspect/model.js'
import type {TableAccess, Workload} from '../workload/model.js'
import {cmp, type ContextSpec, DEFAULT_CONVENTIONS, type ForeignAccess, type PlanConventions, type PlanInput, resolvePlanInput, safeName, schemaName} from './context.js'

// ---------------------------------------------------------------------------------------------
// Facts (gathered by assess-facts.ts)

/** A row of the ownership registry (`carve.ownership`), with the relation it points at. */
export interface RegistryRow {
  /** The relation as stored (a dropped table's regclass prints as its old oid). */
  relation: string
  /** Where the relation is now; null when it no longer exists. */
  schema: string | null
  name: string | null
  context: string
  owner: string
  classification: string | null
}

export interface RoleInfo {
  name: string
  /** PostgreSQL superuser; MySQL: a global (all-database) write privilege. */
  superuser: boolean
}

/** Write privileges one grantee holds on one relation (PUBLIC is the grantee `PUBLIC`). */
export interface RelationGrant {
  schema: string
  name: string
  /** The relation's owner (PostgreSQL); null where relations have no owner (MySQL). */
  owner: string | null
  grantee: string
  /** INSERT, UPDATE, DELETE, TRUNCATE (MySQL: DROP, which allows TRUNCATE). */
  privileges: string[]
  /** How the grant applies: on the table itself, or on its whole schema/database (MySQL). */
  via: 'table' | 'schema'
}

/** Whether a role can write a table: its own grants, inherited ones, ownership. */
export interface RoleAbility {
  role: string
  schema: string
  name: string
  insert: boolean
  update: boolean
  delete: boolean
  schemaUsage: boolean
}

/** A split-cutover step in the executor's ledger. */
export interface LedgerCutover {
  plan: string
  step: string
  state: string
  appliedAt: string | null
  /** From the step's checkpoint, when the runner recorded it. */
  targetDatabase: string | null
  /** From the checkpoint, else from the step id (`NNN-split-cutover-<context>`). */
  context: string | null
}

type Readable<T> = {state: 'absent'} | {state: 'error'; error: string} | ({state: 'present'} & T)

export interface DatabaseFacts {
  engine: 'postgres' | 'mysql'
  flavor: Flavor
  database: string
  catalog: Catalog
  registry: Readable<{rows: RegistryRow[]}>
  /** Roles (PostgreSQL) or accounts/roles (MySQL); not measurable when the user cannot read them. */
  roles: {measurable: true; list: RoleInfo[]} | {measurable: false; note: string}
  grants: {measurable: true; list: RelationGrant[]} | {measurable: false; note: string}
  abilities: RoleAbility[]
  ledger: Readable<{cutovers: LedgerCutover[]}>
}

/** The database assessed, and the databases contexts were split into (by context name). */
export interface AssessmentFacts {
  here: DatabaseFacts
  targets: Record<string, {database: string; facts: DatabaseFacts | null; error: string | null}>
}

// ---------------------------------------------------------------------------------------------
// Where each table of the boundaries file is now

export type TablePlace = 'original' | 'schema' | 'retired' | 'absent'

export interface LocatedTable {
  /** The key in the boundaries file (`orders`, `billing.invoices`). */
  key: string
  /** The table name without its schema. */
  name: string
  /** Still where the file names it; in the context's schema; a retired copy; nowhere here. */
  place: TablePlace
  table: Table | null
  /** Its key in this catalog (for original/schema). */
  actualKey: string | null
  /** A view at the table's old place (the compatibility view a move leaves behind). */
  compatView: RelationRef | null
}

export interface Located {
  input: PlanInput
  /** Context name → where each of its tables is. */
  tables: Map<string, LocatedTable[]>
}

export function retiredSchema(conventions: PlanConventions): string {
  return `${conventions.metaSchema}_retired`
}

/**
 * resolvePlanInput over a database that may be partly migrated. The boundaries file names tables
 * where they were (`orders`); after a move they live in the context's schema (`orders.orders`,
 * with a view left in public) or, after a split, as retired copies or not at all. Keys in the
 * file, its exceptions and the workload are rewritten to where each table is now, so the
 * resolved contexts hold the live tables and the workload's statements (which still say
 * `orders`, through the view) count against them.
 */
export function resolveLocated(catalog: Catalog, boundaries: BoundariesFile, workload: Workload | null, options: {name: string; conventions?: Partial<PlanConventions>}): Located {
  const conventions = {...DEFAULT_CONVENTIONS, ...options.conventions}
  const keyOf = tableKeyer(catalog)
  const defaultSchema = catalog.database.engine === 'mysql' ? catalog.database.name : catalog.schemas.includes('public') ? 'public' : (catalog.schemas.length === 1 ? catalog.schemas[0]! : 'public')
  const byKey = new Map<string, Table>()
  for (const t of catalog.tables) if (!t.partitionOf) byKey.set(keyOf(t.schema, t.name), t)
  const viewAt = new Map(catalog.views.map((v) => [`${v.schema}\u0000${v.name}`, v]))
  const retired = retiredSchema(conventions)

  const tables = new Map<string, LocatedTable[]>()
  const rename = new Map<string, string>()
  for (const c of boundaries.contexts) {
    const schema = schemaName(c.name)
    const list: LocatedTable[] = []
    for (const key of c.tables) {
      const dot = key.indexOf('.')
      const origSchema = dot > 0 ? key.slice(0, dot) : defaultSchema
      const name = dot > 0 ? key.slice(dot + 1) : key
      const here = byKey.get(key)
      const moved = byKey.get(keyOf(schema, name))
      const old = viewAt.get(`${origSchema}\u0000${name}`)
      const compatView = old && !old.materialized ? {schema: old.schema, name: old.name} : null
      let entry: LocatedTable
      if (here) entry = {key, name, place: here.schema === schema ? 'schema' : 'original', table: here, actualKey: key, compatView: null}
      else if (moved) entry = {key, name, place: 'schema', table: moved, actualKey: keyOf(schema, name), compatView}
      else if (byKey.has(keyOf(retired, name))) entry = {key, name, place: 'retired', table: null, actualKey: null, compatView}
      else entry = {key, name, place: 'absent', table: null, actualKey: null, compatView}
      if (entry.actualKey && entry.actualKey !== key) rename.set(key, entry.actualKey)
      list.push(entry)
    }
    tables.set(c.name, list)
  }

  const to = (k: string) => rename.get(k) ?? k
  const live = new Set([...tables.values()].flat().filter((t) => t.actualKey).map((t) => t.key))
  const translated: BoundariesFile = {
    ...boundaries,
    contexts: boundaries.contexts.map((c) => ({...c, tables: c.tables.filter((k) => live.has(k)).map(to)})),
    pins: Object.fromEntries(Object.entries(boundaries.pins).map(([k, v]) => [to(k), v])),
    classifications: Object.fromEntries(Object.entries(boundaries.classifications).map(([k, v]) => [to(k), v])),
    exceptions: boundaries.exceptions.map((e) => ({...e, table: to(e.table)})),
  }
  let work = workload
  if (workload && rename.size) {
    // A statement naming the old place and one naming the new one are the same access.
    const merged = new Map<string, TableAccess>()
    for (const a of workload.access) {
      const table = to(a.table)
      const id = `${a.service}\u0000${table}`
      const prev = merged.get(id)
      if (prev) merged.set(id, {...prev, read: prev.read + a.read, write: prev.write + a.write, lock: prev.lock + a.lock, ddl: prev.ddl + a.ddl})
      else merged.set(id, {...a, table})
    }
    work = {...workload, access: [...merged.values()]}
  }
  const input = resolvePlanInput(catalog, translated, work, {name: options.name, conventions})
  return {input, tables}
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface Check {
  level: number
  id: string
  ok: boolean
  message: string
  facts: Record<string, unknown>
  /** What to do when the check fails, phrased as a step (the report's "next step"). */
  action?: string
}

export interface ContextAssessment {
  name: string
  owner: string
  schema: string
  role: string
  level: number
  /** What reaching level + 1 takes; null at level 5. */
  next: string | null
  checks: Check[]
}

export interface Assessment {
  database: string
  engine: 'postgres' | 'mysql'
  flavor: Flavor
  today: string
  workload: boolean
  contexts: ContextAssessment[]
}

export interface AssessOptions {
  /** YYYY-MM-DD; exceptions expiring before it are expired. Injectable so tests do not age. */
  today: string
  only?: string[]
  conventions?: Partial<PlanConventions>
}

export const LEVEL_NAMES = ['shared database, shared tables', 'ownership documented', 'service-owned schema', 'service-owned database', 'projections and outbox', 'independent lifecycle'] as const
export const LEVEL_SHORT = ['shared', 'documented', 'own schema', 'own database', 'projections', 'independent'] as const

const WRITE_PRIVILEGES = new Set(['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'DROP'])

/** A list for a message: the first few items, then how many more. */
export function listText(items: string[], max = 6): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`

/** Where a context's live tables are checked: this database, or the one it was split into. */
interface Site {
  facts: DatabaseFacts
  spec: ContextSpec
  tables: LocatedTable[]
  /** Set when the tables are checked in the split's target database. */
  remote: string | null
}

export function assess(facts: AssessmentFacts, boundaries: BoundariesFile, workload: Workload | null, options: AssessOptions): Assessment {
  const conventions = {...DEFAULT_CONVENTIONS, ...options.conventions}
  const here = resolveLocated(facts.here.catalog, boundaries, workload, {name: 'assess', conventions})
  const remote = new Map<string, Located>()
  for (const [name, t] of Object.entries(facts.targets)) if (t.facts) remote.set(name, resolveLocated(t.facts.catalog, boundaries, workload, {name: 'assess', conventions}))
  // Read models may live in any database Carve could see (a consumer may have been split too).
  const catalogs = [facts.here.catalog, ...Object.values(facts.targets).flatMap((t) => (t.facts ? [t.facts.catalog] : []))]

  const only = options.only?.length ? new Set(options.only) : null
  const contexts: ContextAssessment[] = []
  for (const spec of here.input.contexts) {
    if (only && !only.has(spec.name)) continue
    const raw = boundaries.contexts.find((c) => c.name === spec.name)!
    const cutover = splitOf(facts.here, spec.name)
    const target = facts.targets[spec.name]
    const remoteLocated = remote.get(spec.name)
    const site: Site =
      cutover && target?.facts && remoteLocated
        ? {facts: target.facts, spec: remoteLocated.input.contexts.find((c) => c.name === spec.name)!, tables: remoteLocated.tables.get(spec.name)!, remote: target.database}
        : {facts: facts.here, spec, tables: here.tables.get(spec.name)!, remote: null}
    const ctx: EvalContext = {
      spec,
      consumers: consumersOf(spec.name, spec.owner, here.tables.get(spec.name)!, boundaries, workload),
      rawOwner: raw.owner,
      site,
      hereTables: here.tables.get(spec.name)!,
      here: facts.here,
      cutover,
      target: target ?? null,
      boundaries,
      workload,
      today: options.today,
      conventions,
      catalogs,
    }
    const checks = [...level0(ctx), ...level1(ctx), ...level2(ctx), ...level3(ctx), ...level4(ctx)]
    let level = 0
    for (let l = 1; l <= 4; l++) {
      if (level === l - 1 && checks.filter((c) => c.level === l).every((c) => c.ok)) level = l
    }
    checks.push(...level5(ctx, level))
    if (level === 4 && checks.filter((c) => c.level === 5).every((c) => c.ok)) level = 5
    contexts.push({name: spec.name, owner: spec.owner, schema: spec.schema, role: spec.role, level, next: nextStep(checks, level), checks})
  }
  return {
    database: facts.here.database,
    engine: facts.here.engine,
    flavor: facts.here.flavor,
    today: options.today,
    workload: workload !== null,
    contexts,
  }
}

function nextStep(checks: Check[], level: number): string | null {
  if (level >= 5) return null
  const failing = checks.filter((c) => c.level === level + 1 && !c.ok)
  return `level ${level + 1}: ${failing.map((c) => c.action ?? c.message).join('; ')}`
}

interface EvalContext {
  spec: ContextSpec
  /** Other services' direct access to the context's tables, by the file's table keys. */
  consumers: ForeignAccess[]
  rawOwner: string | null
  site: Site
  hereTables: LocatedTable[]
  here: DatabaseFacts
  cutover: LedgerCutover | null
  target: AssessmentFacts['targets'][string] | null
  boundaries: BoundariesFile
  workload: Workload | null
  today: string
  conventions: PlanConventions
  catalogs: Catalog[]
}

/**
 * Who else reads or writes the context's tables in the workload. Computed from the file's keys
 * (and where the tables are now) rather than from the resolved input, which only knows tables
 * still in this database: after a split, the workload that was recorded still counts.
 */
function consumersOf(context: string, owner: string, tables: LocatedTable[], boundaries: BoundariesFile, workload: Workload | null): ForeignAccess[] {
  if (!workload) return []
  const keyOf = new Map<string, string>()
  for (const t of tables) {
    keyOf.set(t.key, t.key)
    if (t.actualKey) keyOf.set(t.actualKey, t.key)
  }
  const contextOfService = new Map<string, string>()
  for (const c of boundaries.contexts) if (c.owner && !contextOfService.has(c.owner)) contextOfService.set(c.owner, c.name)
  const merged = new Map<string, ForeignAccess>()
  for (const a of workload.access) {
    const key = keyOf.get(a.table)
    if (!key || a.service === owner || a.read + a.write + a.lock === 0) continue
    const id = `${a.service}\u0000${key}`
    const prev = merged.get(id)
    if (prev) {
      prev.reads += a.read
      prev.writes += a.write + a.lock
      continue
    }
    const exception = boundaries.exceptions.find((e) => e.consumer === a.service && (e.table === key || e.table === a.table))
    merged.set(id, {
      consumer: a.service,
      consumerContext: contextOfService.get(a.service) ?? null,
      table: key,
      context,
      reads: a.read,
      writes: a.write + a.lock,
      exception: exception ? {access: exception.access, approvedBy: exception.approved_by, expires: exception.expires, exitPlan: exception.exit_plan} : null,
    })
  }
  return [...merged.values()].sort((x, y) => cmp(x.consumer, y.consumer) || cmp(x.table, y.table))
}

/** The applied split-cutover of a context in the ledger, if any (the latest applied). */
export function splitOf(facts: DatabaseFacts, context: string): LedgerCutover | null {
  if (facts.ledger.state !== 'present') return null
  const applied = facts.ledger.cutovers.filter((c) => c.state === 'applied' && c.context === context)
  return applied.sort((a, b) => cmp(a.appliedAt ?? '', b.appliedAt ?? '') || cmp(a.step, b.step)).at(-1) ?? null
}

const qname = (t: {schema: string; name: string}) => `${t.schema}.${t.name}`

/** The context's tables that live in the site's database (not retired, not gone). */
function liveTables(site: Site): (LocatedTable & {table: Table})[] {
  return site.tables.filter((t): t is LocatedTable & {table: Table} => t.table !== null)
}

function isExpired(expires: string, today: string): boolean {
  return expires < today
}

/** Exceptions about this context's tables (by the file's keys). */
function contextExceptions(ctx: EvalContext): BoundariesFile['exceptions'] {
  const keys = new Set(ctx.hereTables.map((t) => t.key))
  const actual = new Set(ctx.hereTables.flatMap((t) => (t.actualKey ? [t.actualKey] : [])))
  return ctx.boundaries.exceptions.filter((e) => keys.has(e.table) || actual.has(e.table))
}

function exceptionFor(ctx: EvalContext, a: ForeignAccess, access: 'read' | 'write'): BoundariesFile['exceptions'][number] | undefined {
  const keys = new Set([a.table])
  for (const t of ctx.hereTables) if (t.actualKey === a.table) keys.add(t.key)
  // A write exception covers reads too; a read exception covers only reads.
  return ctx.boundaries.exceptions.find((e) => e.consumer === a.consumer && keys.has(e.table) && (e.access === access || e.access === 'write'))
}

// ----- level 0: the baseline --------------------------------------------------------------------

function level0(ctx: EvalContext): Check[] {
  const checks: Check[] = []
  if (!ctx.workload) {
    checks.push({level: 0, id: 'writers', ok: true, message: 'writers unknown: no workload (give --workload)', facts: {workload: false}})
  } else {
    const keys = new Set(ctx.hereTables.flatMap((t) => [t.key, ...(t.actualKey ? [t.actualKey] : [])]))
    const writers = new Map<string, Set<string>>()
    for (const a of ctx.workload.access) {
      if (a.write === 0 || !keys.has(a.table)) continue
      const key = ctx.hereTables.find((t) => t.key === a.table || t.actualKey === a.table)!.key
      writers.set(key, (writers.get(key) ?? new Set()).add(a.service))
    }
    const shared = [...writers.entries()].filter(([, s]) => s.size > 1).map(([table, s]) => ({table, writers: [...s].sort(cmp)})).sort((a, b) => cmp(a.table, b.table))
    checks.push({
      level: 0,
      id: 'writers',
      ok: true,
      message: shared.length
        ? `${plural(shared.length, 'table')} written by several services: ${listText(shared.map((s) => `${s.table} (${s.writers.join(', ')})`), 4)}`
        : 'no table written by more than one service in the workload',
      facts: {sharedWriters: shared},
    })
  }
  const registry = ctx.here.registry
  const recorded = registry.state === 'present' ? registry.rows.filter((r) => r.context === ctx.spec.name).length : 0
  checks.push({
    level: 0,
    id: 'owner-recorded',
    ok: true,
    message: `${ctx.rawOwner ? `owner ${ctx.rawOwner} in the boundaries file` : 'no owner in the boundaries file'}; ${
      registry.state === 'present' ? `${plural(recorded, 'table')} recorded in ${ctx.conventions.metaSchema}.ownership` : `no ${ctx.conventions.metaSchema}.ownership registry`
    }`,
    facts: {owner: ctx.rawOwner, registered: recorded},
  })
  return checks
}

// ----- level 1: ownership documented --------------------------------------------------------------

function level1(ctx: EvalContext): Check[] {
  const checks: Check[] = []
  const {spec, site} = ctx
  const listed = ctx.hereTables.map((t) => t.key)
  const missing = site.tables.filter((t) => t.place === 'absent' || (t.place === 'retired' && !ctx.cutover)).map((t) => t.key)
  const problems: string[] = []
  if (!ctx.rawOwner) problems.push('no owner')
  if (listed.length === 0) problems.push('no tables')
  if (missing.length) problems.push(`${plural(missing.length, 'listed table')} not found${site.remote ? ` in ${site.remote}` : ''}: ${listText(missing)}`)
  checks.push({
    level: 1,
    id: 'owner-documented',
    ok: problems.length === 0,
    message: problems.length
      ? `the boundaries file has ${problems.join('; ')}`
      : `owner ${ctx.rawOwner} and ${plural(listed.length, 'table')} in the boundaries file`,
    facts: {owner: ctx.rawOwner, tables: listed, missing},
    action: !ctx.rawOwner ? `name an owner for ${spec.name} in the boundaries file` : missing.length ? `fix the boundaries file: ${listText(missing, 3)} not found` : 'list the context\'s tables in the boundaries file',
  })

  checks.push(registryCheck(ctx))

  if (!ctx.workload) {
    checks.push({level: 1, id: 'foreign-writes-listed', ok: true, message: 'foreign writes not checked: no workload (give --workload)', facts: {workload: false}})
  } else {
    const writes = ctx.consumers.filter((a) => a.writes > 0)
    const unlisted = writes.filter((a) => !exceptionFor(ctx, a, 'write'))
    const text = (a: ForeignAccess) => `${a.consumer} writes ${a.table} (${a.writes}×)`
    checks.push({
      level: 1,
      id: 'foreign-writes-listed',
      ok: unlisted.length === 0,
      message: unlisted.length
        ? `${plural(unlisted.length, 'foreign write')} not listed as exceptions: ${listText(unlisted.map(text), 4)}`
        : writes.length
          ? `every foreign write is a listed exception (${listText(writes.map(text), 3)})`
          : 'no other service writes these tables',
      facts: {unlisted: unlisted.map(accessFacts), listed: writes.filter((a) => !unlisted.includes(a)).map(accessFacts)},
      action: `stop or list as exceptions ${plural(unlisted.length, 'foreign write')} (${listText([...new Set(unlisted.map((a) => a.consumer))], 3)})`,
    })
  }

  const exceptions = contextExceptions(ctx)
  const expired = exceptions.filter((e) => isExpired(e.expires, ctx.today))
  checks.push({
    level: 1,
    id: 'exceptions-current',
    ok: expired.length === 0,
    message: expired.length
      ? `${plural(expired.length, 'exception')} expired before ${ctx.today}: ${listText(expired.map((e) => `${e.consumer} ${e.access} ${e.table} (expired ${e.expires})`), 4)}`
      : exceptions.length
        ? `${plural(exceptions.length, 'exception')}, none expired`
        : 'no exceptions listed',
    facts: {exceptions: exceptions.map((e) => ({consumer: e.consumer, table: e.table, access: e.access, expires: e.expires, expired: isExpired(e.expires, ctx.today)}))},
    action: `renew or close the expired exceptions (${listText(expired.map((e) => `${e.consumer} on ${e.table}`), 3)})`,
  })
  return checks
}

function accessFacts(a: ForeignAccess) {
  return {consumer: a.consumer, table: a.table, reads: a.reads, writes: a.writes, exception: a.exception ? {access: a.exception.access, expires: a.exception.expires} : null}
}

function registryCheck(ctx: EvalContext): Check {
  const {spec, site} = ctx
  const meta = `${ctx.conventions.metaSchema}.ownership`
  const base = {level: 1, id: 'ownership-recorded'}
  const action = `record ownership in ${meta}`
  const registry = site.facts.registry
  const where = site.remote ? ` of ${site.remote}` : ''
  if (registry.state === 'error') return {...base, ok: false, message: `${meta}${where} could not be read: ${registry.error}`, facts: {error: registry.error}, action}
  const live = liveTables(site)
  if (registry.state === 'absent') {
    // A split context's registry may have stayed behind in the source database.
    if (site.remote) return splitRegistry(ctx, base, meta, action)
    return {...base, ok: false, message: `no ${meta} table${where}: ownership is not recorded in the database`, facts: {registry: false}, action}
  }
  const rows = registry.rows
  const missing: string[] = []
  const wrong: {table: string; context: string; owner: string}[] = []
  for (const t of live) {
    const row = rows.find((r) => r.schema === t.table.schema && r.name === t.table.name)
    if (!row) missing.push(qname(t.table))
    else if (row.context !== spec.name || row.owner !== spec.owner) wrong.push({table: qname(t.table), context: row.context, owner: row.owner})
  }
  const dangling = rows.filter((r) => r.context === spec.name && r.name === null).map((r) => r.relation)
  if (live.length === 0 && site.remote === null && ctx.cutover) return splitRegistry(ctx, base, meta, action)
  const ok = missing.length === 0 && wrong.length === 0 && live.length > 0
  const parts: string[] = []
  if (missing.length) parts.push(`${plural(missing.length, 'table')} not recorded: ${listText(missing)}`)
  if (wrong.length) parts.push(`recorded for another owner: ${listText(wrong.map((w) => `${w.table} → ${w.context}/${w.owner}`), 4)}`)
  if (!live.length) parts.push('none of the context\'s tables is in this database')
  return {
    ...base,
    ok,
    message: ok ? `${meta}${where} records all ${plural(live.length, 'table')} for ${spec.owner}${dangling.length ? ` (and ${plural(dangling.length, 'row')} for dropped relations)` : ''}` : `${meta}${where}: ${parts.join('; ')}`,
    facts: {recorded: live.length - missing.length - wrong.length, missing, wrong, dangling},
    action: missing.length ? `record ${listText(missing, 3)} in ${meta}` : wrong.length ? `correct ${meta} for ${listText(wrong.map((w) => w.table), 3)}` : action,
  }
}

/** After a split the tables are elsewhere: the source registry's rows for the context count. */
function splitRegistry(ctx: EvalContext, base: {level: number; id: string}, meta: string, action: string): Check {
  const registry = ctx.here.registry
  const rows = registry.state === 'present' ? registry.rows.filter((r) => r.context === ctx.spec.name && r.owner === ctx.spec.owner) : []
  const expected = ctx.hereTables.length
  const ok = expected > 0 && rows.length >= expected
  return {
    ...base,
    ok,
    message: ok
      ? `${meta} of ${ctx.here.database} records ${plural(rows.length, 'table')} for ${ctx.spec.owner} (the tables were split out${ctx.site.remote ? ` to ${ctx.site.remote}, which has no registry` : ''})`
      : `the tables were split out; ${meta} records ${rows.length} of ${expected} for ${ctx.spec.owner}${ctx.site.remote ? ` here and ${ctx.site.remote} has no registry` : ''}`,
    facts: {recorded: rows.length, expected, split: true},
    action,
  }
}

// ----- level 2: service-owned schema --------------------------------------------------------------

function level2(ctx: EvalContext): Check[] {
  const {spec, site} = ctx
  const live = liveTables(site)
  const checks: Check[] = []
  const where = site.remote ? ` (in ${site.remote})` : ''

  if (live.length === 0) {
    const gone = ctx.cutover ? `the tables were split out to ${ctx.target?.database ?? 'another database'}, which Carve could not read${ctx.target?.error ? `: ${ctx.target.error}` : ''}` : 'none of the context\'s tables is in this database'
    for (const id of ['schema', 'write-grants', 'owner-role']) checks.push({level: 2, id, ok: false, message: gone, facts: {tables: []}, action: ctx.cutover ? `let Carve read database ${ctx.target?.database ?? '(unknown)'}` : 'create the context\'s tables'})
    return checks
  }

  const outside = live.filter((t) => t.table.schema !== spec.schema)
  checks.push({
    level: 2,
    id: 'schema',
    ok: outside.length === 0,
    message: outside.length
      ? `${plural(outside.length, 'table')} outside schema ${spec.schema}${where}: ${listText(outside.map((t) => qname(t.table)))}`
      : `all ${plural(live.length, 'table')} in schema ${spec.schema}${where}`,
    facts: {schema: spec.schema, outside: outside.map((t) => qname(t.table))},
    action: `move ${listText(outside.map((t) => t.key), 3)} into schema ${spec.schema}`,
  })

  const {grants, roles} = site.facts
  if (!grants.measurable || !roles.measurable) {
    const note = !grants.measurable ? grants.note : (roles as {note: string}).note
    checks.push({level: 2, id: 'write-grants', ok: false, message: note, facts: {measurable: false}, action: note})
    checks.push({level: 2, id: 'owner-role', ok: false, message: note, facts: {measurable: false}, action: note})
    return checks
  }
  const superusers = new Set(roles.list.filter((r) => r.superuser).map((r) => r.name))
  // The compatibility view counts: writes through an auto-updatable view run with the view
  // owner's rights on the table, so an INSERT grant on the view is a write path to the table.
  const relations = new Map<string, string>()
  for (const t of live) {
    relations.set(`${t.table.schema}\u0000${t.table.name}`, qname(t.table))
    if (t.compatView) relations.set(`${t.compatView.schema}\u0000${t.compatView.name}`, `${qname(t.compatView)} (view)`)
  }
  const offenders: {relation: string; grantee: string; privileges: string[]; via: string}[] = []
  for (const g of grants.list) {
    const label = relations.get(`${g.schema}\u0000${g.name}`)
    if (!label) continue
    const privileges = g.privileges.filter((p) => WRITE_PRIVILEGES.has(p))
    if (!privileges.length) continue
    if (g.grantee === spec.role || g.grantee === g.owner || superusers.has(g.grantee)) continue
    offenders.push({relation: label, grantee: g.grantee, privileges, via: g.via})
  }
  offenders.sort((a, b) => cmp(a.grantee, b.grantee) || cmp(a.relation, b.relation))
  // Owners can always write their tables; named so a shared legacy login owning them is visible.
  const tableOwners = [...new Set(grants.list.filter((g) => relations.has(`${g.schema}\u0000${g.name}`) && g.owner !== null && g.owner !== spec.role).map((g) => g.owner!))].sort(cmp)
  const byGrantee = new Map<string, string[]>()
  for (const o of offenders) byGrantee.set(o.grantee, [...(byGrantee.get(o.grantee) ?? []), `${o.relation} ${o.privileges.join('/')}`])
  checks.push({
    level: 2,
    id: 'write-grants',
    ok: offenders.length === 0,
    message: offenders.length
      ? `other roles can write: ${listText([...byGrantee.entries()].map(([g, list]) => `${g} on ${listText(list, 3)}`), 4)}`
      : `no role other than ${spec.role} holds write privileges${site.facts.engine === 'postgres' ? ', PUBLIC none' : ''}${tableOwners.length ? ` (table owners aside: ${listText(tableOwners, 3)})` : ''}`,
    facts: {offenders, tableOwners},
    action: `revoke write privileges of ${listText([...byGrantee.keys()], 4)} on the context's tables`,
  })

  const role = roles.list.find((r) => r.name === spec.role)
  const unable: string[] = []
  for (const t of live) {
    const a = site.facts.abilities.find((x) => x.role === spec.role && x.schema === t.table.schema && x.name === t.table.name)
    if (!a) unable.push(`${qname(t.table)} (no privilege)`)
    else {
      const lacks = [!a.insert && 'INSERT', !a.update && 'UPDATE', !a.delete && 'DELETE', !a.schemaUsage && `USAGE on ${t.table.schema}`].filter(Boolean) as string[]
      if (lacks.length) unable.push(`${qname(t.table)} (no ${lacks.join(', ')})`)
    }
  }
  checks.push({
    level: 2,
    id: 'owner-role',
    ok: role !== undefined && unable.length === 0,
    message: !role
      ? `role ${spec.role} of ${spec.owner} does not exist`
      : unable.length
        ? `${spec.role} cannot write ${plural(unable.length, 'table')}: ${listText(unable, 4)}`
        : `${spec.role} exists and can write all ${plural(live.length, 'table')}`,
    facts: {role: spec.role, exists: role !== undefined, cannotWrite: unable},
    action: !role ? `create role ${spec.role} for ${spec.owner}` : `grant ${spec.role} write access to ${listText(unable, 3)}`,
  })
  return checks
}

// ----- level 3: service-owned database ------------------------------------------------------------

function level3(ctx: EvalContext): Check[] {
  const {spec} = ctx
  const checks: Check[] = []
  const ledger = ctx.here.ledger
  const meta = `${ctx.conventions.metaSchema}.ledger_steps`
  const cut = ctx.cutover
  checks.push({
    level: 3,
    id: 'split-recorded',
    ok: cut !== null,
    message: cut
      ? `split recorded: step ${cut.step} of plan ${cut.plan} applied${cut.appliedAt ? ` ${cut.appliedAt}` : ''}${ctx.target ? `, target database ${ctx.target.database}` : ''}`
      : ledger.state === 'error'
        ? `no physical split recorded (${meta} could not be read: ${ledger.error})`
        : ledger.state === 'absent'
          ? `no physical split recorded (no ${meta})`
          : `no physical split recorded (no applied split-cutover step for ${spec.name} in ${meta})`,
    facts: cut ? {plan: cut.plan, step: cut.step, targetDatabase: ctx.target?.database ?? cut.targetDatabase} : {ledger: ledger.state},
    action: `split ${spec.name} into its own database (plan and apply the split steps)`,
  })

  const remaining = ctx.hereTables.filter((t) => t.place === 'original' || t.place === 'schema')
  const retired = ctx.hereTables.filter((t) => t.place === 'retired')
  checks.push({
    level: 3,
    id: 'tables-gone',
    ok: remaining.length === 0 && ctx.hereTables.length > 0,
    message: ctx.hereTables.length === 0
      ? 'the context lists no tables'
      : remaining.length
      ? `${plural(remaining.length, 'table')} still in ${ctx.here.database}: ${listText(remaining.map((t) => qname(t.table!)))}`
      : `no table left in ${ctx.here.database}${retired.length ? ` (${plural(retired.length, 'retired copy', 'retired copies')} in ${retiredSchema(ctx.conventions)})` : ''}`,
    facts: {remaining: remaining.map((t) => qname(t.table!)), retired: retired.map((t) => t.key)},
    action: `move ${listText(remaining.map((t) => t.key), 3)} out of ${ctx.here.database}`,
  })

  const fks = [...spec.fksOut, ...spec.fksIn, ...(ctx.site.remote ? [...ctx.site.spec.fksOut, ...ctx.site.spec.fksIn] : [])]
  const text = fks.map((f) => `${qname(f.from.table)} → ${qname(f.to.table)} (${f.fk.name})`)
  checks.push({
    level: 3,
    id: 'no-cross-fks',
    ok: fks.length === 0,
    message: fks.length ? `${plural(fks.length, 'cross-context foreign key')}: ${listText(text, 4)}` : 'no foreign key crosses the context\'s boundary',
    facts: {foreignKeys: fks.map((f) => ({from: qname(f.from.table), fromContext: f.from.context, to: qname(f.to.table), toContext: f.to.context, name: f.fk.name}))},
    action: `replace ${plural(fks.length, 'cross-context foreign key')} (${listText(fks.map((f) => f.fk.name), 3)})`,
  })
  return checks
}

// ----- level 4: projections and outbox -------------------------------------------------------------

function level4(ctx: EvalContext): Check[] {
  const {spec, site} = ctx
  const checks: Check[] = []
  const where = site.remote ? ` in ${site.remote}` : ''
  const outboxName = ctx.conventions.outboxTable
  const outbox = site.facts.catalog.tables.find((t) => t.schema === spec.schema && t.name === outboxName)
  const owned = liveTables(site).filter((t) => (site.spec.tables.find((o) => o.table === t.table)?.classification ?? 'owned') !== 'deprecated')
  const mysql = site.facts.engine === 'mysql'
  // MySQL trigger names are unique per database, so there each table's trigger carries a suffix.
  const isOutboxTrigger = (name: string) => (mysql ? name.startsWith('carve_outbox') : name === 'carve_outbox')
  const missing = owned
    .filter((t) => {
      const triggers = t.table.triggers.filter((g) => isOutboxTrigger(g.name) && g.level === 'row' && g.enabled)
      return triggers.length === 0
    })
    .map((t) => qname(t.table))
  if (!owned.length) {
    // Deprecated tables are retired, not published: a context of only those needs no outbox.
    checks.push({level: 4, id: 'outbox', ok: true, message: `no owned, non-deprecated table${where}: nothing to publish`, facts: {outbox: outbox ? `${spec.schema}.${outboxName}` : null, missingTriggers: []}})
  }
  const problems: string[] = []
  if (!outbox) problems.push(`no table ${spec.schema}.${outboxName}${where}`)
  if (missing.length) problems.push(`no enabled row trigger carve_outbox on ${listText(missing)}`)
  if (owned.length) checks.push({
    level: 4,
    id: 'outbox',
    ok: problems.length === 0,
    message: problems.length ? problems.join('; ') : `${spec.schema}.${outboxName}${where} fed by carve_outbox triggers on all ${plural(owned.length, 'owned table')}`,
    facts: {outbox: outbox ? `${spec.schema}.${outboxName}` : null, missingTriggers: missing},
    action: !outbox ? `create the outbox ${spec.schema}.${outboxName} and its triggers` : `add carve_outbox triggers on ${listText(missing, 3)}`,
  })

  const readers = ctx.consumers.filter((a) => a.reads > 0)
  if (!ctx.workload) {
    checks.push({level: 4, id: 'read-models', ok: true, message: 'consumers not checked: no workload (give --workload)', facts: {workload: false}})
    return checks
  }
  const views = ctx.catalogs.flatMap((c) => c.views.filter((v) => v.materialized))
  const missingModels: {consumer: string; table: string; expected: string}[] = []
  const served: {consumer: string; table: string; by: string}[] = []
  for (const a of readers) {
    const tableName = ctx.hereTables.find((t) => t.key === a.table || t.actualKey === a.table)?.name ?? a.table.split('.').pop()!
    const schemas = new Set([a.consumerContext ? schemaName(a.consumerContext) : null, schemaName(a.consumer)].filter((s): s is string => s !== null))
    const names = new Set([`rm_${spec.name}_${tableName}`, `rm_${spec.schema}_${tableName}`].flatMap((n) => [n, safeName(n)]))
    const model = views.find((v) => schemas.has(v.schema) && names.has(v.name))
    const exception = exceptionFor(ctx, a, 'read')
    if (model) served.push({consumer: a.consumer, table: a.table, by: qname(model)})
    else if (exception && !isExpired(exception.expires, ctx.today)) served.push({consumer: a.consumer, table: a.table, by: `exception until ${exception.expires}`})
    else missingModels.push({consumer: a.consumer, table: a.table, expected: `${[...schemas][0]}.rm_${spec.schema}_${tableName}`})
  }
  const unmeasurable = mysql && missingModels.length > 0
  checks.push({
    level: 4,
    id: 'read-models',
    ok: missingModels.length === 0,
    message: unmeasurable
      ? `not measurable on MySQL yet (no materialized views): ${plural(missingModels.length, 'read')} without an approved exception: ${listText(missingModels.map((m) => `${m.consumer} reads ${m.table}`), 4)}`
      : missingModels.length
        ? `${plural(missingModels.length, 'cross-context read')} without a read model or approved exception: ${listText(missingModels.map((m) => `${m.consumer} reads ${m.table}`), 4)}`
        : readers.length
          ? `every reader is served: ${listText(served.map((s) => `${s.consumer} ${s.table} by ${s.by}`), 3)}`
          : 'no other service reads these tables',
    facts: {missing: missingModels, served},
    action: `give ${listText([...new Set(missingModels.map((m) => m.consumer))], 4)} read models of ${listText([...new Set(missingModels.map((m) => m.table))], 4)}`,
  })
  return checks
}

// ----- level 5: independent lifecycle ----------------------------------------------------------------

function level5(ctx: EvalContext, level: number): Check[] {
  const checks: Check[] = []
  const exceptions = contextExceptions(ctx)
  checks.push({
    level: 5,
    id: 'no-open-exceptions',
    ok: exceptions.length === 0,
    message: exceptions.length ? `${plural(exceptions.length, 'open exception')}: ${listText(exceptions.map((e) => `${e.consumer} ${e.access} ${e.table} until ${e.expires}`), 4)}` : 'no open exceptions',
    facts: {exceptions: exceptions.map((e) => ({consumer: e.consumer, table: e.table, access: e.access, expires: e.expires}))},
    action: `close ${plural(exceptions.length, 'exception')} (${listText(exceptions.map((e) => `${e.consumer} on ${e.table}`), 3)})`,
  })
  if (!ctx.workload) {
    checks.push({level: 5, id: 'no-foreign-access', ok: false, message: 'unknown, give --workload: foreign access cannot be ruled out without one', facts: {workload: false}, action: 'give --workload to show that no other service touches the tables'})
  } else {
    const access = ctx.consumers
    checks.push({
      level: 5,
      id: 'no-foreign-access',
      ok: access.length === 0,
      message: access.length
        ? `${plural(new Set(access.map((a) => a.consumer)).size, 'service')} still access the tables directly: ${listText(access.map((a) => `${a.consumer} ${a.writes ? 'writes' : 'reads'} ${a.table}`), 4)}`
        : 'no other service touches the tables in the workload',
      facts: {access: access.map(accessFacts)},
      action: `move ${listText([...new Set(access.map((a) => a.consumer))], 4)} off direct table access`,
    })
  }
  checks.push({
    level: 5,
    id: 'lower-levels',
    ok: level >= 4,
    message: level >= 4 ? 'levels 1–4 met' : `levels 1–4 not all met (at level ${level})`,
    facts: {level},
    action: `reach level 4 first`,
  })
  return checks
}

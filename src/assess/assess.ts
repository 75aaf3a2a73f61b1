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
import {defaultSchemaOf} from '../db/engine.js'
import {tableKeyer} from '../graph/build.js'
import type {Catalog, Flavor, RelationRef, Table} from '../introspect/model.js'
import type {TableAccess, Workload} from '../workload/model.js'
import type {Assessment, AssessmentFacts, AssessOptions, Check, ContextAssessment, DatabaseFacts, LedgerCutover, Located, LocatedTable} from './assess-model.js'
import {type EvalContext, level0, level1, level2, level3, level4, level5, retiredSchema, type Site} from './assess-levels.js'
import {cmp, type ContextSpec, DEFAULT_CONVENTIONS, type ForeignAccess, type PlanConventions, type PlanInput, resolvePlanInput, schemaName} from '../plan/context.js'

export {listText, retiredSchema} from './assess-levels.js'
export type {RegistryRow, RoleInfo, RelationGrant, RoleAbility, LedgerCutover, DatabaseFacts, AssessmentFacts, TablePlace, LocatedTable, Located, Check, ContextAssessment, Assessment, AssessOptions} from './assess-model.js'
export {LEVEL_NAMES, LEVEL_SHORT} from './assess-model.js'

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
  const defaultSchema = defaultSchemaOf(catalog)
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

/**
 * What the next level takes, and which higher levels' evidence already holds: a plan without the
 * physical split puts level 4's outbox and read models in place while the context stays at
 * level 2, and the report must say that the split is all that is missing, not leave it to guess.
 */
function nextStep(checks: Check[], level: number): string | null {
  if (level >= 5) return null
  const failing = checks.filter((c) => c.level === level + 1 && !c.ok)
  const ahead: number[] = []
  for (let l = level + 2; l <= 4; l++) {
    const of = checks.filter((c) => c.level === l)
    if (of.length && of.every((c) => c.ok)) ahead.push(l)
  }
  const held = ahead.length ? ` — ${ahead.length === 1 ? `level ${ahead[0]}'s evidence is` : `the evidence of levels ${ahead.join(' and ')} is`} already in place` : ''
  return `level ${level + 1}: ${failing.map((c) => c.action ?? c.message).join('; ')}${held}`
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

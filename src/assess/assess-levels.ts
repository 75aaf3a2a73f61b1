/**
 * The checks of each maturity level (assess.ts runs them and decides the level). Pure: each
 * takes the facts of one context gathered beforehand and returns its checks with their evidence.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import type {Catalog, RelationRef, Table} from '../introspect/model.js'
import type {Workload} from '../workload/model.js'
import type {AssessmentFacts, Check, DatabaseFacts, LedgerCutover, LocatedTable} from './assess-model.js'
import {cmp, type ContextSpec, type ForeignAccess, type PlanConventions, safeName, schemaName} from '../plan/context.js'
import {eventsPublication} from '../steps/outbox/publication.js'
import {plural} from '../util/plural.js'
import {assessDialect} from './dialect/index.js'

/** The schema a split leaves the source copies in until the decommission. */
export function retiredSchema(conventions: PlanConventions): string {
  return `${conventions.metaSchema}_retired`
}

const WRITE_PRIVILEGES = new Set(['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'DROP'])

/** A list for a message: the first few items, then how many more. */
export function listText(items: string[], max = 6): string {
  if (items.length <= max) return items.join(', ')
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`
}


/** Where a context's live tables are checked: this database, or the one it was split into. */
export interface Site {
  facts: DatabaseFacts
  spec: ContextSpec
  tables: LocatedTable[]
  /** Set when the tables are checked in the split's target database. */
  remote: string | null
}

export interface EvalContext {
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

const qname = (t: RelationRef) => `${t.schema}.${t.name}`

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

export function level0(ctx: EvalContext): Check[] {
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

export function level1(ctx: EvalContext): Check[] {
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

export function level2(ctx: EvalContext): Check[] {
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
      : `no role other than ${spec.role} holds write privileges${assessDialect(site.facts.engine).writeGrantsAlso}${tableOwners.length ? ` (table owners aside: ${listText(tableOwners, 3)})` : ''}`,
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

export function level3(ctx: EvalContext): Check[] {
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

export function level4(ctx: EvalContext): Check[] {
  const {spec, site} = ctx
  const checks: Check[] = []
  const where = site.remote ? ` in ${site.remote}` : ''
  const outboxName = ctx.conventions.outboxTable
  const outbox = site.facts.catalog.tables.find((t) => t.schema === spec.schema && t.name === outboxName)
  const owned = liveTables(site).filter((t) => (site.spec.tables.find((o) => o.table === t.table)?.classification ?? 'owned') !== 'deprecated')
  const dialect = assessDialect(site.facts.engine)
  // The WAL outbox (the default): a publication over the context's tables, no table, no trigger.
  const publication = eventsPublication(spec.name)
  const published = new Set((site.facts.publications ?? []).filter((p) => p.name === publication).map((p) => qname({schema: p.schema, name: p.table})))
  if (dialect.walEvents && published.size > 0 && owned.length) {
    const unpublished = owned.filter((t) => !published.has(qname(t.table))).map((t) => qname(t.table))
    const problem = site.facts.publicationProblem
    const log = site.facts.engine === 'mysql' ? 'the binary log' : 'the WAL'
    const message = unpublished.length ? `publication ${publication}${where} does not cover ${listText(unpublished)}` : problem ? `publication ${publication}${where} publishes all ${plural(owned.length, 'owned table')}, but ${problem}` : `publication ${publication}${where} publishes all ${plural(owned.length, 'owned table')} (events from ${log})`
    checks.push({level: 4, id: 'outbox', ok: unpublished.length === 0 && !problem, message, facts: {outbox: null, publication, missingTriggers: [], unpublished}, action: unpublished.length ? `add ${listText(unpublished, 3)} to publication ${publication}` : problem ?? ''})
  } else {
    const missing = owned
      .filter((t) => {
        const triggers = t.table.triggers.filter((g) => dialect.isOutboxTrigger(g) && g.enabled)
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
  }

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
  const unmeasurable = !dialect.readModelsVisible && missingModels.length > 0
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

export function level5(ctx: EvalContext, level: number): Check[] {
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

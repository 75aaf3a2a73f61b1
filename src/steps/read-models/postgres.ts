/**
 * →4: read models owned by the consumer. For each table of another context that a context's
 * owner reads today (from the workload), a materialized view in the consumer's schema holds the
 * copy it reads from; for each view that joins several contexts, a projection owned by its
 * readers (reporting by default). They are refreshed by the consumer (`refresh.sql`,
 * concurrently when the projection has a key) until events from the owner's outbox feed them.
 * Owned data can be copied for reading; it is never jointly written.
 */
import type {Table, View} from '../../introspect/model.js'
import type {ContextSpec, ForeignAccess, PlanInput} from '../../plan/context.js'
import {safeName} from '../../plan/context.js'
import {doBlock, ident, literal, qualified} from '../../plan/quote.js'
import {code, dropSchemaIfEmpty, duration, header, Locator, schemaExisted, sizeOf, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'

export interface ReadModel {
  schema: string
  name: string
  /** Quoted source relation after the move steps. */
  source: string
  sourceLabel: string
  columns: string[]
  key: string[]
  table: Table | null
  /**
   * 'table' for projections of views: a view may call functions that resolve table names through
   * search_path, which PostgreSQL 17+ pins to pg_catalog inside materialized views.
   */
  storage: 'matview' | 'table'
}

export function readModelName(context: string, table: string): string {
  return safeName(`rm_${context.replace(/-/g, '_')}_${table}`)
}

/** The read models a consumer context needs: one per foreign table its owner reads. */
export function readModelsOf(ctx: ContextSpec, input: PlanInput, locator: Locator): ReadModel[] {
  return tableReadModels(ctx.reachesInto, ctx.schema, input, locator)
}

/** One materialized view in `schema` per table of a planned context that `accesses` read. */
function tableReadModels(accesses: readonly ForeignAccess[], schema: string, input: PlanInput, locator: Locator): ReadModel[] {
  const seen = new Set<string>()
  const out: ReadModel[] = []
  const contextByName = new Map(input.contexts.map((c) => [c.name, c]))
  for (const access of accesses) {
    if (access.reads === 0 || seen.has(access.table)) continue
    seen.add(access.table)
    const owner = contextByName.get(access.context)
    const owned = owner?.tables.find((t) => t.key === access.table) ?? findTable(input, access.table)
    if (!owned) continue
    const table = owned.table
    out.push({
      schema,
      name: readModelName(access.context, table.name),
      source: locator.at(table),
      sourceLabel: `${access.context}.${table.name}`,
      columns: table.columns.map((c) => c.name),
      key: table.primaryKey,
      table,
      storage: 'matview',
    })
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function findTable(input: PlanInput, key: string): {table: Table} | null {
  for (const c of input.contexts) for (const t of c.tables) if (t.key === key) return t
  return null
}

function modelSql(models: ReadModel[], owner: string, role: string | null): {up: string; down: string; verify: string; refresh: string} {
  const ups: string[] = []
  const downs: string[] = []
  const checks: string[] = []
  const refresh: string[] = []
  for (const m of models) {
    const rel = qualified(m.schema, m.name)
    const cols = m.columns.map(ident).join(', ')
    const comment = literal(`carve:read-model of ${m.sourceLabel}, owned by ${owner}`)
    const grant = role ? `\nGRANT SELECT ON ${rel} TO ${ident(role)};` : ''
    if (m.storage === 'matview') {
      ups.push(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${rel} AS
  SELECT ${cols}
  FROM ${m.source};
COMMENT ON MATERIALIZED VIEW ${rel} IS ${comment};${
        m.key.length ? `\nCREATE UNIQUE INDEX IF NOT EXISTS ${ident(safeName(`${m.name}_key`))} ON ${rel} (${m.key.map(ident).join(', ')});` : ''
      }${grant}`)
      downs.unshift(`DROP MATERIALIZED VIEW IF EXISTS ${rel};`)
      checks.push(`  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = ${literal(m.schema)} AND matviewname = ${literal(m.name)} AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', ${literal(rel)};
  END IF;`)
      refresh.push(`REFRESH MATERIALIZED VIEW ${m.key.length ? 'CONCURRENTLY ' : ''}${rel};`)
    } else {
      ups.push(`CREATE TABLE IF NOT EXISTS ${rel} AS
  SELECT ${cols}
  FROM ${m.source};
COMMENT ON TABLE ${rel} IS ${comment};${grant}`)
      downs.unshift(`DROP TABLE IF EXISTS ${rel};`)
      checks.push(`  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass(${literal(rel)}) AND relkind = 'r') THEN
    RAISE EXCEPTION 'carve verify: the projection % is missing', ${literal(rel)};
  END IF;`)
      refresh.push(`BEGIN;
TRUNCATE ${rel};
INSERT INTO ${rel} (${cols}) SELECT ${cols} FROM ${m.source};
COMMIT;`)
    }
  }
  return {
    up: ups.join('\n\n'),
    down: downs.join('\n'),
    verify: doBlock(`BEGIN\n${checks.join('\n')}\nEND`),
    refresh: refresh.join('\n'),
  }
}

export function readModelsStep(ctx: ContextSpec, input: PlanInput, locator: Locator, dependsOn: string[]): StepDraft | null {
  const models = readModelsOf(ctx, input, locator)
  if (models.length === 0) return null
  const sql = modelSql(models, ctx.owner, ctx.role)
  const size = sizeOf(models.map((m) => m.table!).filter(Boolean))
  const up = `${header(`Step: read models owned by ${ctx.owner} for what it reads from other contexts`)}
CREATE SCHEMA IF NOT EXISTS ${ident(ctx.schema)};
${sql.up}
`
  const readme = stepReadme('read-models', {
    title: `Read models for ${code(ctx.name)} (level 3 → 4)`,
    what: `Creates ${models.length} materialized view${models.length === 1 ? '' : 's'} in ${code(ctx.schema)} holding the data ${code(ctx.owner)} reads from other contexts today:\n\n${models.map((m) => `- ${code(`${m.schema}.${m.name}`)} ← ${code(m.sourceLabel)}${m.key.length ? '' : ' (no primary key: refreshed without CONCURRENTLY)'}`).join('\n')}\n\nPoint the service's reads at them, then refresh with \`refresh.sql\` on a schedule — or feed them from the owner's outbox events and drop the refresh.`,
    why: 'Cross-context reads are served by projections the consumer owns (level 4): the owner can change its tables without breaking the reader, and the reader no longer needs grants on them.',
    risk: 'Copies lag the source by up to one refresh interval. Creating them reads the source tables once.',
    lock: 'ACCESS SHARE on the source tables while each copy is built (reads and writes continue); `REFRESH … CONCURRENTLY` takes EXCLUSIVE on the read model only.',
    duration: `${duration(size.rows, 300_000)} for ${size.text}`,
    rollback: '`down.sql` drops the read models.',
  })
  return {
    key: `read-models-${ctx.name}`,
    title: `Read models for ${ctx.name}`,
    context: ctx.name,
    kind: 'read-models',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: true,
    locks: [],
    up,
    down: `${header(`Undo: the read models of ${ctx.name}`)}\n${sql.down}\n`,
    verify: `${header(`Verify: the read models of ${ctx.name} exist and are populated`)}\n${sql.verify}\n`,
    readme,
    extraFiles: {'refresh.sql': `${header(`Refresh the read models of ${ctx.name}`, ['run on a schedule until outbox events feed them'])}\n${sql.refresh}\n`},
  }
}

/**
 * Materialized views created WITH NO DATA and never refreshed (pagila's rental_by_category, as
 * pg_dump-style restores leave them) cannot be read, so no projection is built from them. Carve
 * does not refresh them itself: populating someone else's view is a change it could not undo,
 * and a refresh may run for hours under an exclusive lock. The plan says so instead.
 */
export function unpopulatedCrossViews(input: PlanInput): View[] {
  const views = new Map<string, View>()
  for (const c of input.contexts) for (const v of c.crossViews) if (v.materialized && v.populated === false) views.set(`${v.schema}.${v.name}`, v)
  return [...views.values()].sort((a, b) => (`${a.schema}.${a.name}` < `${b.schema}.${b.name}` ? -1 : 1))
}

/** The plan note for the views `unpopulatedCrossViews` skips, or null. */
export function unpopulatedViewsNote(input: PlanInput): string | null {
  const skipped = unpopulatedCrossViews(input)
  if (!skipped.length) return null
  const names = skipped.map((v) => `${v.schema}.${v.name}`)
  return `no reporting projection for ${names.join(', ')}: ${skipped.length === 1 ? 'a materialized view' : 'materialized views'} created WITH NO DATA and never refreshed cannot be read; REFRESH MATERIALIZED VIEW ${skipped.length === 1 ? 'it' : 'them'} and re-plan to add ${skipped.length === 1 ? 'its' : 'their'} projection`
}

/**
 * Services that read other contexts' tables but own no context (reporting, batch jobs): level 4
 * wants their reads served by read models too, so each gets a schema named after it with one
 * read model per table it reads (the same shape a context's owner gets in its own schema).
 */
function contextlessReaders(input: PlanInput): Map<string, ForeignAccess[]> {
  const out = new Map<string, ForeignAccess[]>()
  for (const c of input.contexts) {
    for (const a of c.consumers) {
      if (a.consumerContext !== null || a.reads === 0) continue
      out.set(a.consumer, [...(out.get(a.consumer) ?? []), a])
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

interface ConsumerModels {
  consumer: string
  schema: string
  role: string | null
  models: ReadModel[]
}

/**
 * Read models for services without a context of their own, and projections of views that join
 * several contexts (owned by reporting). One step, after every move: the sources are in their
 * contexts' schemas by then.
 */
export function reportingReadModelsStep(input: PlanInput, dependsOn: string[]): StepDraft | null {
  const views = new Map<string, View>()
  for (const c of input.contexts) for (const v of c.crossViews) if (!(v.materialized && v.populated === false)) views.set(`${v.schema}.${v.name}`, v)
  const readers = contextlessReaders(input)
  if (views.size === 0 && readers.size === 0) return null
  const locator = new Locator(input, input.contexts.filter((c) => c.tables.length > 0))
  const reporting = input.conventions.reportingService
  const groups = new Map<string, ConsumerModels>()
  const groupOf = (consumer: string): ConsumerModels => {
    let g = groups.get(consumer)
    if (!g) groups.set(consumer, (g = {consumer, schema: safeName(consumer.replace(/-/g, '_')), role: input.services.find((s) => s.name === consumer)?.role ?? null, models: []}))
    return g
  }
  for (const [consumer, accesses] of readers) groupOf(consumer).models.push(...tableReadModels(accesses, safeName(consumer.replace(/-/g, '_')), input, locator))
  const projections: ReadModel[] = [...views.values()]
    .sort((a, b) => (`${a.schema}.${a.name}` < `${b.schema}.${b.name}` ? -1 : 1))
    .map((v) => ({
      schema: safeName(reporting.replace(/-/g, '_')),
      name: safeName(`rm_${v.name}`),
      source: qualified(v.schema, v.name),
      sourceLabel: `${v.schema}.${v.name}`,
      columns: v.columns.map((c) => c.name),
      key: [],
      table: null,
      storage: 'table' as const,
    }))
  if (projections.length) groupOf(reporting).models.push(...projections)
  const ordered = [...groups.values()].sort((a, b) => (a.consumer < b.consumer ? -1 : 1)).filter((g) => g.models.length > 0)
  if (ordered.length === 0) return null
  const skipped = unpopulatedCrossViews(input)
  const sqls = ordered.map((g) => ({g, sql: modelSql(g.models, g.consumer, g.role)}))
  const contextsOf = (v: View) =>
    [...new Set(v.dependsOn.map((d) => input.contextOf.get(d.name) ?? input.contextOf.get(`${d.schema}.${d.name}`)).filter(Boolean))].sort().join(', ')
  const tableLines = ordered.flatMap((g) => g.models.filter((m) => m.storage === 'matview').map((m) => `- ${code(`${m.schema}.${m.name}`)} ← ${code(m.sourceLabel)} (read by ${code(g.consumer)})`))
  const viewLines = [...views.values()].map((v) => `- ${code(`${safeName(reporting.replace(/-/g, '_'))}.${safeName(`rm_${v.name}`)}`)} ← ${code(`${v.schema}.${v.name}`)} (contexts: ${contextsOf(v)})`)
  const readme = stepReadme('read-models', {
    title: 'Read models for services without a context, and reporting projections (level 3 → 4)',
    what: `Creates a schema per service that reads other contexts' tables without owning a context (${ordered.map((g) => `${code(g.schema)} for ${code(g.consumer)}`).join(', ')}), readable by that service's role.${tableLines.length ? `\n\nA materialized view for every table such a service reads today:\n\n${tableLines.join('\n')}` : ''}${viewLines.length ? `\n\nA projection table per view that reads several contexts' tables (a table refreshed by \`refresh.sql\`, not a materialized view: views may call functions that find tables through search_path, which PostgreSQL 17+ pins inside materialized views):\n\n${viewLines.join('\n')}` : ''}${skipped.length ? `\n\nSkipped: ${skipped.map((v) => code(`${v.schema}.${v.name}`)).join(', ')} — created WITH NO DATA and never refreshed, so it cannot be read. Carve does not refresh it (a change to your view it could not undo, possibly long, under an exclusive lock): refresh it and re-plan.` : ''}`,
    why: 'Level 4: every consumer reads through a read model or an approved exception. Reports that join every operational table are a classic legacy coupling (concepts: analytics and reporting → replica, warehouse, CDC/ETL); copies owned by the reader decouple it from the owners\' schemas.',
    risk: 'The read models are copies: refresh them on the reader\'s schedule (`refresh.sql`). Creating them reads each source once and stores a second copy of it.',
    lock: 'ACCESS SHARE on the source tables while each copy is built (reads and writes continue)',
    duration: 'as long as reading each source once',
    rollback: '`down.sql` drops the read models and projections, and each schema when empty.',
  })
  const grantUsage = (g: ConsumerModels) => (g.role ? `GRANT USAGE ON SCHEMA ${ident(g.schema)} TO ${ident(g.role)};\n` : '')
  const revokeUsage = (g: ConsumerModels) => (g.role ? `${doBlock(`BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${literal(g.schema)}) AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(g.role)}) THEN
    REVOKE USAGE ON SCHEMA ${ident(g.schema)} FROM ${ident(g.role)};
  END IF;
END`)}\n` : '')
  return {
    key: 'read-models-reporting',
    title: 'Read models for services without a context, and reporting projections',
    context: null,
    kind: 'read-models',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: true,
    locks: [],
    // A schema that existed before the plan is used, never created or dropped (Carve never removes
    // what it did not create); one it creates is a plain CREATE SCHEMA, so a schema that appeared
    // since the plan was made fails the step instead of being adopted — and dropped on rollback.
    up: `${header('Step: read models for services without a context, and projections of views that join several contexts')}\n${sqls
      .map(({g, sql}) => `${schemaExisted(input, g.schema) ? `-- Schema ${g.schema.replace(/[\r\n]+/g, ' ')} existed before this plan: it is used, and never dropped on rollback.` : `CREATE SCHEMA ${ident(g.schema)};`}\n${grantUsage(g)}${sql.up}\n`)
      .join('\n')}`,
    down: `${header('Undo: the read models of services without a context, and the reporting projections')}\n${[...sqls]
      .reverse()
      .map(({g, sql}) => `${sql.down}\n${revokeUsage(g)}${schemaExisted(input, g.schema) ? `-- Schema ${g.schema.replace(/[\r\n]+/g, ' ')} existed before this plan: it stays.` : dropSchemaIfEmpty(g.schema)}\n`)
      .join('\n')}`,
    verify: `${header('Verify: the read models and projections exist and are populated')}\n${sqls.map(({sql}) => sql.verify).join('\n')}\n`,
    readme,
    extraFiles: {'refresh.sql': `${header('Refresh the read models of services without a context, and the reporting projections')}\n${sqls.map(({sql}) => sql.refresh).join('\n')}\n`},
  }
}

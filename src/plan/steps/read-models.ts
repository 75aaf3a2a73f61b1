/**
 * →4: read models owned by the consumer. For each table of another context that a context's
 * owner reads today (from the workload), a materialized view in the consumer's schema holds the
 * copy it reads from; for each view that joins several contexts, a projection owned by its
 * readers (reporting by default). They are refreshed by the consumer (`refresh.sql`,
 * concurrently when the projection has a key) until events from the owner's outbox feed them.
 * Owned data can be copied for reading; it is never jointly written.
 */
import type {Table, View} from '../../introspect/model.js'
import type {ContextSpec, PlanInput} from '../context.js'
import {safeName} from '../context.js'
import {doBlock, ident, literal, qualified} from '../quote.js'
import {code, dropSchemaIfEmpty, duration, header, Locator, sizeOf, stepReadme} from './common.js'
import type {StepDraft} from './types.js'

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
  const seen = new Set<string>()
  const out: ReadModel[] = []
  const contextByName = new Map(input.contexts.map((c) => [c.name, c]))
  for (const access of ctx.reachesInto) {
    if (access.reads === 0 || seen.has(access.table)) continue
    seen.add(access.table)
    const owner = contextByName.get(access.context)
    const owned = owner?.tables.find((t) => t.key === access.table) ?? findTable(input, access.table)
    if (!owned) continue
    const table = owned.table
    out.push({
      schema: ctx.schema,
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
  const readme = stepReadme({
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

/** Views joining several contexts become projections owned by their readers (reporting). */
export function reportingReadModelsStep(input: PlanInput, dependsOn: string[]): StepDraft | null {
  const views = new Map<string, View>()
  for (const c of input.contexts) for (const v of c.crossViews) if (!(v.materialized && v.populated === false)) views.set(`${v.schema}.${v.name}`, v)
  if (views.size === 0) return null
  const consumer = input.conventions.reportingService
  const schema = safeName(consumer.replace(/-/g, '_'))
  const role = input.services.find((s) => s.name === consumer)?.role ?? null
  const skipped = unpopulatedCrossViews(input)
  const models: ReadModel[] = [...views.values()]
    .sort((a, b) => (`${a.schema}.${a.name}` < `${b.schema}.${b.name}` ? -1 : 1))
    .map((v) => ({
      schema,
      name: safeName(`rm_${v.name}`),
      source: qualified(v.schema, v.name),
      sourceLabel: `${v.schema}.${v.name}`,
      columns: v.columns.map((c) => c.name),
      key: [],
      table: null,
      storage: 'table' as const,
    }))
  const sql = modelSql(models, consumer, role)
  const contextsOf = (v: View) =>
    [...new Set(v.dependsOn.map((d) => input.contextOf.get(d.name) ?? input.contextOf.get(`${d.schema}.${d.name}`)).filter(Boolean))].sort().join(', ')
  const readme = stepReadme({
    title: 'Reporting projections for views that join several contexts (level 3 → 4)',
    what: `Creates schema ${code(schema)} owned by ${code(consumer)} and one projection table per view that reads several contexts' tables (a table refreshed by \`refresh.sql\`, not a materialized view: views may call functions that find tables through search_path, which PostgreSQL 17+ pins inside materialized views):\n\n${[...views.values()].map((v) => `- ${code(`${schema}.${safeName(`rm_${v.name}`)}`)} ← ${code(`${v.schema}.${v.name}`)} (contexts: ${contextsOf(v)})`).join('\n')}${skipped.length ? `\n\nSkipped: ${skipped.map((v) => code(`${v.schema}.${v.name}`)).join(', ')} — created WITH NO DATA and never refreshed, so it cannot be read. Carve does not refresh it (a change to your view it could not undo, possibly long, under an exclusive lock): refresh it and re-plan.` : ''}`,
    why: 'Reports that join every operational table are a classic legacy coupling (concepts: analytics and reporting → replica, warehouse, CDC/ETL). A projection owned by reporting decouples the report from the owners\' schemas.',
    risk: 'The projections are copies: refresh them on the reporting schedule (`refresh.sql`).',
    lock: 'ACCESS SHARE on the underlying tables while each projection is built',
    duration: 'as long as running each view once',
    rollback: '`down.sql` drops the projections and the schema when empty.',
  })
  return {
    key: 'read-models-reporting',
    title: 'Reporting projections for cross-context views',
    context: null,
    kind: 'read-models',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: true,
    locks: [],
    up: `${header('Step: reporting projections for views that join several contexts')}\nCREATE SCHEMA IF NOT EXISTS ${ident(schema)};\n${role ? `GRANT USAGE ON SCHEMA ${ident(schema)} TO ${ident(role)};\n` : ''}${sql.up}\n`,
    down: `${header('Undo: the reporting projections')}\n${sql.down}\n${role ? doBlock(`BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ${literal(schema)}) AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(role)}) THEN
    REVOKE USAGE ON SCHEMA ${ident(schema)} FROM ${ident(role)};
  END IF;
END`) : ''}\n${dropSchemaIfEmpty(schema)}\n`,
    verify: `${header('Verify: the reporting projections exist and are populated')}\n${sql.verify}\n`,
    readme,
    extraFiles: {'refresh.sql': `${header('Refresh the reporting projections')}\n${sql.refresh}\n`},
  }
}


/**
 * 3→4 on MySQL/MariaDB: read models as plain tables. MySQL has no materialized views, so each
 * read model is a table built with `CREATE TABLE … AS SELECT` (keyed like its source) and kept
 * fresh by the consumer's `refresh.sql` (`REPLACE INTO … SELECT` plus a delete of the rows gone
 * from the source, in one transaction; a table without a key is emptied and refilled). Which
 * read models exist is decided exactly as on PostgreSQL (read-models.ts): one per foreign table a
 * context's owner reads, one per table a service without a context reads, one projection per
 * view that joins several contexts.
 */
import type {Table} from '../../introspect/model.js'
import type {ContextSpec, ForeignAccess} from '../../plan/context.js'
import {safeName} from '../../plan/context.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../../plan/quote.js'
import {code, duration, header, type Locator, schemaExisted, sizeOf, stepReadme} from '../common.js'
import {readModelsOf} from './postgres.js'
import type {StepDraft} from '../draft.js'
import {bin, comment, type MysqlSql, truncate} from '../mysql-sql.js'
import {plural} from '../../util/plural.js'

const MARK = 'carve:read-model'

interface MysqlReadModel {
  db: string
  name: string
  /** Quoted source relation after the move steps. */
  source: string
  sourceLabel: string
  columns: string[]
  key: string[]
  table: Table | null
}

/** The read models of a consumer (a context's owner, or a service without a context) in database `db`. */
function tableModels(sql: MysqlSql, ctx: ContextSpec, accesses: ForeignAccess[], db: string, locator: Locator): MysqlReadModel[] {
  return readModelsOf({...ctx, schema: db, reachesInto: accesses}, sql.input, locator).map((m) => {
    const at = locator.schemaOf(m.table!)
    return {db, name: m.name, source: sql.q(at, m.table!.name), sourceLabel: m.sourceLabel, columns: m.columns, key: m.key, table: m.table}
  })
}

function modelSql(sql: MysqlSql, models: MysqlReadModel[], owner: string, role: string | null): {up: string; down: string; verify: string; refresh: string} {
  const ups: string[] = []
  const downs: string[] = []
  const checks: string[] = []
  const refresh: string[] = []
  for (const m of models) {
    const rel = sql.q(m.db, m.name)
    const label = `${m.db}.${m.name}`
    const cols = m.columns.map(id).join(', ')
    const marked = `EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${bin(m.db)} AND TABLE_NAME = ${bin(m.name)} AND TABLE_COMMENT LIKE ${lit(`${MARK} %`)})`
    const keyClause = m.key.length ? ` (PRIMARY KEY (${m.key.map(id).join(', ')}))` : ''
    const note = truncate(`${MARK} of ${m.sourceLabel}, owned by ${owner}`, 1000)
    ups.push(`${comment(`${label} ← ${m.sourceLabel}`)}
${sql.check(`CASE WHEN ${sql.relationExists(m.db, m.name, 'any')} AND NOT ${marked} THEN ${lit(truncate(`carve: ${label} exists and was not created by this plan`))} END`)}
${sql.when(`NOT ${sql.relationExists(m.db, m.name, 'any')}`, `CREATE TABLE ${rel}${keyClause} ENGINE = InnoDB COMMENT = ${lit(note)} AS SELECT ${cols} FROM ${m.source}`)}${role ? `\nGRANT SELECT ON ${rel} TO ${id(role)};` : ''}`)
    // Privileges outlive a dropped table in MySQL (mysql.tables_priv): revoke first.
    downs.unshift(`${role ? `${sql.revokeHeld(role, m.db, m.name, ['SELECT'])}\n` : ''}${sql.when(marked, `DROP TABLE ${rel}`)}`)
    checks.push(sql.failWhen(`NOT ${marked}`, `the read model ${label} is missing`))
    checks.push(sql.failWhen(`NOT EXISTS (SELECT 1 FROM ${rel}) AND EXISTS (SELECT 1 FROM ${m.source})`, `the read model ${label} is empty while ${m.sourceLabel} has rows`))
    if (m.key.length) {
      const match = m.key.map((k) => `s.${id(k)} = ${rel}.${id(k)}`).join(' AND ')
      refresh.push(`${comment(label)}
START TRANSACTION;
REPLACE INTO ${rel} (${cols}) SELECT ${cols} FROM ${m.source};
DELETE FROM ${rel} WHERE NOT EXISTS (SELECT 1 FROM ${m.source} AS s WHERE ${match});
COMMIT;`)
    } else {
      refresh.push(`${comment(`${label} (no key: emptied and refilled)`)}
START TRANSACTION;
DELETE FROM ${rel};
INSERT INTO ${rel} (${cols}) SELECT ${cols} FROM ${m.source};
COMMIT;`)
    }
  }
  return {up: ups.join('\n\n'), down: downs.join('\n'), verify: checks.join('\n'), refresh: refresh.join('\n\n')}
}

const DIFFERS =
  'What differs from PostgreSQL: MySQL has no materialized views, so a read model is a table (`CREATE TABLE … AS SELECT`, with the source\'s primary key) and `refresh.sql` brings it up to date in one transaction: `REPLACE INTO … SELECT` then a delete of the rows gone from the source (a read model without a key is emptied and refilled). Readers see the old or the new rows, never an empty table. On MySQL with `enforce_gtid_consistency` before 8.0.21, `CREATE TABLE … SELECT` is refused: create the table first, then run `refresh.sql`.'

export function mysqlReadModelsStep(sql: MysqlSql, ctx: ContextSpec, locator: Locator, dependsOn: string[]): StepDraft | null {
  const models = tableModels(sql, ctx, ctx.reachesInto, ctx.schema, locator)
  if (models.length === 0) return null
  const s = modelSql(sql, models, ctx.owner, ctx.role)
  const size = sizeOf(models.map((m) => m.table).filter((t): t is Table => t !== null))
  const readme = stepReadme('read-models', {
    title: `Read models for ${code(ctx.name)} (level 3 → 4)`,
    what: `Creates ${plural(models.length, 'read-model table')} in database ${code(ctx.schema)} holding the data ${code(ctx.owner)} reads from other contexts today:\n\n${models.map((m) => `- ${code(`${m.db}.${m.name}`)} ← ${code(m.sourceLabel)}${m.key.length ? '' : ' (no primary key: refreshed by emptying and refilling)'}`).join('\n')}\n\nPoint the service's reads at them, then refresh with \`refresh.sql\` on a schedule (a cron job or a MySQL \`EVENT\`) — or feed them from the owner's outbox events and drop the refresh.\n\n${DIFFERS}`,
    why: 'Cross-context reads are served by projections the consumer owns (level 4): the owner can change its tables without breaking the reader, and the reader no longer needs grants on them.',
    risk: 'Copies lag the source by up to one refresh interval. Creating them reads the source tables once.',
    lock: 'shared row reads of the source tables while each copy is built (InnoDB consistent read: writes continue); a refresh locks the read model\'s changed rows only.',
    duration: `${duration(size.rows, 300_000)} for ${size.text}`,
    rollback: '`down.sql` revokes the grants on the read models and drops them (only tables carrying the read-model mark in their comment).',
  })
  return {
    key: `read-models-${ctx.name}`,
    title: `Read models for ${ctx.name}`,
    context: ctx.name,
    kind: 'read-models',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: false,
    locks: [],
    up: `${header(`Step: read models owned by ${ctx.owner} for what it reads from other contexts`)}\n${s.up}\n`,
    down: `${header(`Undo: the read models of ${ctx.name}`)}\n${s.down}\n`,
    verify: `${header(`Verify: the read models of ${ctx.name} exist and are populated`)}\n${s.verify}\n`,
    readme,
    extraFiles: {'refresh.sql': `${header(`Refresh the read models of ${ctx.name}`, ['run on a schedule until outbox events feed them'])}\n${s.refresh}\n`},
  }
}

/**
 * Read models for services without a context (a database named after each), and a projection
 * table per view that joins several contexts (in reporting's database). One step, after every move.
 */
export function mysqlReportingReadModelsStep(sql: MysqlSql, locator: Locator, dependsOn: string[]): StepDraft | null {
  const input = sql.input
  const readers = new Map<string, ForeignAccess[]>()
  for (const c of input.contexts) for (const a of c.consumers) if (a.consumerContext === null && a.reads > 0) readers.set(a.consumer, [...(readers.get(a.consumer) ?? []), a])
  const views = new Map<string, {schema: string; name: string; columns: string[]}>()
  for (const c of input.contexts) for (const v of c.crossViews) views.set(`${v.schema}.${v.name}`, {schema: v.schema, name: v.name, columns: v.columns.map((col) => col.name)})
  const reporting = input.conventions.reportingService
  const groups = new Map<string, {consumer: string; db: string; role: string | null; models: MysqlReadModel[]}>()
  const groupOf = (consumer: string) => {
    let g = groups.get(consumer)
    if (!g) groups.set(consumer, (g = {consumer, db: safeName(consumer.replace(/-/g, '_')), role: input.services.find((s) => s.name === consumer)?.role ?? null, models: []}))
    return g
  }
  const anyContext = input.contexts[0]
  for (const [consumer, accesses] of [...readers.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const g = groupOf(consumer)
    if (anyContext) g.models.push(...tableModels(sql, anyContext, accesses, g.db, locator))
  }
  for (const v of [...views.values()].sort((a, b) => (`${a.schema}.${a.name}` < `${b.schema}.${b.name}` ? -1 : 1))) {
    const g = groupOf(reporting)
    g.models.push({db: g.db, name: safeName(`rm_${v.name}`), source: sql.q(v.schema, v.name), sourceLabel: `${v.schema}.${v.name}`, columns: v.columns, key: [], table: null})
  }
  const ordered = [...groups.values()].filter((g) => g.models.length > 0).sort((a, b) => (a.consumer < b.consumer ? -1 : 1))
  if (ordered.length === 0) return null
  const parts = ordered.map((g) => ({g, s: modelSql(sql, g.models, g.consumer, g.role), existed: schemaExisted(input, g.db)}))
  const kept = (db: string) => comment(`Database ${db} existed before this plan: it is used, and never dropped on rollback.`)
  const up = `${header('Step: read models for services without a context, and projections of views that join several contexts')}
${sql.ensureCreatedDatabases()}
${parts.map(({g, s, existed}) => `${existed ? kept(g.db) : sql.createDatabase(g.db)}\n${s.up}\n`).join('\n')}`
  const down = `${header('Undo: the read models of services without a context, and the reporting projections')}
${[...parts]
  .reverse()
  .map(({g, s, existed}) => `${s.down}\n${existed ? kept(g.db) : sql.dropCreatedDatabase(g.db)}\n`)
  .join('\n')}`
  const lines = ordered.flatMap((g) => g.models.map((m) => `- ${code(`${m.db}.${m.name}`)} ← ${code(m.sourceLabel)} (read by ${code(g.consumer)}${m.table ? '' : ', a view joining several contexts'})`))
  const readme = stepReadme('read-models', {
    title: 'Read models for services without a context, and reporting projections (level 3 → 4)',
    what: `Creates a database per service that reads other contexts' tables without owning a context (${ordered.map((g) => `${code(g.db)} for ${code(g.consumer)}`).join(', ')}), its tables readable by that service's role:\n\n${lines.join('\n')}\n\n${DIFFERS}`,
    why: 'Level 4: every consumer reads through a read model or an approved exception. Reports that join every operational table are a classic legacy coupling; copies owned by the reader decouple it from the owners\' schemas.',
    risk: "The read models are copies: refresh them on the reader's schedule (`refresh.sql`). Creating them reads each source once and stores a second copy of it.",
    lock: 'shared row reads of the source tables while each copy is built (InnoDB consistent read: writes continue)',
    duration: 'as long as reading each source once',
    rollback: `\`down.sql\` revokes the grants, drops the read models and each database this plan created when it is empty (recorded in ${code(`${sql.meta}.created_databases`)}; a database that existed before stays).`,
  })
  return {
    key: 'read-models-reporting',
    title: 'Read models for services without a context, and reporting projections',
    context: null,
    kind: 'read-models',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: false,
    locks: [],
    up,
    down,
    verify: `${header('Verify: the read models and projections exist and are populated')}\n${parts.map(({s}) => s.verify).join('\n')}\n`,
    readme,
    extraFiles: {'refresh.sql': `${header('Refresh the read models of services without a context, and the reporting projections')}\n${parts.map(({s}) => s.refresh).join('\n\n')}\n`},
  }
}

/**
 * The MySQL/MariaDB subset of the plan: the steps whose concepts exist there, with the same
 * keys, kinds, levels and dependencies as the PostgreSQL plan (build.ts routes MySQL catalogs
 * here). What differs, and why:
 *
 *  - A context gets a *logical database* (MySQL's schema) instead of a PostgreSQL schema, and
 *    `RENAME TABLE app.t TO ctx.t` moves a table there. MySQL refuses that rename for a table
 *    with triggers, so the triggers are dropped before and re-created after, from the catalog.
 *    A trigger runs with its table's database as default database: one that names another
 *    table without qualifying it would silently point elsewhere after the move, so such a
 *    context is not moved (a note says which trigger and which name).
 *  - Ownership rows are keyed by (table_schema, table_name) — MySQL has no regclass — and the
 *    move step updates them, so the registry always says where a table is.
 *  - MySQL has no transactional DDL: every file is idempotent and its down.sql can clean up a
 *    half-applied up.sql.
 *  - Conditionals are prepared statements (`SET @carve_sql = IF(cond, 'stmt', 'DO 0')`, then
 *    PREPARE/EXECUTE), not compound `BEGIN … END` blocks: they work on MySQL 8 and MariaDB alike
 *    and every file stays a list of plain statements, so it runs whether an executor sends it
 *    whole (multipleStatements) or splits it at semicolons. verify.sql fails with
 *    `SIGNAL SQLSTATE '45000'` on MariaDB; MySQL cannot prepare SIGNAL, so there the failing
 *    statement is `SET SESSION sql_mode = '<message>'`, whose error carries the message.
 *  - The outbox is a table in the context's database fed by three AFTER triggers per table
 *    (no multi-event triggers, no trigger functions); read models are tables built with
 *    CREATE TABLE … AS SELECT and refreshed by refresh.sql (no materialized views). Both only
 *    for contexts that were moved into their database. The physical split is not generated yet.
 *
 * The steps live in ./mysql/ by kind; this file puts them together.
 */
import type {ContextSpec, PlanInput} from '../context.js'
import {Locator} from './common.js'
import type {StepDraft} from './types.js'
import {foreignKeysStep, isLoose} from './mysql/foreign-keys.js'
import {grantsStep, rolesStep} from './mysql/grants.js'
import {moveRefusals, moveStep} from './mysql/move.js'
import {mysqlOutboxStep} from './mysql/outbox.js'
import {ownershipStep} from './mysql/ownership.js'
import {mysqlReadModelsStep, mysqlReportingReadModelsStep} from './mysql/read-models.js'
import {MysqlSql} from './mysql/sql.js'

export {moveRefusals, unqualifiedNames} from './mysql/move.js'
export {MYSQL_OWNERSHIP_TABLE, MYSQL_REVOKED_TABLE, MYSQL_ROLES_TABLE, MysqlSql} from './mysql/sql.js'

export const MYSQL_NOTES = {
  notMoved: 'on MySQL the outbox and read models live in the context\'s database, so a context that is not moved gets neither',
  outboxTriggers: 'outbox: on MySQL/MariaDB events are written by triggers into an outbox table in the context\'s database (--outbox wal is a PostgreSQL publication; a binlog reader such as Debezium\'s MySQL connector needs no step of Carve\'s)',
  split: 'physical split: not supported on MySQL yet (needs binlog-based change capture and a cut-over; planned)',
  looseFks: 'loose foreign keys: on MySQL, ON DELETE CASCADE / SET NULL of a dropped cross-context foreign key is not replaced by a queue and cleanup job yet: the owner\'s API must apply it (reconcile.sql lists orphans)',
} as const

export function mysqlDrafts(input: PlanInput, level: number): {drafts: StepDraft[]; notes: string[]} {
  const sql = new MysqlSql(input)
  const notes: string[] = []
  const drafts: StepDraft[] = []
  const contexts = input.contexts.filter((c) => c.tables.length > 0)
  for (const c of input.contexts) if (c.tables.length === 0) notes.push(`context ${c.name} has no tables in the database: no steps for it`)
  if (input.unassigned.length) {
    const n = input.unassigned.length
    notes.push(`${n} table${n === 1 ? ' belongs' : 's belong'} to no context and stay${n === 1 ? 's' : ''} where ${n === 1 ? 'it is' : 'they are'}: ${input.unassigned.slice(0, 12).join(', ')}${n > 12 ? ', …' : ''}`)
  }

  for (const c of contexts) drafts.push(ownershipStep(sql, c))
  const moved: ContextSpec[] = []
  if (level >= 2) {
    for (const c of contexts) {
      const refusals = moveRefusals(c, input)
      if (refusals.length) notes.push(...refusals.map((r) => `context ${c.name} is not moved into database ${c.schema}: ${r}`))
      else moved.push(c)
    }
  }
  const locator = new Locator(input, moved)
  const isMoved = (name: string) => moved.some((c) => c.name === name)
  if (level >= 2) {
    for (const c of moved) drafts.push(moveStep(sql, c))
    drafts.push(rolesStep(sql))
    for (const c of contexts) drafts.push(grantsStep(sql, c, locator, isMoved(c.name)))
  }
  const movedKey = (name: string) => (isMoved(name) ? [`move-to-schema-${name}`] : [])
  if (level >= 3) {
    let loose = false
    for (const c of contexts) {
      if (c.fksOut.length === 0) continue
      const deps = [...new Set([...movedKey(c.name), ...c.fksOut.flatMap((f) => movedKey(f.to.context))])]
      drafts.push(foreignKeysStep(sql, c, locator, deps.length ? deps : [`document-ownership-${c.name}`]))
      loose ||= c.fksOut.some((f) => isLoose(f.fk.onDelete))
    }
    if (loose) notes.push(MYSQL_NOTES.looseFks)
  }
  if (level >= 4) {
    const lastOf = new Map<string, string>()
    for (const d of drafts) if (d.context) lastOf.set(d.context, d.key)
    const add = (name: string, d: StepDraft | null) => {
      if (!d) return
      drafts.push(d)
      lastOf.set(name, d.key)
    }
    for (const c of moved) add(c.name, mysqlOutboxStep(sql, c, locator, [lastOf.get(c.name)!]))
    if (input.conventions.outboxDelivery !== 'trigger' && drafts.some((d) => d.kind === 'outbox')) notes.push(MYSQL_NOTES.outboxTriggers)
    for (const c of moved) {
      const sources = [...new Set(c.reachesInto.map((a) => a.context))].sort()
      add(c.name, mysqlReadModelsStep(sql, c, locator, [...new Set([lastOf.get(c.name)!, ...sources.flatMap(movedKey)])]))
    }
    const reporting = mysqlReportingReadModelsStep(sql, locator, [...moved.map((c) => `move-to-schema-${c.name}`), 'service-roles'])
    if (reporting) drafts.push(reporting)
    const skipped = contexts.filter((c) => !isMoved(c.name)).map((c) => c.name)
    if (skipped.length) notes.push(`${MYSQL_NOTES.notMoved}: ${skipped.join(', ')}`)
  }
  notes.push(level >= 5 ? MYSQL_NOTES.split : `${MYSQL_NOTES.split}; it is not part of this plan`)
  return {drafts: drafts.map((d) => ({...d, up: explain(d.up), down: explain(d.down), verify: explain(d.verify)})), notes}
}

const IDIOM = [
  "How to read this file: `SET @carve_sql = IF(<condition>, '<statement>', 'DO 0')` then PREPARE/EXECUTE runs the",
  'statement only when the condition holds. No BEGIN … END blocks: the same file runs on MySQL 8 and MariaDB, sent whole',
  'or one statement at a time. A check sets @carve_msg and fails with it (a message starting "carve verify:").',
]

/** The idiom explained once per file, after its header, for the reviewer who meets it first here. */
function explain(text: string): string {
  if (!text.includes('@carve_sql')) return text
  const lines = text.split('\n')
  const end = lines.findIndex((l) => !l.startsWith('--'))
  lines.splice(end === -1 ? lines.length : end, 0, ...IDIOM.map((l) => `-- ${l}`))
  return lines.join('\n')
}

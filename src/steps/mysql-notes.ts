/**
 * The MySQL/MariaDB subset of the plan: the steps whose concepts exist there, with the same
 * keys, kinds, levels and dependencies as the PostgreSQL plan (each kind folder has a mysql.ts
 * beside its postgres.ts). What differs, and why:
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
 *  - Events come from the binary log by default (outbox/binlog.ts: no publication object, so the
 *    step checks the binlog settings and records the published tables in the meta database);
 *    with --outbox trigger from an outbox table in the context's database fed by three AFTER
 *    triggers per table (no multi-event triggers, no trigger functions). Read models are tables built with
 *    CREATE TABLE … AS SELECT and refreshed by refresh.sql (no materialized views). Both only
 *    for contexts that were moved into their database. The physical split is not generated yet.
 *
 * Each kind's MySQL generation is in its folder (src/steps/<kind>/mysql.ts); this file holds the
 * notes they share and the idiom's explanation every MySQL file carries.
 */
import type {StepDraft} from './draft.js'

export const MYSQL_NOTES = {
  notMoved: 'on MySQL the outbox and read models live in the context\'s database, so a context that is not moved gets neither',
  split: 'physical split: not supported on MySQL yet (needs binlog-based change capture and a cut-over; planned)',
  looseFks: 'loose foreign keys: on MySQL, ON DELETE CASCADE / SET NULL of a dropped cross-context foreign key is not replaced by a queue and cleanup job yet: the owner\'s API must apply it (reconcile.sql lists orphans)',
} as const

/** A MySQL draft as written: every SQL file that uses the conditional idiom explains it once. */
export function mysqlDraft(d: StepDraft): StepDraft {
  return {...d, up: explain(d.up), down: explain(d.down), verify: explain(d.verify)}
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

/**
 * 3→4 on MySQL/MariaDB with log delivery (the default, `--outbox wal`): events are read from the
 * server's binary log by a change reader (Debezium's MySQL or MariaDB connector, configuration
 * generated per context in contexts/<name>/api/), the equivalent of PostgreSQL's publication
 * (wal.ts). Nothing is added to the application's transactions: no trigger, no outbox table.
 *
 * MySQL has no publication object, so the step records which tables it publishes in the meta
 * database (`<meta>.publications`: publication, database, table, plan) — what verify.sql, the
 * rollback and `carve assess` read — and refuses to apply on a server whose binary log a reader
 * cannot use (log_bin OFF, binlog_format other than ROW, binlog_row_image other than FULL, no
 * server_id), saying what to set: an outbox that silently delivers nothing is worse than none.
 */
import type {ContextSpec} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {mysqlLiteral as lit} from '../../plan/quote.js'
import {code, header, type Locator, stepReadme} from '../common.js'
import type {StepDraft} from '../draft.js'
import {bin, comment, type MysqlSql} from '../mysql-sql.js'
import {plural} from '../../util/plural.js'
import {eventTables} from './postgres.js'
import {eventsPublication} from './publication.js'

/** The meta table listing the tables a binlog reader publishes per publication (context). */
export const MYSQL_PUBLICATIONS_TABLE = 'publications'

/** The server settings a binlog reader needs, as `[variable, wanted value]` (global values). */
export const BINLOG_SETTINGS = [
  ['log_bin', 'ON'],
  ['binlog_format', 'ROW'],
  ['binlog_row_image', 'FULL'],
] as const

/**
 * An SQL expression: NULL when the server's binary log can feed a change reader, else a message
 * (starting with `prefix`) giving each setting as it is and what to set. Global values: a session
 * may differ, but the reader sees what the server writes by default.
 */
export function binlogProblem(prefix: string): string {
  const bad = `@@GLOBAL.log_bin = 0 OR @@GLOBAL.binlog_format <> 'ROW' OR @@GLOBAL.binlog_row_image <> 'FULL' OR @@GLOBAL.server_id = 0`
  return `CASE WHEN ${bad} THEN CONCAT(${lit(`${prefix} events come from the binary log, unusable here (log_bin=`)}, IF(@@GLOBAL.log_bin, 'ON', 'OFF'), ', binlog_format=', @@GLOBAL.binlog_format, ', binlog_row_image=', @@GLOBAL.binlog_row_image, ', server_id=', @@GLOBAL.server_id, ${lit(
    '): set log_bin, binlog_format=ROW, binlog_row_image=FULL and a unique non-zero server_id in the server configuration (log_bin needs a restart), or plan with --outbox trigger',
  )}) END`
}

export function mysqlBinlogOutboxStep(sql: MysqlSql, ctx: ContextSpec, locator: Locator, dependsOn: string[]): StepDraft | null {
  const tables = eventTables(ctx).map((t) => t.table)
  if (tables.length === 0) return null
  const publication = eventsPublication(ctx.name)
  const registry = sql.metaTable(MYSQL_PUBLICATIONS_TABLE)
  const plan = sql.input.name
  const rows = tables.map((t) => `  (${lit(publication)}, ${lit(locator.schemaOf(t))}, ${lit(t.name)}, ${lit(plan)})`)
  const listed = (db: string, name: string) =>
    `EXISTS (SELECT 1 FROM ${registry} WHERE publication = ${bin(publication)} AND table_schema = ${bin(db)} AND table_name = ${bin(name)})`
  const checks = tables.map((t) => {
    const db = locator.schemaOf(t)
    return [
      sql.failWhen(`NOT ${sql.relationExists(db, t.name, 'table')}`, `${db}.${t.name} (published by ${publication}) does not exist`),
      sql.failWhen(`NOT ${listed(db, t.name)}`, `${publication} does not publish ${db}.${t.name} (no row in ${sql.meta}.${MYSQL_PUBLICATIONS_TABLE})`),
    ].join('\n')
  })
  const file = debeziumBinlogFile(sql.mariadb)
  const up = `${header(`Step: events of context ${ctx.name} from the binary log (publication ${publication}, no trigger)`)}
${comment('Refused, saying what to set, on a server whose binary log a change reader cannot use.')}
${sql.check(binlogProblem(`carve: context ${ctx.name}:`))}
${sql.ensureMeta(MYSQL_PUBLICATIONS_TABLE, `  publication varchar(64) NOT NULL,
  table_schema varchar(64) NOT NULL,
  table_name varchar(64) NOT NULL,
  plan varchar(200) NOT NULL,
  PRIMARY KEY (publication, table_schema, table_name)`)}
${comment('The tables whose changes are this context\'s events (what verify, rollback and carve assess read).')}
INSERT IGNORE INTO ${registry} (publication, table_schema, table_name, plan) VALUES
${rows.join(',\n')};
`
  const down = `${header(`Undo: the events publication of context ${ctx.name}`, ['stop the change reader (delete the Debezium connector) first: the binary log itself is the server\'s and stays'])}
${sql.when(sql.relationExists(sql.meta, MYSQL_PUBLICATIONS_TABLE, 'table'), `DELETE FROM ${registry} WHERE publication = ${lit(publication)} AND plan = ${lit(plan)}`)}
${sql.dropMetaIfEmpty(MYSQL_PUBLICATIONS_TABLE)}
`
  const verify = `${header(`Verify: the binary log can feed a reader and ${publication} publishes every event table of context ${ctx.name}`)}
${sql.check(binlogProblem(`carve verify: context ${ctx.name}:`))}
${sql.failWhen(`NOT ${sql.relationExists(sql.meta, MYSQL_PUBLICATIONS_TABLE, 'table')}`, `${sql.meta}.${MYSQL_PUBLICATIONS_TABLE} does not exist: ${publication} publishes nothing`)}
${checks.join('\n')}
`
  const readme = stepReadme('outbox', {
    title: `Events for ${code(ctx.name)} from the binary log (level 3 → 4)`,
    what: `Records publication ${code(publication)} of ${plural(tables.length, 'table')} in ${code(`${sql.meta}.${MYSQL_PUBLICATIONS_TABLE}`)}, after checking that the server's binary log can feed a change reader (\`log_bin\` on, \`binlog_format = ROW\`, \`binlog_row_image = FULL\`, a non-zero \`server_id\`; the step refuses otherwise and says what to set). Nothing is added to the application's transactions: no trigger, no outbox table. Every committed change is read from the binary log by ${sql.mariadb ? "Debezium's MariaDB connector" : "Debezium's MySQL connector"} ([contexts/${ctx.name}/api/${file}](${linkFromStep(ctx.name, `contexts/${ctx.name}/api/${file}`)})) and becomes an event \`<table>.created|updated|deleted\` (listed in [contexts/${ctx.name}/events.md](${linkFromStep(ctx.name, `contexts/${ctx.name}/events.md`)})).`,
    why: 'Other services react to changes through events instead of reading or polling the tables, and the application pays nothing for it: the trigger outbox (three row triggers per table writing JSON into an outbox table in the writing transaction) costs sysbench oltp_read_write 8–17% more server CPU per transaction, this step no more than the noise (app-sysbench benchmark, \`--full\`). For events written in the same transaction as the change, plan with `--outbox trigger`.',
    risk: 'Needs the binary log in row format with full row images (a restart to turn `log_bin` on); the server keeps binary logs for `binlog_expire_logs_seconds` / `expire_logs_days`: a reader stopped longer than that misses events and must snapshot again. Events start when the reader first starts (`snapshot.mode: no_data`).',
    lock: 'none on the application\'s tables (one row per table in the meta database)',
    duration: 'under a second',
    rollback: `\`down.sql\` deletes this plan's rows of ${code(publication)} from ${code(`${sql.meta}.${MYSQL_PUBLICATIONS_TABLE}`)} (the table goes when empty and no ledger shares its database). The binary log and its settings are the server's and stay; delete the Debezium connector before rolling back, or it keeps publishing.`,
  })
  return {
    key: `outbox-${ctx.name}`,
    title: `Events for ${ctx.name} from the binary log`,
    context: ctx.name,
    kind: 'outbox',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: false,
    locks: [],
    up,
    down,
    verify,
    readme,
  }
}

/** The Debezium connector configuration's file name in contexts/<name>/api/ (binlog readers). */
export function debeziumBinlogFile(mariadb: boolean): string {
  return mariadb ? 'debezium-mariadb.json' : 'debezium-mysql.json'
}

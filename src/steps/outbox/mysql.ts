/**
 * 3→4 on MySQL/MariaDB: an outbox table in the context's database, fed by three AFTER row
 * triggers per table (MySQL has no `INSERT OR UPDATE OR DELETE` trigger and no trigger function
 * to share), each inserting one event whose payload is `JSON_OBJECT(<column>, NEW.<column>, …)`.
 * The trigger writes in the same transaction as the change: an event exists exactly when the
 * change committed. Same columns and event names as the PostgreSQL outbox (outbox.ts).
 */
import {createHash} from 'node:crypto'

import type {Table} from '../../introspect/model.js'
import type {ContextSpec} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {mysqlIdent as id, mysqlLiteral as lit} from '../../plan/quote.js'
import {code, header, type Locator, stepReadme} from '../common.js'
import {eventTables, OUTBOX_MARK, outboxName} from './postgres.js'
import type {StepDraft} from '../draft.js'
import {bin, comment, type MysqlSql, truncate} from '../mysql-sql.js'
import {plural} from '../../util/plural.js'

const EVENTS = [
  {event: 'INSERT', suffix: 'ins', row: 'NEW', type: 'created'},
  {event: 'UPDATE', suffix: 'upd', row: 'NEW', type: 'updated'},
  {event: 'DELETE', suffix: 'del', row: 'OLD', type: 'deleted'},
] as const

/**
 * The outbox triggers of a table. Trigger names are unique per database (not per table) and at
 * most 64 characters: a hash of the table's identity keeps them short, stable and distinct.
 */
export function outboxTriggerNames(table: Pick<Table, 'schema' | 'name'>): {event: 'INSERT' | 'UPDATE' | 'DELETE'; name: string}[] {
  const h = createHash('sha256').update(`${table.schema}\0${table.name}`).digest('hex').slice(0, 12)
  return EVENTS.map((e) => ({event: e.event, name: `carve_outbox_${h}_${e.suffix}`}))
}

export function mysqlOutboxStep(sql: MysqlSql, ctx: ContextSpec, locator: Locator, dependsOn: string[]): StepDraft | null {
  const tables = eventTables(ctx).map((t) => t.table)
  if (tables.length === 0) return null
  const db = locator.schemaOf(tables[0]!)
  const name = outboxName(ctx, sql.input)
  const outbox = sql.q(db, name)
  const label = `${db}.${name}`
  const marked = `EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${bin(db)} AND TABLE_NAME = ${bin(name)} AND TABLE_COMMENT LIKE ${lit(`${OUTBOX_MARK} %`)})`
  // A trigger is the outbox's when it has our name and writes into this outbox (its body as written).
  const ours = (at: string, trigger: string) =>
    `EXISTS (SELECT 1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${bin(at)} AND TRIGGER_NAME = ${bin(trigger)} AND LOCATE(${lit(`INSERT INTO ${outbox}`)}, ACTION_STATEMENT) > 0)`
  const creates: string[] = []
  const drops: string[] = []
  const checks: string[] = []
  const triggerRows: string[] = []
  for (const t of tables) {
    const at = locator.schemaOf(t)
    const rel = sql.q(at, t.name)
    const names = outboxTriggerNames(t)
    triggerRows.push(`| ${code(`${at}.${t.name}`)} | ${names.map((n) => code(n.name)).join(', ')} |`)
    const lines: string[] = [comment(`${at}.${t.name}`)]
    for (const [i, e] of EVENTS.entries()) {
      const trigger = names[i]!.name
      const row = (column: string) => `${e.row}.${id(column)}`
      const key = t.primaryKey.length ? `CONCAT_WS(',', ${t.primaryKey.map(row).join(', ')})` : "''"
      const payload = `JSON_OBJECT(${t.columns.map((c) => `${lit(c.name)}, ${row(c.name)}`).join(', ')})`
      // IF NOT EXISTS: up.sql re-runs after a partial apply (no transactional DDL). A trigger of
      // that name that is not the outbox's is never adopted: verify.sql fails and down.sql leaves it.
      lines.push(`CREATE TRIGGER IF NOT EXISTS ${sql.q(at, trigger)} AFTER ${e.event} ON ${rel} FOR EACH ROW
  INSERT INTO ${outbox} (aggregate_type, aggregate_id, event_type, payload)
  VALUES (${lit(t.name)}, ${key}, ${lit(`${t.name}.${e.type}`)}, ${payload});`)
      drops.push(sql.when(ours(at, trigger), `DROP TRIGGER ${sql.q(at, trigger)}`))
      checks.push(sql.failWhen(`NOT ${ours(at, trigger)}`, `${at}.${t.name} has no outbox trigger ${trigger} writing into ${label}`))
    }
    creates.push(lines.join('\n'))
  }
  // The functional check: a no-op UPDATE of one row must add one event; the transaction is rolled back.
  const probe = tables.find((t) => t.primaryKey.length > 0)
  const probeBlock = probe
    ? (() => {
        const rel = sql.q(locator.schemaOf(probe), probe.name)
        const col = id((probe.columns.find((c) => !c.generated) ?? probe.columns[0]!).name)
        return `
${comment(`A no-op UPDATE of one row of ${locator.schemaOf(probe)}.${probe.name} must add an event; then rolled back.`)}
START TRANSACTION;
SELECT COUNT(*) INTO @carve_before FROM ${outbox};
SELECT EXISTS (SELECT 1 FROM ${rel}) INTO @carve_rows;
UPDATE ${rel} SET ${col} = ${col} LIMIT 1;
SELECT COUNT(*) INTO @carve_after FROM ${outbox};
ROLLBACK;
${sql.failWhen('@carve_rows AND @carve_after <= @carve_before', `an update of ${locator.schemaOf(probe)}.${probe.name} added no event to ${label}`)}`
      })()
    : ''
  const up = `${header(`Step: an outbox for context ${ctx.name}, fed by triggers on its tables`)}
-- A table of that name that this plan did not create is never adopted (rollback would drop it).
${sql.check(`CASE WHEN ${sql.relationExists(db, name, 'any')} AND NOT ${marked} THEN ${lit(truncate(`carve: ${label} exists and was not created by this plan`))} END`)}
CREATE TABLE IF NOT EXISTS ${outbox} (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  aggregate_type VARCHAR(64) NOT NULL,
  aggregate_id TEXT NOT NULL,
  event_type VARCHAR(80) NOT NULL,
  payload JSON NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin COMMENT = ${lit(truncate(`${OUTBOX_MARK} events of context ${ctx.name} (owner: ${ctx.owner}); a relay publishes and deletes them`, 1000))};
GRANT SELECT, DELETE ON ${outbox} TO ${id(ctx.role)};

${creates.join('\n\n')}
`
  const down = `${header(`Undo: the outbox of context ${ctx.name}`)}
${drops.join('\n')}
${sql.revokeHeld(ctx.role, db, name, ['SELECT', 'DELETE'])}
${sql.when(marked, `DROP TABLE ${outbox}`)}
`
  const verify = `${header(`Verify: the outbox of context ${ctx.name} exists and receives events`)}
${sql.failWhen(`NOT ${marked}`, `the outbox ${label} does not exist`)}
${checks.join('\n')}${probeBlock}
`
  const readme = stepReadme('outbox', {
    title: `An outbox for ${code(ctx.name)} (level 3 → 4)`,
    what: `Creates ${code(label)} and three row triggers per table (\`AFTER INSERT\`, \`AFTER UPDATE\`, \`AFTER DELETE\`) on ${plural(tables.length, 'table')}: every committed change becomes an event \`<table>.created|updated|deleted\` with the row as JSON payload (\`JSON_OBJECT\`; \`OLD\` for a delete) and the primary key as aggregate id. The events are listed in [contexts/${ctx.name}/events.md](${linkFromStep(ctx.name, `contexts/${ctx.name}/events.md`)}). A relay (Debezium's outbox router, or a small poller that publishes and deletes in order) moves them to the broker.\n\n| table | triggers |\n|---|---|\n${triggerRows.join('\n')}\n\nWhat differs from PostgreSQL: MySQL has no trigger firing on several events and no trigger function, so each table gets three triggers with the payload spelled out column by column (a column added later is not in the payload until the triggers are re-created); the triggers run as their DEFINER (the applying account), so writers need no grant on the outbox. A table's own triggers stay: MySQL 5.7.2+ and MariaDB 10.2.3+ allow several triggers per event and timing (the outbox's run after the ones created before them). \`payload\` is \`JSON\` (on MariaDB an alias of \`LONGTEXT\` checked with \`JSON_VALID\`).`,
    why: 'Other services react to changes through events instead of reading or polling the tables (concepts: react to a change → subscribe to its events).',
    risk: 'Each write to these tables also inserts one outbox row (a few percent more write latency). The outbox grows until a relay drains it. MySQL has no transactional DDL: between two `CREATE TRIGGER` statements some tables already emit events and others not yet; a failed apply is cleaned up by `down.sql` (idempotent).',
    lock: 'a short exclusive metadata lock on each table while its triggers are created or dropped (milliseconds; waits at most `lock_wait_timeout`, set by the executor)',
    duration: 'under a second',
    rollback: '`down.sql` drops the outbox triggers (only triggers of these names that write into this outbox), revokes the owner\'s grants on the outbox and drops it (only a table carrying the outbox mark in its comment; undelivered events are lost — drain the relay first). Roll back before the move step: MySQL refuses to move a table that has triggers it does not know about back.',
  })
  return {
    key: `outbox-${ctx.name}`,
    title: `An outbox for ${ctx.name}`,
    context: ctx.name,
    kind: 'outbox',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: false,
    locks: tables.map((t) => `${locator.schemaOf(t)}.${t.name}`),
    up,
    down,
    verify,
    readme,
  }
}

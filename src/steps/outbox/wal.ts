/**
 * →4 with WAL delivery (the default outbox): a publication over the context's event tables and
 * nothing in the application's transactions — no trigger, no outbox row. The events are read
 * from the write-ahead log by logical decoding (`pgoutput`): in production by Debezium's
 * PostgreSQL connector (its configuration is generated per context beside the AsyncAPI
 * document), without Kafka by `carve relay`. Both need the server at wal_level=logical; the
 * step itself does not (a publication can exist before that), so the plan applies anywhere and
 * the reader says clearly what is missing.
 */
import type {ContextSpec, PlanInput} from '../../plan/context.js'
import {linkFromStep} from '../../plan/plan-paths.js'
import {code, header, Locator, lockTablesUpFront, stepReadme, type LockTarget} from '../common.js'
import {createPublicationSql, debeziumSlot, dropPublicationSql, eventsPublication, publicationCoversChecks, relaySlot, type PublishedTable} from './publication.js'
import type {StepDraft} from '../draft.js'
import {doBlock} from '../../plan/quote.js'

/** The marker at the start of the publication's comment: down drops only a publication carrying it. */
export const EVENTS_PUBLICATION_MARK = 'carve:events'

export function publishedTables(tables: ContextSpec['tables'], locator: Locator): PublishedTable[] {
  return tables.map((t) => ({schema: locator.schemaOf(t.table), name: t.table.name, key: t.table.primaryKey, partitioned: t.table.kind === 'partitioned'}))
}

export function outboxWalStep(ctx: ContextSpec, _input: PlanInput, locator: Locator, dependsOn: string[], tables: ContextSpec['tables']): StepDraft {
  const published = publishedTables(tables, locator)
  const publication = eventsPublication(ctx.name)
  const keyless = tables.filter((t) => t.table.primaryKey.length === 0)
  // ALTER TABLE … REPLICA IDENTITY takes ACCESS EXCLUSIVE; CREATE PUBLICATION only SHARE UPDATE
  // EXCLUSIVE (writes go on), so only tables without a key are locked up front.
  const lockOf = (t: (typeof tables)[number]): LockTarget => ({at: locator.at(t.table), schema: t.table.schema, name: t.table.name, mode: 'ACCESS EXCLUSIVE'})
  const up = `${header(`Step: events of context ${ctx.name} from the WAL (publication ${publication}, no trigger)`)}
${lockTablesUpFront(keyless.map(lockOf))}-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
${createPublicationSql(publication, published, EVENTS_PUBLICATION_MARK)}`
  const down = `${header(`Undo: the events publication of context ${ctx.name}`, ['drops the relay\'s slot too when no reader holds it (a slot left behind keeps WAL forever)'])}
${lockTablesUpFront(keyless.map(lockOf))}${dropPublicationSql(publication, EVENTS_PUBLICATION_MARK, [relaySlot(ctx.name)])}
`
  const verify = `${header(`Verify: publication ${publication} covers every event table of context ${ctx.name}`)}
${doBlock(`BEGIN\n${publicationCoversChecks(publication, published)}\nEND`)}
`
  const readme = stepReadme('outbox', {
    title: `Events for ${code(ctx.name)} from the WAL (level 3 → 4)`,
    what: `Creates publication ${code(publication)} over ${tables.length} table${tables.length === 1 ? '' : 's'}${keyless.length ? ` (and \`REPLICA IDENTITY FULL\` on ${keyless.map((t) => code(t.table.name)).join(', ')}, which ha${keyless.length === 1 ? 's' : 've'} no primary key: without it PostgreSQL would reject their updates and deletes once published)` : ''}. Nothing is added to the application's transactions: every committed change is read from the write-ahead log by logical decoding with \`pgoutput\` and becomes an event \`<table>.created|updated|deleted\` in the outbox's shape (listed in [contexts/${ctx.name}/events.md](${linkFromStep(ctx.name, `contexts/${ctx.name}/events.md`)})). Readers: Debezium's PostgreSQL connector ([contexts/${ctx.name}/api/debezium-postgres.json](${linkFromStep(ctx.name, `contexts/${ctx.name}/api/debezium-postgres.json`)}), slot ${code(debeziumSlot(ctx.name))}) or, without Kafka, \`carve relay --context ${ctx.name}\` (slot ${code(relaySlot(ctx.name))}, created on its first start).`,
    why: 'Other services react to changes through events instead of reading or polling the tables, and the application pays nothing for it: a pgbench TPC-B transaction costs the server the same CPU with this publication as without (1.04×), against 0.70–0.72× with a trigger outbox (BENCHMARKS.md, rows outbox). For events written in the same transaction as the change (an in-transaction outbox), plan with `--outbox trigger`.',
    risk: 'Needs the server at `wal_level = logical` for a reader to start (a restart; the step applies without it). A slot whose reader stops keeps WAL on the server until it resumes: watch `pg_replication_slots` (`wal_status`, retained bytes) and set `max_slot_wal_keep_size`. Events start when the reader first creates its slot.',
    lock: `SHARE UPDATE EXCLUSIVE on each table while the publication is created (writes go on)${keyless.length ? '; ACCESS EXCLUSIVE, taken first in one order by table name, on the tables without a primary key for `REPLICA IDENTITY FULL`' : ''} — milliseconds`,
    duration: 'under a second',
    rollback: `\`down.sql\` drops the publication (only one carrying Carve's mark), puts back the default replica identity of the tables it changed, and drops the relay's slot ${code(relaySlot(ctx.name))} when no reader is attached — stop \`carve relay\` first; a running one fails the rollback. Debezium's slot ${code(debeziumSlot(ctx.name))} belongs to the connector: delete the connector (or set \`slot.drop.on.stop\`) before rolling back.`,
  })
  return {
    key: `outbox-${ctx.name}`,
    title: `Events for ${ctx.name} from the WAL`,
    context: ctx.name,
    kind: 'outbox',
    level: {from: 3, to: 4},
    dependsOn,
    transactional: true,
    // CREATE PUBLICATION locks every table (SHARE UPDATE EXCLUSIVE: writes go on, DDL and VACUUM wait).
    locks: tables.map((t) => `${locator.schemaOf(t.table)}.${t.table.name}`),
    up,
    down,
    verify,
    readme,
  }
}

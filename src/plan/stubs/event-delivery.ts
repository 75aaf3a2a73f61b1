/**
 * The parts of a context's events page (templates/events.md) that depend on how events leave
 * the database: read from the WAL (the default) or written by triggers into an outbox table; and
 * who reads them — Debezium's PostgreSQL connector, carve relay, and on MySQL/MariaDB the binlog
 * through Debezium's MySQL connector. Pure markdown.
 */
import type {ContextSpec, PlanInput} from '../context.js'
import {planDialect} from '../dialects/index.js'
import {inlineCode} from '../markdown.js'
import {eventTables, outboxDelivery, outboxName} from '../../steps/outbox/postgres.js'
import {debeziumSlot, eventsPublication, relaySlot, replicationName} from '../../steps/outbox/publication.js'
import {secretsFile} from './debezium.js'

export interface EventDeliveryFields {
  delivery: string
  idMeaning: string
  payloadMeaning: string
  readers: string
}

export function eventDeliveryFields(ctx: ContextSpec, input: PlanInput): EventDeliveryFields {
  // Without logical decoding (MySQL/MariaDB) events come only from a trigger outbox.
  const wal = planDialect(input.catalog.database.engine).logicalDecoding && outboxDelivery(input) === 'wal'
  const outbox = inlineCode(`${ctx.schema}.${outboxName(ctx, input)}`)
  const delivery = wal
    ? `Every committed change to a table of ${ctx.name} becomes an event read from PostgreSQL's write-ahead log
(publication ${inlineCode(eventsPublication(ctx.name))}, logical decoding with \`pgoutput\`): nothing is added to the
application's transactions. Debezium's PostgreSQL connector delivers them to Kafka; without Kafka,
\`carve relay --context ${ctx.name}\` writes them as JSON Lines in the shape below (see *Reading the
events*). Consumers subscribe to these events instead of reading the tables.`
    : `Every committed change to a table of ${ctx.name} adds one row to the outbox ${outbox} in the
same transaction, so an event exists exactly when the change committed. A relay (Debezium's
outbox router, or a poller that publishes in \`id\` order and deletes what it published) moves
them to the broker. Consumers subscribe to these events instead of reading the tables.`
  return {
    delivery,
    idMeaning: wal
      ? 'position in the WAL (`<commit LSN>-<index>`, text): increasing in commit order, the same for the same change — deduplicate by it'
      : 'position: events of one aggregate are published in this order',
    payloadMeaning: wal
      ? 'the row as JSON: the new row (a large value an update did not change is left out), or for `deleted` the key (the whole old row for a table without a key)'
      : 'the row as JSON: the new row, or the old one for `deleted`',
    readers: eventTables(ctx).length ? `## Reading the events\n\n${readers(ctx, input, wal)}` : '',
  }
}

function readers(ctx: ContextSpec, input: PlanInput, wal: boolean): string {
  const name = ctx.name
  const debezium = planDialect(input.catalog.database.engine).logicalDecoding
    ? `### Kafka: Debezium's PostgreSQL connector

[\`api/debezium-postgres.json\`](api/debezium-postgres.json) is the connector's configuration (Kafka Connect,
Debezium 2.6 or newer): \`curl -X POST -H 'Content-Type: application/json' --data @api/debezium-postgres.json
http://connect:8083/connectors\`. It holds no credentials: the worker reads them from
${inlineCode(secretsFile(ctx))} (keys \`database.hostname\`, \`database.port\`, \`database.user\`,
\`database.password\`, \`database.dbname\`) once it has \`config.providers=file\` and
\`config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider\`. The
connector's role needs \`REPLICATION\` and \`SELECT\` on the tables; the server, \`wal_level = logical\`.
It reads through slot ${inlineCode(debeziumSlot(name))} from the moment it first starts (\`snapshot.mode: no_data\`).

${wal
    ? `It reads publication ${inlineCode(eventsPublication(name))} (made by the plan: \`publication.autocreate.mode: disabled\`).
Each table's changes go to topic \`${name}.<table>\` (the AsyncAPI channel), keyed by the primary key; the
value is the row (\`ExtractNewRecordState\`) with \`__op\` (\`c\` created, \`u\` updated, \`d\` deleted),
\`__table\`, \`__lsn\` and \`__source_ts_ms\` added — the event type is \`<table>.created|updated|deleted\`.`
    : `It reads only the outbox ${inlineCode(`${ctx.schema}.${outboxName(ctx, input)}`)}; Debezium's outbox event router sends each row
to topic \`${name}.<aggregate_type>\`, keyed by \`aggregate_id\`, with the payload as the value and \`id\`,
\`eventType\` and \`aggregateType\` as headers. The rows stay in the outbox once read from the WAL:
delete old ones on a schedule (\`DELETE FROM ${ctx.schema}.${outboxName(ctx, input)} WHERE created_at < now() - interval '1 day'\`).`}`
    : ''
  const relay = wal
    ? `### Without Kafka: carve relay

\`\`\`sh
carve relay --context ${name} --db "$DATABASE_URL" --sink file:${replicationName('', name)}-events.jsonl   # follows until Ctrl-C
carve relay --context ${name} --sink stdout --once                                  # what is there now, then exit
\`\`\`

It creates slot ${inlineCode(relaySlot(name))} on its first start, writes whole transactions as JSON Lines in the
shape above and moves the slot past them only once they are written: killed and restarted, it
loses nothing, and into a file it writes nothing twice. One relay per context. A slot nobody reads
keeps WAL on the server: rolling back the plan's outbox step drops it (stop the relay first).`
    : ''
  const binlog = `### MySQL / MariaDB: the binlog

The same delivery without triggers on MySQL or MariaDB reads the binary log with Debezium's MySQL
connector (\`io.debezium.connector.mysql.MySqlConnector\`; MariaDB: \`io.debezium.connector.mariadb.MariaDbConnector\`
in Debezium 2.7+). The server needs \`log_bin\`, \`binlog_format = ROW\`, \`binlog_row_image = FULL\` and a
unique \`server_id\`; the connector's account \`SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE,
REPLICATION CLIENT\`. Its configuration: \`database.server.id\` (unique among the server's replicas),
\`topic.prefix\`, \`database.include.list\` (the context's database), \`table.include.list\` (its tables),
\`schema.history.internal.kafka.bootstrap.servers\` and \`schema.history.internal.kafka.topic\` (the
connector keeps the tables' DDL history there), \`snapshot.mode: no_data\`, credentials through the same
file provider, and the same \`unwrap\`/\`route\` transforms as the PostgreSQL file. A trigger outbox table on
MySQL is routed with the outbox event router exactly as above.`
  return [debezium, relay, binlog].filter(Boolean).join('\n\n')
}

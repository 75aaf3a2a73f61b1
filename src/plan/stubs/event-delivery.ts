/**
 * The parts of a context's events page (templates/events.md) that depend on how events leave
 * the database: read from the WAL (the default) or written by triggers into an outbox table; and
 * who reads them — Debezium's PostgreSQL connector, carve relay, and on MySQL/MariaDB the binlog
 * through Debezium's MySQL/MariaDB connector (or a trigger outbox). Pure markdown.
 */
import type {ContextSpec, PlanInput} from '../context.js'
import {planDialect} from '../dialects/index.js'
import {inlineCode} from '../markdown.js'
import {eventTables, outboxDelivery, outboxName} from '../../steps/outbox/postgres.js'
import {debeziumSlot, eventsPublication, relaySlot, replicationName} from '../../steps/outbox/publication.js'
import {secretsFile} from './debezium.js'
import {debeziumServerId, MARIADB_CONNECTOR, MYSQL_CONNECTOR} from './debezium-binlog.js'
import {debeziumBinlogFile, MYSQL_PUBLICATIONS_TABLE} from '../../steps/outbox/binlog.js'

export interface EventDeliveryFields {
  delivery: string
  idMeaning: string
  payloadMeaning: string
  readers: string
}

export function eventDeliveryFields(ctx: ContextSpec, input: PlanInput): EventDeliveryFields {
  // From the log (the default): PostgreSQL's WAL, or MySQL/MariaDB's binary log; else a trigger outbox.
  const fromLog = outboxDelivery(input) === 'wal'
  const wal = fromLog && planDialect(input.catalog.database.engine).logicalDecoding
  const binlog = fromLog && !wal
  const outbox = inlineCode(`${ctx.schema}.${outboxName(ctx, input)}`)
  const delivery = wal
    ? `Every committed change to a table of ${ctx.name} becomes an event read from PostgreSQL's write-ahead log
(publication ${inlineCode(eventsPublication(ctx.name))}, logical decoding with \`pgoutput\`): nothing is added to the
application's transactions. Debezium's PostgreSQL connector delivers them to Kafka; without Kafka,
\`carve relay --context ${ctx.name}\` writes them as JSON Lines in the shape below (see *Reading the
events*). Consumers subscribe to these events instead of reading the tables.`
    : binlog
    ? `Every committed change to a table of ${ctx.name} becomes an event read from the server's binary log
(publication ${inlineCode(eventsPublication(ctx.name))}, recorded in ${inlineCode(`${input.conventions.metaSchema}.${MYSQL_PUBLICATIONS_TABLE}`)}): nothing is added
to the application's transactions — no trigger, no outbox table. ${binlogReader(input)} delivers them to
Kafka (see *Reading the events*). Consumers subscribe to these events instead of reading the tables.`
    : `Every committed change to a table of ${ctx.name} adds one row to the outbox ${outbox} in the
same transaction, so an event exists exactly when the change committed. A relay (Debezium's
outbox router, or a poller that publishes in \`id\` order and deletes what it published) moves
them to the broker. Consumers subscribe to these events instead of reading the tables.`
  return {
    delivery,
    idMeaning: wal
      ? 'position in the WAL (`<commit LSN>-<index>`, text): increasing in commit order, the same for the same change — deduplicate by it'
      : binlog
      ? 'position in the binary log (the change\'s file and position, from Debezium\'s `source` block): increasing in commit order, the same for the same change — deduplicate by it'
      : 'position: events of one aggregate are published in this order',
    payloadMeaning: wal
      ? 'the row as JSON: the new row (a large value an update did not change is left out), or for `deleted` the key (the whole old row for a table without a key)'
      : 'the row as JSON: the new row, or the old one for `deleted`',
    readers: eventTables(ctx).length ? `## Reading the events\n\n${readers(ctx, input, wal)}` : '',
  }
}

function binlogReader(input: PlanInput): string {
  return input.catalog.database.flavor === 'mariadb' ? "Debezium's MariaDB connector" : "Debezium's MySQL connector"
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
  // A PostgreSQL plan says what the same delivery is on MySQL/MariaDB; a MySQL plan says how to run it.
  const binlog = planDialect(input.catalog.database.engine).logicalDecoding ? BINLOG_EQUIVALENT : binlogSection(ctx, input)
  return [debezium, relay, binlog].filter(Boolean).join('\n\n')
}

/** MySQL/MariaDB: Debezium's binlog connector and the file Carve generates for it. */
function binlogSection(ctx: ContextSpec, input: PlanInput): string {
  const file = debeziumBinlogFile(input.catalog.database.flavor === 'mariadb')
  const fromLog = outboxDelivery(input) === 'wal'
  const outbox = inlineCode(`${ctx.schema}.${outboxName(ctx, input)}`)
  return `### Kafka: ${binlogReader(input)}

[\`api/${file}\`](api/${file}) is the connector's configuration (Kafka Connect, Debezium 2.7 or newer;
\`connector.class\` ${inlineCode(input.catalog.database.flavor === 'mariadb' ? MARIADB_CONNECTOR : MYSQL_CONNECTOR)}):
\`curl -X POST -H 'Content-Type: application/json' --data @api/${file} http://connect:8083/connectors\`.
It holds no credentials: the worker reads them from ${inlineCode(secretsFile(ctx))} (keys
\`database.hostname\`, \`database.port\`, \`database.user\`, \`database.password\` and
\`schema.history.internal.kafka.bootstrap.servers\`, the Kafka servers of the connector's schema history topic)
once it has \`config.providers=file\` and
\`config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider\`. The server needs
\`log_bin\`, \`binlog_format = ROW\`, \`binlog_row_image = FULL\` and a non-zero \`server_id\` (the outbox step
refuses to apply without them); the connector's account \`SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE,
REPLICATION CLIENT\`. \`database.server.id\` (${inlineCode(String(debeziumServerId(input, ctx)))}) must differ from every server's and
replica's id; events start when the connector first starts (\`snapshot.mode: no_data\`).

${fromLog
    ? `It reads ${inlineCode(ctx.schema)} (\`database.include.list\`), only the context's tables (\`table.include.list\`).
Each table's changes go to topic \`${ctx.name}.<table>\` (the AsyncAPI channel), keyed by the primary key; the
value is the row (\`ExtractNewRecordState\`) with \`__op\` (\`c\` created, \`u\` updated, \`d\` deleted),
\`__table\` and \`__source_ts_ms\` added — the event type is \`<table>.created|updated|deleted\`.`
    : `It reads only the outbox ${outbox}; Debezium's outbox event router sends each row to topic
\`${ctx.name}.<aggregate_type>\`, keyed by \`aggregate_id\`, with the payload as the value and \`id\`, \`eventType\` and
\`aggregateType\` as headers. The rows stay in the outbox once read from the binary log: delete old ones on a
schedule (\`DELETE FROM ${ctx.schema}.${outboxName(ctx, input)} WHERE created_at < NOW() - INTERVAL 1 DAY\`).`}`
}

const BINLOG_EQUIVALENT = `### MySQL / MariaDB: the binlog

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

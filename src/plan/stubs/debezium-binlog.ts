/**
 * The Debezium connector configuration of a context's events on MySQL/MariaDB (Kafka Connect
 * JSON, for `POST /connectors`): the binary log is read by an existing engine, not by Carve.
 * MariaDB gets Debezium's MariaDB connector (Debezium 2.7+), MySQL its MySQL connector.
 *
 * - Binlog outbox (the default): the connector reads the context's tables, one topic per table
 *   renamed to the AsyncAPI channel `<context>.<table>`, each change unwrapped to the row with its
 *   operation (ExtractNewRecordState) — the same messages as the PostgreSQL WAL file.
 * - Trigger outbox (`--outbox trigger`): the connector reads only the outbox table and Debezium's
 *   outbox event router turns each row into a message on `<context>.<aggregate_type>`.
 *
 * No credentials and no addresses: host, port, user, password and the Kafka servers of the schema
 * history come from a properties file through Kafka Connect's FileConfigProvider. Pure data.
 */
import {createHash} from 'node:crypto'

import type {ContextSpec, PlanInput} from '../context.js'
import {eventTables, outboxDelivery, outboxName} from '../../steps/outbox/postgres.js'
import {replicationName} from '../../steps/outbox/publication.js'
import {changeEventRouter, exact, JSON_CONVERTERS, outboxRouter, secretsFile} from './debezium.js'

export const MYSQL_CONNECTOR = 'io.debezium.connector.mysql.MySqlConnector'
export const MARIADB_CONNECTOR = 'io.debezium.connector.mariadb.MariaDbConnector'

/**
 * The connector's `database.server.id`: it joins the server as a replica, so the id must differ
 * from every server's and replica's. Derived from plan and context (stable across re-plans) in
 * 5,400,000–5,499,999, a range real topologies rarely number servers in; change it if taken.
 */
export function debeziumServerId(input: PlanInput, ctx: ContextSpec): number {
  const h = createHash('sha256').update(`${input.name}\0${ctx.name}`).digest().readUInt32BE(0)
  return 5_400_000 + (h % 100_000)
}

export function debeziumBinlogConfig(ctx: ContextSpec, input: PlanInput): Record<string, unknown> {
  const secret = (key: string) => `\${file:${secretsFile(ctx)}:${key}}`
  const slug = replicationName('', ctx.name)
  const prefix = `carve.${slug}`
  const mariadb = input.catalog.database.flavor === 'mariadb'
  const common: Record<string, string> = {
    'connector.class': mariadb ? MARIADB_CONNECTOR : MYSQL_CONNECTOR,
    'tasks.max': '1',
    'database.hostname': secret('database.hostname'),
    'database.port': secret('database.port'),
    'database.user': secret('database.user'),
    'database.password': secret('database.password'),
    'database.server.id': String(debeziumServerId(input, ctx)),
    'topic.prefix': prefix,
    'database.include.list': exact(ctx.schema),
    // Events start when the connector first starts: existing rows are not replayed as events.
    'snapshot.mode': 'no_data',
    // The connector keeps the captured tables' DDL history in Kafka to decode older binlog rows.
    'schema.history.internal.kafka.bootstrap.servers': secret('schema.history.internal.kafka.bootstrap.servers'),
    'schema.history.internal.kafka.topic': `${prefix}.schema-history`,
    'schema.history.internal.store.only.captured.tables.ddl': 'true',
    'include.schema.changes': 'false',
    ...JSON_CONVERTERS,
  }
  let config: Record<string, string>
  if (outboxDelivery(input) === 'wal') {
    config = {
      ...common,
      'table.include.list': eventTables(ctx).map((t) => exact(`${ctx.schema}.${t.table.name}`)).join(','),
      ...changeEventRouter(ctx, prefix, 'op,table,source.ts_ms'),
    }
  } else {
    config = {
      ...common,
      'table.include.list': exact(`${ctx.schema}.${outboxName(ctx, input)}`),
      ...outboxRouter(ctx),
    }
  }
  return {name: `carve-${input.name}-${ctx.name}`, config}
}

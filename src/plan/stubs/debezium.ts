/**
 * The Debezium PostgreSQL connector configuration of a context's events (Kafka Connect JSON, for
 * `POST /connectors`): in production the WAL is read by an existing engine, not by Carve.
 *
 * - WAL outbox (the default): the connector reads the plan's publication over the context's
 *   tables (`publication.autocreate.mode: disabled` — the plan made it), one topic per table
 *   renamed to the AsyncAPI channel `<context>.<table>`, each change unwrapped to the row with its
 *   operation (ExtractNewRecordState).
 * - Trigger outbox (`--outbox trigger`): the connector reads only the outbox table and Debezium's
 *   outbox event router turns each row into a message on `<context>.<aggregate_type>`, keyed by
 *   the aggregate id, the payload expanded from JSON.
 *
 * No credentials: host, port, user, password and database come from a properties file through
 * Kafka Connect's FileConfigProvider (`config.providers=file` in the worker). Pure, plain data.
 */
import type {ContextSpec, PlanInput} from '../context.js'
import {eventTables, outboxDelivery, outboxName} from '../../steps/outbox/postgres.js'
import {debeziumSlot, eventsPublication, replicationName} from '../../steps/outbox/publication.js'

/** Where the worker reads the connection settings; the operator writes this file, never the plan. */
export function secretsFile(ctx: ContextSpec): string {
  return `/etc/kafka-connect/secrets/carve-${replicationName('', ctx.name)}.properties`
}

/** A Java regular expression matching exactly this text (Debezium's include lists are regexes). */
/**
 * Debezium's outbox event router over Carve's outbox table (the same columns on every engine):
 * one topic per aggregate type under the context's name, the event type and aggregate type as
 * headers, the JSON payload expanded.
 */
export function outboxRouter(ctx: ContextSpec): Record<string, string> {
  return {
    transforms: 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.table.field.event.id': 'id',
    'transforms.outbox.table.field.event.key': 'aggregate_id',
    'transforms.outbox.table.field.event.payload': 'payload',
    'transforms.outbox.table.field.event.timestamp': 'created_at',
    'transforms.outbox.table.fields.additional.placement': 'event_type:header:eventType,aggregate_type:header:aggregateType',
    'transforms.outbox.route.by.field': 'aggregate_type',
    'transforms.outbox.route.topic.replacement': `${ctx.name}.\${routedByValue}`,
    'transforms.outbox.table.expand.json.payload': 'true',
  }
}

/**
 * Change events of the context's tables: each change unwrapped to the row (with the named source
 * fields added: PostgreSQL adds its `lsn`) and routed to the AsyncAPI channel `<context>.<table>`.
 */
export function changeEventRouter(ctx: ContextSpec, topicPrefix: string, sourceFields: string): Record<string, string> {
  return {
    transforms: 'unwrap,route',
    'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    'transforms.unwrap.add.fields': sourceFields,
    'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite',
    'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
    'transforms.route.regex': `${exact(`${topicPrefix}.${ctx.schema}.`)}(.*)`,
    'transforms.route.replacement': `${ctx.name}.$1`,
  }
}

/** Keys and values as plain JSON (no embedded schemas): what the AsyncAPI documents describe. */
export const JSON_CONVERTERS: Readonly<Record<string, string>> = {
  'tombstones.on.delete': 'false',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': 'false',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
}

export function exact(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`)
}

export function debeziumPostgresConfig(ctx: ContextSpec, input: PlanInput): Record<string, unknown> {
  const secret = (key: string) => `\${file:${secretsFile(ctx)}:${key}}`
  const prefix = `carve.${replicationName('', ctx.name)}`
  const common: Record<string, string> = {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': secret('database.hostname'),
    'database.port': secret('database.port'),
    'database.user': secret('database.user'),
    'database.password': secret('database.password'),
    'database.dbname': secret('database.dbname'),
    'plugin.name': 'pgoutput',
    'slot.name': debeziumSlot(ctx.name),
    'topic.prefix': prefix,
    // Events start when the connector first starts: existing rows are not replayed as events.
    'snapshot.mode': 'no_data',
    ...JSON_CONVERTERS,
  }
  const tables = eventTables(ctx)
  let config: Record<string, string>
  if (outboxDelivery(input) === 'wal') {
    config = {
      ...common,
      'publication.name': eventsPublication(ctx.name),
      'publication.autocreate.mode': 'disabled',
      'table.include.list': tables.map((t) => exact(`${ctx.schema}.${t.table.name}`)).join(','),
      ...changeEventRouter(ctx, prefix, 'op,table,lsn,source.ts_ms'),
    }
  } else {
    config = {
      ...common,
      // The connector creates a publication of the outbox table alone (its role needs CREATE on the database).
      'publication.name': `${debeziumSlot(ctx.name)}_outbox`,
      'publication.autocreate.mode': 'filtered',
      'table.include.list': exact(`${ctx.schema}.${outboxName(ctx, input)}`),
      ...outboxRouter(ctx),
    }
  }
  return {name: `carve-${input.name}-${ctx.name}`, config}
}

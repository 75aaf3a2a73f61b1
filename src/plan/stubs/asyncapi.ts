/**
 * The AsyncAPI 3.0 document of a context's events: what its outbox emits, for consumers to code
 * against and for tooling (AsyncAPI Studio, generators, contract tests). One channel per live
 * table (`<context>.<table>`), three messages each (`<table>.created|updated|deleted`), the
 * outbox envelope as the message and the row as its payload — typed the way PostgreSQL's
 * to_jsonb renders it (the trigger outbox's payload, and carve relay's from the WAL), not the way
 * the API serialises it. The envelope's id and what a row always carries depend on the delivery.
 * Pure, plain data; the caller stringifies.
 */
import type {Column} from '../../introspect/model.js'
import type {ContextSpec, OwnedTable, PlanInput} from '../context.js'
import {eventTables, outboxDelivery, outboxName, type OutboxDelivery} from '../../steps/outbox/postgres.js'
import {eventsPublication} from '../../steps/outbox/publication.js'
import {debeziumBinlogFile} from '../../steps/outbox/binlog.js'
import {planDialect} from '../dialects/index.js'
import {UniqueNames, pascal} from './names.js'
import type {JsonSchema} from './types.js'

export const EVENT_TYPES = ['created', 'updated', 'deleted'] as const

/** The JSON to_jsonb(row) gives a column: integers and decimals as numbers, times as ISO strings. */
export function eventColumnSchema(column: Column): JsonSchema {
  const type = column.type.toLowerCase()
  let schema: JsonSchema
  if (type.endsWith('[]')) schema = {type: 'array', items: eventColumnSchema({...column, type: type.slice(0, -2), nullable: true})}
  else if (/^(smallint|integer|bigint|int2|int4|int8|smallserial|serial|bigserial)$/.test(type)) schema = {type: 'integer'}
  else if (/^(numeric|decimal|real|double precision|float4|float8)/.test(type)) schema = {type: ['number', 'string'], description: 'A number; "NaN" / "Infinity" arrive as strings.'}
  else if (type === 'boolean') schema = {type: 'boolean'}
  else if (type === 'json' || type === 'jsonb') schema = {description: 'Any JSON value, as stored.'}
  else if (type.startsWith('timestamp')) schema = {type: 'string', format: 'date-time'}
  else if (type === 'date') schema = {type: 'string', format: 'date'}
  else if (type === 'uuid') schema = {type: 'string', format: 'uuid'}
  else if (type === 'bytea') schema = {type: 'string', pattern: '^\\\\x[0-9a-f]*$', description: 'Bytes in PostgreSQL hex form (\\x…).'}
  else schema = {type: 'string'}
  if (column.comment) schema.description = [column.comment, schema.description].filter(Boolean).join(' ')
  if (column.nullable) {
    if (Array.isArray(schema.type)) schema.type = [...(schema.type as string[]), 'null']
    else if (typeof schema.type === 'string') schema.type = [schema.type, 'null']
  }
  return schema
}

function rowSchema(t: OwnedTable, delivery: OutboxDelivery): JsonSchema {
  const columns = [...t.table.columns].sort((a, b) => a.position - b.position)
  // From the WAL, a delete carries the key only (the whole old row for a table without one) and an
  // update leaves out large (TOASTed) values it did not change: only the key is always there.
  const wal = delivery === 'wal' && t.table.primaryKey.length > 0
  return {
    type: 'object',
    description: wal
      ? `A row of ${t.table.name}: after the change (created, updated; an unchanged large value is left out) or its key (deleted).`
      : `A row of ${t.table.name}: after the change (created, updated) or before it (deleted).`,
    properties: Object.fromEntries(columns.map((c) => [c.name, eventColumnSchema(c)])),
    required: wal ? [...t.table.primaryKey] : columns.map((c) => c.name),
  }
}

function envelope(t: OwnedTable, rowRef: string, delivery: OutboxDelivery): JsonSchema {
  const key = t.table.primaryKey
  return {
    type: 'object',
    description: delivery === 'wal'
      ? `One event: the change of one ${t.table.name} row, read from the write-ahead log once its transaction committed.`
      : `One row of the outbox: the change of one ${t.table.name} row, committed in the same transaction as the change.`,
    properties: {
      id: delivery === 'wal'
        ? {type: 'string', pattern: '^[0-9A-F]{16}-[0-9]{6,}$', description: 'The position in the WAL (commit LSN, index in the transaction): increasing in commit order; the same change always has the same id.'}
        : {type: 'integer', description: 'The outbox sequence: increasing in commit order within one outbox.'},
      aggregate_type: {const: t.table.name},
      aggregate_id: {type: 'string', description: key.length ? `The primary key (${key.join(', ')})${key.length > 1 ? ', joined with "," in key order' : ''}.` : 'Empty: the table has no primary key.'},
      event_type: {type: 'string', enum: EVENT_TYPES.map((e) => `${t.table.name}.${e}`)},
      payload: {$ref: rowRef},
      created_at: {type: 'string', format: 'date-time'},
    },
    required: ['id', 'aggregate_type', 'aggregate_id', 'event_type', 'payload', 'created_at'],
  }
}

export function asyncApiDocument(ctx: ContextSpec, input: PlanInput): JsonSchema {
  const live = eventTables(ctx)
  const delivery = outboxDelivery(input)
  const names = new UniqueNames([], () => [], (base, n) => `${base}${n}`)
  const channels: JsonSchema = {}
  const operations: JsonSchema = {}
  const messages: JsonSchema = {}
  const schemas: JsonSchema = {}
  for (const t of live) {
    const type = names.take(pascal(t.table.name) || 'Table')
    schemas[`${type}Row`] = rowSchema(t, delivery)
    schemas[`${type}Event`] = envelope(t, `#/components/schemas/${type}Row`, delivery)
    const channelMessages: JsonSchema = {}
    for (const e of EVENT_TYPES) {
      const id = `${type}${pascal(e)}`
      messages[id] = {
        name: `${t.table.name}.${e}`,
        title: `${t.table.name} ${e}`,
        summary: `A ${t.table.name} row was ${e === 'created' ? 'inserted' : e === 'updated' ? 'updated' : 'deleted'}.`,
        contentType: 'application/json',
        payload: {$ref: `#/components/schemas/${type}Event`},
      }
      channelMessages[e] = {$ref: `#/components/messages/${id}`}
    }
    channels[type] = {
      address: `${ctx.name}.${t.table.name}`,
      title: `${t.table.name} changes`,
      description: `Every committed change of ${ctx.schema}.${t.table.name}, in commit order per aggregate id.`,
      messages: channelMessages,
    }
    operations[`publish${type}`] = {
      action: 'send',
      title: `${ctx.owner} publishes ${t.table.name} changes`,
      channel: {$ref: `#/channels/${type}`},
      messages: EVENT_TYPES.map((e) => ({$ref: `#/channels/${type}/messages/${e}`})),
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: `${ctx.name} events`,
      version: '0.1.0',
      description: [
        `The events of the ${ctx.name} context, published by its owner ${ctx.owner}. ${ctx.description}`.trim(),
        delivery === 'wal' && !planDialect(input.catalog.database.engine).logicalDecoding
          ? `Generated by Carve (plan "${input.name}"): every committed change of the context's tables, read from the server's binary log by Debezium's ${input.catalog.database.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} connector (api/${debeziumBinlogFile(input.catalog.database.flavor === 'mariadb')}). Nothing is added to the application's transactions. Delivery is at least once: consumers deduplicate by the change's binary log position.`
          : delivery === 'wal'
          ? `Generated by Carve (plan "${input.name}"): every committed change of the context's tables, read from the write-ahead log (publication ${eventsPublication(ctx.name)}, logical decoding with pgoutput) by Debezium's PostgreSQL connector (api/debezium-postgres.json) or carve relay, which writes this envelope. Nothing is added to the application's transactions. Delivery is at least once: consumers deduplicate by the envelope's id.`
          : `Generated by Carve (plan "${input.name}"): rows of the outbox ${ctx.schema}.${outboxName(ctx, input)}, filled by triggers in the writing transaction and moved to the broker by a relay (Debezium's outbox router — api/${planDialect(input.catalog.database.engine).logicalDecoding ? 'debezium-postgres.json' : debeziumBinlogFile(input.catalog.database.flavor === 'mariadb')} —, or a poller that publishes and deletes in order). Delivery is at least once: consumers deduplicate by the envelope's id.`,
      ].join('\n\n'),
      license: {name: 'Proprietary: the owner of the database decides'},
      tags: [{name: ctx.name}],
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {messages, schemas},
  }
}

/**
 * Database column types → JSON Schema (OpenAPI 3.1) and TypeScript types, for PostgreSQL and
 * MySQL/MariaDB type names as the catalog prints them; the names only one engine has (MySQL's
 * `tinyint(1)`, `enum(…)`) are its plan dialect's (`apiType`, plan/dialects/).
 *
 * Values travel the way node-postgres returns them, so the contract matches what the generated
 * server actually sends: 64-bit integers and decimals as strings (a JSON number would lose
 * digits), dates as `YYYY-MM-DD`, binary data as base64.
 */
import type {Catalog, Column} from '../../introspect/model.js'
import {planDialect} from '../dialects/index.js'
import {BINARY, BOOLEAN, DECIMAL, INT32, INT64, JSON_ANY, type JsonSchema, type MappedType, num, str, TEXT, tsUnion} from './type-shapes.js'

export type {InputKind, JsonSchema, MappedType} from './type-shapes.js'

/** Names of the base type (modifiers and array brackets removed), lower-case. */
function baseName(type: string): string {
  return type
    .replace(/\[\]$/g, '')
    .replace(/\([^)]*\)/g, '')
    .replace(/\s+unsigned|\s+zerofill/gi, '')
    .trim()
    .toLowerCase()
}

/** `(n)` of varchar(n)/char(n), when there is one. */
function lengthOf(type: string): number | undefined {
  const m = /^\s*(character varying|varchar|character|char|bpchar|nvarchar|nchar)\s*\((\d+)\)/i.exec(type)
  return m ? Number(m[2]) : undefined
}

/** An enum type of the catalog the column uses: `status`, `public.status` or `"My Status"`. */
function findEnum(catalog: Catalog, type: string): string[] | null {
  const bare = type.replace(/\[\]$/, '')
  const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s)
  for (const e of catalog.enums) {
    const names = [e.name, `${e.schema}.${e.name}`]
    if (names.includes(bare) || names.includes(unquote(bare)) || bare === `${e.schema}.${JSON.stringify(e.name)}`) return e.values
  }
  return null
}

/** A type that is not an array. */
function scalar(type: string, catalog: Catalog): MappedType {
  const base = baseName(type)
  const own = planDialect(catalog.database.engine).apiType(type, base)
  if (own) return own
  switch (base) {
    case 'smallint':
    case 'int2':
    case 'smallserial':
      return {schema: {type: 'integer', format: 'int32', minimum: -32768, maximum: 32767}, ts: 'number', input: 'value'}
    case 'integer':
    case 'int':
    case 'int4':
    case 'serial':
    case 'tinyint':
    case 'mediumint':
    case 'year':
      return INT32
    case 'bigint':
    case 'int8':
    case 'bigserial':
      return INT64
    case 'numeric':
    case 'decimal':
    case 'money':
      return DECIMAL
    case 'real':
    case 'float4':
    case 'float':
      return num('float')
    case 'double precision':
    case 'float8':
    case 'double':
      return num('double')
    case 'boolean':
    case 'bool':
      return BOOLEAN
    case 'uuid':
      return str('uuid')
    case 'date':
      return str('date')
    case 'timestamp with time zone':
    case 'timestamptz':
    case 'datetime':
      return str('date-time')
    // PostgreSQL's plain timestamp has no zone at all (MySQL's, UTC-based, is its dialect's).
    case 'timestamp':
    case 'timestamp without time zone':
      return {schema: {type: 'string', description: 'Date and time without a time zone, as stored.'}, ts: 'string', input: 'value'}
    case 'time':
    case 'time without time zone':
    case 'time with time zone':
    case 'timetz':
      return str('time')
    case 'interval':
      return {schema: {type: 'string', description: 'A PostgreSQL interval, e.g. "1 day 02:00:00".'}, ts: 'string', input: 'value'}
    case 'json':
    case 'jsonb':
      return JSON_ANY
    case 'bytea':
    case 'blob':
    case 'tinyblob':
    case 'mediumblob':
    case 'longblob':
    case 'binary':
    case 'varbinary':
      return BINARY
    case 'character varying':
    case 'varchar':
    case 'character':
    case 'char':
    case 'bpchar':
    case 'nvarchar':
    case 'nchar': {
      const max = lengthOf(type)
      return max === undefined ? TEXT : {schema: {type: 'string', maxLength: max}, ts: 'string', input: 'value'}
    }
    default: {
      const values = findEnum(catalog, type)
      if (values) return {schema: {type: 'string', enum: values}, ts: tsUnion(values), input: 'value'}
      // text, citext, inet, cidr, macaddr, xml, tsvector, geometry, …: their text form.
      return TEXT
    }
  }
}

/** The column's type without its nullability. */
export function mapType(type: string, catalog: Catalog): MappedType {
  const m = /^(.*?)((?:\[\])+)$/.exec(type.trim())
  if (m) {
    // node-postgres parses arrays of built-in types into JS arrays; json arrays stay json.
    const item = scalar(m[1]!, catalog)
    if (item.input === 'json') return JSON_ANY
    let mapped: MappedType = {schema: {type: 'array', items: item.schema}, ts: `${wrap(item.ts)}[]`, input: item.input}
    for (let depth = m[2]!.length / 2; depth > 1; depth--) mapped = {schema: {type: 'array', items: mapped.schema}, ts: `${mapped.ts}[]`, input: mapped.input}
    return mapped
  }
  return scalar(type, catalog)
}

function wrap(ts: string): string {
  return ts.includes('|') ? `(${ts})` : ts
}

/** Adds null to a schema: `type: [x, "null"]`, and null among enum values. */
export function withNull(schema: JsonSchema): JsonSchema {
  if (schema.type === undefined) return schema
  const out: JsonSchema = {...schema, type: Array.isArray(schema.type) ? [...(schema.type as string[]), 'null'] : [schema.type, 'null']}
  if (Array.isArray(schema.enum)) out.enum = [...(schema.enum as unknown[]), null]
  return out
}

export function tsWithNull(ts: string): string {
  return ts === 'unknown' ? ts : `${ts} | null`
}

/** The column's full JSON Schema: type, nullability, read-only, comment and database type. */
export function columnSchema(column: Column, catalog: Catalog, options: {readOnly?: boolean} = {}): JsonSchema {
  const mapped = mapType(column.type, catalog)
  const schema = column.nullable ? withNull(mapped.schema) : {...mapped.schema}
  const notes = [column.comment, mapped.schema.description].filter((d): d is string => typeof d === 'string' && d !== '')
  if (notes.length) schema.description = notes.join(' ')
  else delete schema.description
  if (options.readOnly) schema.readOnly = true
  schema['x-db-type'] = column.type
  return schema
}

/**
 * The shapes an API stub gives a column: JSON Schema, TypeScript type and how a request value
 * reaches the driver. A leaf shared by the common type mapping (types.ts) and the engines' own
 * type names (plan/dialects/).
 */
export type JsonSchema = Record<string, unknown>

/** How the server hands a request value to the driver. */
export type InputKind = 'value' | 'json' | 'binary'

export interface MappedType {
  /** Without null: the caller adds it for nullable columns. */
  schema: JsonSchema
  ts: string
  input: InputKind
}

export const INT32: MappedType = {schema: {type: 'integer', format: 'int32'}, ts: 'number', input: 'value'}
export const INT64: MappedType = {
  schema: {type: 'string', format: 'int64', pattern: '^-?[0-9]+$', description: '64-bit integer, as a string (JSON numbers lose digits beyond 2^53).'},
  ts: 'string',
  input: 'value',
}
export const DECIMAL: MappedType = {schema: {type: 'string', format: 'decimal', pattern: '^-?[0-9]+(\\.[0-9]+)?$'}, ts: 'string', input: 'value'}
export const TEXT: MappedType = {schema: {type: 'string'}, ts: 'string', input: 'value'}
export const JSON_ANY: MappedType = {schema: {description: 'Any JSON value.'}, ts: 'unknown', input: 'json'}
export const BINARY: MappedType = {schema: {type: 'string', contentEncoding: 'base64'}, ts: 'string', input: 'binary'}

export const str = (format: string, extra: JsonSchema = {}): MappedType => ({schema: {type: 'string', format, ...extra}, ts: 'string', input: 'value'})
export const num = (format: string): MappedType => ({schema: {type: 'number', format}, ts: 'number', input: 'value'})

/** A TypeScript union of string literals (`string` when there are none). */
export function tsUnion(values: string[]): string {
  return values.length ? values.map((v) => JSON.stringify(v)).join(' | ') : 'string'
}

export const BOOLEAN: MappedType = {schema: {type: 'boolean'}, ts: 'boolean', input: 'value'}

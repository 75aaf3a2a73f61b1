/**
 * A PostgreSQL statement's shape fingerprint, computed from the parse tree the analyzer already
 * holds. It used to be a second libpg-query call per distinct statement (`fingerprint`), which
 * re-parsed the text and left ~100 MB of WebAssembly pages touched on a log of a few thousand
 * distinct statements, and took about as long as the parse itself.
 *
 * It keeps the equivalences of pg_query's fingerprint that matter for grouping executions:
 * constants are ignored, lists of constants (`IN (1, 2, 3)`) count as one whatever their length,
 * VALUES rows of one shape count as one row, a SELECT's target list and an AND/OR's arguments are
 * sets (neither order nor repeats matter), nor do positions, column aliases of a SELECT,
 * savepoint, prepared-statement and cursor names. The values differ from pg_query's (its hash is
 * its own); the grouping is checked against pg_query's on the SQL corpus (test/pg-fingerprint.test.ts).
 */
import {createHash} from 'node:crypto'

import type {PgJson as Json} from './pg-relations.js'

/** Source positions, not shape. */
const POSITIONS = new Set(['location', 'stmt_location', 'stmt_len', 'rexpr_list_start', 'rexpr_list_end'])

/** Names that identify an instance, not a shape (pg_query ignores them too). */
const INSTANCE_NAMES: Record<string, ReadonlySet<string>> = {
  TransactionStmt: new Set(['savepoint_name', 'gid']),
  PrepareStmt: new Set(['name']),
  ExecuteStmt: new Set(['name']),
  DeallocateStmt: new Set(['name']),
  DeclareCursorStmt: new Set(['portalname']),
  FetchStmt: new Set(['portalname']),
  ClosePortalStmt: new Set(['portalname']),
}

/** Lists whose order is not part of the shape: a SELECT's target list, AND/OR arguments. */
const UNORDERED: Record<string, string> = {SelectStmt: 'targetList', BoolExpr: 'args'}

const isObject = (v: Json): v is {[key: string]: Json} => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A constant or a cast constant: what an IN list or a VALUES row is made of. */
function isConstant(node: Json): boolean {
  if (!isObject(node)) return false
  if ('A_Const' in node) return true
  const cast = node.TypeCast ?? null
  return isObject(cast) && isConstant(cast.arg ?? null)
}

function signature(node: Json, parent: string, field: string): string {
  if (Array.isArray(node)) {
    if (node.length > 0 && node.every(isConstant)) return '[C]'
    let items = node.map((item) => signature(item, parent, field))
    // As pg_query does, these lists are sets: order and repeats are not part of the shape.
    if (UNORDERED[parent] === field || field === 'valuesLists') items = [...new Set(items)].sort()
    return `[${items.join(',')}]`
  }
  if (!isObject(node)) return JSON.stringify(node)
  const keys = Object.keys(node)
  // A node is {Type: {fields}}; anything else is a plain object of fields (an inline struct).
  const type = keys.length === 1 && /^[A-Z]/.test(keys[0]!) && isObject(node[keys[0]!]!) ? keys[0]! : undefined
  if (type === 'A_Const') return 'C'
  const fields = type ? (node[type] as {[key: string]: Json}) : node
  const ignored = type ? INSTANCE_NAMES[type] : undefined
  let out = type ? `${type}(` : '('
  for (const key of Object.keys(fields)) {
    if (POSITIONS.has(key) || ignored?.has(key)) continue
    // A SELECT's column aliases do not change what it reads.
    if (type === 'ResTarget' && key === 'name' && parent === 'SelectStmt' && field === 'targetList') continue
    // An untyped object is a node's body inline (a set operation's arms): it is still a SelectStmt.
    out += `${key}:${signature(fields[key]!, type ?? parent, key)};`
  }
  return `${out})`
}

/** 16 hex digits naming the shape of these statements (one log entry may hold several). */
export function pgFingerprint(stmts: Json[]): string {
  const text = stmts.map((s) => signature(s, '', '')).join('\n')
  return createHash('sha1').update(text).digest('hex').slice(0, 16)
}

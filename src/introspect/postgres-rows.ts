/**
 * The rows the PostgreSQL catalog reader (postgres.ts) fetches, and the pure functions that
 * assemble them into tables and views.
 *
 * One small function per result, each with one loop, on purpose: V8 compiles a hot loop's whole
 * enclosing function when it optimizes it mid-run (on-stack replacement). With every loop in one
 * reader function, that compile was ~80 ms of CPU on a 1,000-table catalog — more than the loops
 * themselves — for code that runs once per process. Plain indexed loops instead of
 * map/filter/find callbacks for the same reason: less to compile, nothing to inline.
 */
import type {RawTable} from './driver.js'
import type {ReferentialAction, RelationRef, Trigger, View} from './model.js'

export interface RelationRow {
  oid: number; schema: string; name: string; kind: 'r' | 'p' | 'v' | 'm'; comment: string | null
  rows: number | null; size: number | null; partkey: string | null
  partitions: RelationRef[] | null; parent: RelationRef | null; viewdef: string | null
  populated: boolean | null
}
/** The positional rows of COLUMNS_SQL, CONSTRAINTS_SQL and INDEXES_SQL (see postgres.ts). */
export type ColumnRow = [rel: number, num: number, name: string, type: string, notnull: boolean, expr: string | null,
  identity: '' | 'a' | 'd', generated: '' | 's' | 'v', comment: string | null]
export type ConstraintRow = [rel: number, name: string, type: 'p' | 'u' | 'c' | 'f', keys: number[] | null,
  refRel: number | null, refKeys: number[] | null, refSchema: string | null, refTable: string | null, refColumns: string[] | null,
  onDelete: string, onUpdate: string, deferrable: boolean, validated: boolean, definition: string | null]
export type IndexRow = [rel: number, name: string, unique: boolean, primary: boolean, method: string,
  predicate: string | null, definition: string, keys: number[], nkeys: number, exprs: (string | null)[] | null]
export interface ViewDependencyRow {schema: string; view: string; refSchema: string; refName: string}
export interface TriggerRow {
  schema: string; table: string; name: string; definition: string; type: number; enabled: boolean
  functionSchema: string; function: string
}

/** Tables and views by schema-qualified name and by relation oid (in the relations query's order). */
export interface Relations {
  tables: Map<string, RawTable>
  views: Map<string, View>
  tablesByOid: Map<number, RawTable>
  viewsByOid: Map<number, View>
}

/** Column names by relation oid, indexed by attnum: how conkey, confkey and indkey become names. */
export type AttributeNames = Map<number, string[]>

export const relationKey = (schema: string, name: string) => `${schema}\u0000${name}`

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default',
}

const STRATEGIES = {r: 'range', l: 'list', h: 'hash'} as const

export function collectRelations(rows: readonly RelationRow[]): Relations {
  const relations: Relations = {tables: new Map(), views: new Map(), tablesByOid: new Map(), viewsByOid: new Map()}
  for (const r of rows) {
    if (r.kind === 'v' || r.kind === 'm') {
      const view: View = {
        schema: r.schema, name: r.name, materialized: r.kind === 'm', definition: (r.viewdef ?? '').trim(),
        comment: r.comment, columns: [], dependsOn: [],
        ...(r.kind === 'm' ? {populated: r.populated !== false} : {}),
      }
      relations.views.set(relationKey(r.schema, r.name), view)
      relations.viewsByOid.set(r.oid, view)
      continue
    }
    const table: RawTable = {
      schema: r.schema, name: r.name, kind: r.kind === 'p' ? 'partitioned' : 'table', comment: r.comment,
      columns: [], primaryKey: [], primaryKeyName: null, uniques: [], checks: [], foreignKeys: [], indexes: [], triggers: [],
      estimatedRows: r.rows === null || r.rows < 0 ? null : Math.round(r.rows),
      sizeBytes: r.size,
      partitioning: r.kind === 'p' && r.partkey ? parsePartitionKey(r.partkey, r.partitions ?? []) : null,
      partitionOf: r.parent,
    }
    relations.tables.set(relationKey(r.schema, r.name), table)
    relations.tablesByOid.set(r.oid, table)
  }
  return relations
}

/**
 * Attach each column to its table or view; returns the names by attnum. Rows come ordered by
 * relation and attnum, so a column's position is its rank in its relation's run.
 */
export function attachColumns(rows: readonly ColumnRow[], relations: Relations): AttributeNames {
  const attnames: AttributeNames = new Map()
  let names: string[] = []
  let position = 0
  let previousRel = -1
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const rel = row[0]
    const name = row[2]
    const type = row[3]
    if (rel !== previousRel) {
      previousRel = rel
      position = 0
      // Rows of one relation are contiguous: a new run is a new relation.
      names = attnames.get(rel) ?? []
      attnames.set(rel, names)
    }
    position++
    names[row[1]] = name
    const view = relations.viewsByOid.get(rel)
    if (view) {
      view.columns.push({name, type})
      continue
    }
    const expr = row[5]
    const identity = row[6]
    const generated = row[7]
    relations.tablesByOid.get(rel)?.columns.push({
      name, type, nullable: !row[4],
      default: generated ? null : expr,
      identity: identity === 'a' ? 'always' : identity === 'd' ? 'by default' : null,
      generated: generated ? expr : null,
      comment: row[8], position,
    })
  }
  return attnames
}

/** The names of the columns numbered `nums` (attnums that name no column are left out). */
function namesOf(names: readonly string[] | undefined, nums: readonly number[] | null): string[] {
  const result: string[] = []
  if (!names || !nums) return result
  for (let i = 0; i < nums.length; i++) {
    const name = names[nums[i]!]
    if (name !== undefined) result.push(name)
  }
  return result
}

export function attachConstraints(rows: readonly ConstraintRow[], tablesByOid: Map<number, RawTable>, attnames: AttributeNames): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const rel = row[0]
    const table = tablesByOid.get(rel)
    if (!table) continue
    const name = row[1]
    const type = row[2]
    const cols = namesOf(attnames.get(rel), row[3])
    if (type === 'p') {
      table.primaryKey = cols
      table.primaryKeyName = name
    } else if (type === 'u') {
      table.uniques.push({name, columns: cols})
    } else if (type === 'c') {
      table.checks.push({name, expression: row[13] ?? ''})
    } else {
      const refRel = row[4]
      table.foreignKeys.push({
        name, columns: cols, refSchema: row[6] ?? '', refTable: row[7] ?? '',
        refColumns: row[8] ?? namesOf(refRel === null ? undefined : attnames.get(refRel), row[5]),
        onDelete: ACTIONS[row[9]] ?? 'no action', onUpdate: ACTIONS[row[10]] ?? 'no action',
        deferrable: row[11], validated: row[12],
      })
    }
  }
}

/** Key columns by name; an expression key by its text. */
export function attachIndexes(rows: readonly IndexRow[], tablesByOid: Map<number, RawTable>, attnames: AttributeNames): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const rel = row[0]
    const table = tablesByOid.get(rel)
    if (!table) continue
    const names = attnames.get(rel) ?? []
    const keys = row[7]
    const exprs = row[9]
    const columns: string[] = []
    for (let k = 0; k < Math.min(row[8], keys.length); k++) {
      const num = keys[k]!
      const column = num === 0 ? exprs?.[k] : names[num]
      if (column !== undefined && column !== null) columns.push(column)
    }
    table.indexes.push({name: row[1], columns, unique: row[2], primary: row[3], method: row[4], predicate: row[5], definition: row[6]})
  }
}

export function attachViewDependencies(rows: readonly ViewDependencyRow[], views: Map<string, View>): void {
  for (const d of rows) {
    views.get(relationKey(d.schema, d.view))?.dependsOn.push({schema: d.refSchema, name: d.refName})
  }
  for (const v of views.values()) v.dependsOn.sort(compareRefs)
}

/** Attach triggers to their tables; returns the triggers (schema.table.name) calling each function. */
export function attachTriggers(rows: readonly TriggerRow[], tables: Map<string, RawTable>): Map<string, string[]> {
  const byFunction = new Map<string, string[]>()
  for (const t of rows) {
    const table = tables.get(relationKey(t.schema, t.table))
    if (!table) continue
    table.triggers.push(decodeTrigger(t))
    const fk = relationKey(t.functionSchema, t.function)
    byFunction.set(fk, [...(byFunction.get(fk) ?? []), `${t.schema}.${t.table}.${t.name}`])
  }
  return byFunction
}

function compareRefs(a: RelationRef, b: RelationRef): number {
  return a.schema === b.schema ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.schema < b.schema ? -1 : 1
}

/** pg_get_partkeydef prints e.g. "RANGE (created_at)". */
function parsePartitionKey(def: string, partitions: RelationRef[]): RawTable['partitioning'] {
  const space = def.indexOf(' ')
  const strategy = def.slice(0, space).toLowerCase()
  const name = (['range', 'list', 'hash'] as const).find((s) => s === strategy) ?? STRATEGIES.r
  const keyText = def.slice(space + 1).trim().replace(/^\((.*)\)$/s, '$1')
  return {strategy: name, key: keyText, partitions: partitions.map((p) => p.name)}
}

/** tgtype bit layout from pg_trigger.h: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64. */
function decodeTrigger(t: TriggerRow): Trigger {
  const type = t.type
  const events: string[] = []
  if (type & 4) events.push('INSERT')
  if (type & 16) events.push('UPDATE')
  if (type & 8) events.push('DELETE')
  if (type & 32) events.push('TRUNCATE')
  return {
    name: t.name,
    timing: type & 64 ? 'INSTEAD OF' : type & 2 ? 'BEFORE' : 'AFTER',
    events,
    level: type & 1 ? 'row' : 'statement',
    function: {schema: t.functionSchema, name: t.function},
    definition: t.definition,
    enabled: t.enabled,
  }
}

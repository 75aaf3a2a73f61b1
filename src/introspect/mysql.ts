/**
 * MySQL / MariaDB catalog reader.
 *
 * Reads information_schema with a constant number of queries — one per catalog table, each
 * filtered by `TABLE_SCHEMA IN (?)` — and joins the rows in memory. Never one query per table.
 *
 * Portability notes (MySQL 5.7+, 8.x; MariaDB 10.3+):
 *  - MySQL 8 returns information_schema column names in upper case, MariaDB as written in the
 *    query, so every selected column is aliased in lower case.
 *  - COLUMN_DEFAULT: MariaDB (10.2.7+) returns an SQL expression (`'abc'`, `NULL`, `current_timestamp()`),
 *    MySQL the raw value (`abc`, NULL, `CURRENT_TIMESTAMP`). Both are normalised to the expression
 *    form, with null when the column has no default.
 *  - CHECK_CONSTRAINTS exists on MariaDB 10.2+ (with TABLE_NAME, and column-level checks named
 *    after their column) and MySQL 8.0.16+ (without TABLE_NAME: the table comes from
 *    TABLE_CONSTRAINTS). VIEW_TABLE_USAGE exists on MySQL 8.0.13+ only; elsewhere view
 *    dependencies come from parsing the view definition. Which of these exist is detected once.
 */
import pkg from 'node-sql-parser'

import type {CatalogReader, RawCatalog, RawTable} from './driver.js'
import type {
  CheckConstraint,
  Column,
  ForeignKey,
  FunctionInfo,
  Index,
  Partitioning,
  ReferentialAction,
  RelationRef,
  Sequence,
  Trigger,
  UniqueConstraint,
  View,
} from './model.js'
import {type ColumnRow, type KeyColumnRow, type MysqlRows, type ParameterRow, type PartitionRow, readMysqlRows, type ReferentialRow, type RoutineRow, type StatisticsRow, type TableRow} from './mysql-rows.js'

const {Parser} = pkg

export const readMysqlCatalog: CatalogReader = async (conn, options) => {
  const schemas = options.schemas && options.schemas.length > 0 ? [...new Set(options.schemas)] : [conn.database]
  const flavor = conn.flavor === 'mariadb' ? 'mariadb' : 'mysql'
  const database: RawCatalog['database'] = {
    engine: 'mysql',
    flavor,
    serverVersion: conn.serverVersion,
    serverMajor: conn.serverMajor,
    name: conn.database,
  }
  const rows = await readMysqlRows(conn, schemas)
  const grouped = groupRows(rows)
  const {tables, sequences, known} = buildTables(rows.tableRows, grouped, flavor)
  const views = buildViews(rows, grouped.columnsBy, known, flavor)
  const functions = buildRoutines(rows.routineRows, rows.parameterRows)
  tables.sort(byRef)
  views.sort(byRef)
  functions.sort((a, b) => byRef(a, b) || compare(a.kind, b.kind))
  sequences.sort(byRef)

  return {
    database,
    schemas,
    tables,
    views,
    functions,
    sequences,
    enums: [],
  }
}

type Grouped = ReturnType<typeof groupRows>

/** The rows of each kind keyed by the relation (and constraint, index) they belong to. */
function groupRows({columnRows, constraintRows, keyColumnRows, referentialRows, checkRows, statisticsRows, partitionRows, triggerRows}: MysqlRows) {
  // ---- group rows by relation ------------------------------------------------------------
  const columnsBy = new Map<string, ColumnRow[]>()
  for (const r of columnRows) push(columnsBy, key(r.table_schema, r.table_name), r)

  const constraintType = new Map<string, string>() // schema, table, constraint → type
  for (const r of constraintRows) {
    constraintType.set(`${key(r.table_schema, r.table_name)}\u0000${r.constraint_name}`, r.constraint_type.toUpperCase())
  }

  const keyColumnsBy = new Map<string, Map<string, KeyColumnRow[]>>() // relation → constraint → columns
  for (const r of keyColumnRows) {
    const k = key(r.table_schema, r.table_name)
    let byConstraint = keyColumnsBy.get(k)
    if (!byConstraint) keyColumnsBy.set(k, (byConstraint = new Map()))
    push(byConstraint, r.constraint_name, r)
  }
  const referential = new Map<string, ReferentialRow>()
  for (const r of referentialRows) referential.set(`${key(r.constraint_schema, r.table_name)}\u0000${r.constraint_name}`, r)

  const checksBy = new Map<string, CheckConstraint[]>()
  for (const r of checkRows) {
    push(checksBy, key(r.table_schema, r.table_name), {name: r.constraint_name, expression: r.check_clause})
  }

  const statisticsBy = new Map<string, Map<string, StatisticsRow[]>>()
  for (const r of statisticsRows) {
    const k = key(r.table_schema, r.table_name)
    let byIndex = statisticsBy.get(k)
    if (!byIndex) statisticsBy.set(k, (byIndex = new Map()))
    push(byIndex, r.index_name, r)
  }

  const partitionsBy = new Map<string, PartitionRow[]>()
  for (const r of partitionRows) push(partitionsBy, key(r.table_schema, r.table_name), r)

  const triggersBy = new Map<string, Trigger[]>()
  for (const r of triggerRows) {
    push(triggersBy, key(r.event_object_schema, r.event_object_table), {
      name: r.trigger_name,
      timing: r.action_timing.toUpperCase(),
      events: r.event_manipulation
        .split(/\s*(?:,|\bOR\b)\s*/i)
        .map((e) => e.trim().toUpperCase())
        .filter(Boolean),
      level: 'row',
      function: null,
      definition: r.action_statement,
      enabled: true,
    })
  }
  return {columnsBy, constraintType, keyColumnsBy, referential, checksBy, statisticsBy, partitionsBy, triggersBy}
}

/** Tables and (MariaDB) sequences from their rows; `known` holds every relation, for view dependencies. */
function buildTables(tableRows: TableRow[], grouped: Grouped, flavor: 'mariadb' | 'mysql'): {tables: RawTable[]; sequences: Sequence[]; known: Map<string, RelationRef>} {
  const {columnsBy, constraintType, keyColumnsBy, referential, checksBy, statisticsBy, partitionsBy, triggersBy} = grouped
  // ---- tables, views, sequences ------------------------------------------------------------
  const tables: RawTable[] = []
  const sequences: Sequence[] = []
  const known = new Map<string, RelationRef>()

  for (const t of tableRows) {
    const type = t.table_type.toUpperCase()
    const k = key(t.table_schema, t.table_name)
    if (type === 'VIEW' || type === 'SYSTEM VIEW') {
      known.set(k, {schema: t.table_schema, name: t.table_name})
      continue
    }
    if (type === 'SEQUENCE') {
      // MariaDB 10.3+ sequence objects; their data type is bigint before MariaDB 11.5.
      sequences.push({schema: t.table_schema, name: t.table_name, dataType: 'bigint', ownedBy: null})
      continue
    }
    if (type === 'TEMPORARY') continue
    known.set(k, {schema: t.table_schema, name: t.table_name})
    tables.push(buildTable(t, flavor))
  }

  function buildTable(t: TableRow, fl: 'mysql' | 'mariadb'): RawTable {
    const k = key(t.table_schema, t.table_name)
    const columns: Column[] = (columnsBy.get(k) ?? [])
      .map((c): Column => {
        const extra = c.extra ?? ''
        const identity = /\bauto_increment\b/i.test(extra) ? ('auto_increment' as const) : null
        const generated =
          /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(extra) && c.generation_expression
            ? c.generation_expression
            : null
        return {
          name: c.column_name,
          type: c.column_type,
          nullable: String(c.is_nullable).toUpperCase() === 'YES',
          default: identity || generated ? null : normalizeMysqlDefault(fl, c.column_default, c.data_type ?? '', extra),
          identity,
          generated,
          comment: text(c.column_comment),
          position: num(c.ordinal_position) ?? 0,
        }
      })
      .sort((a, b) => a.position - b.position)

    let primaryKey: string[] = []
    let primaryKeyName: string | null = null
    const uniques: UniqueConstraint[] = []
    const foreignKeys: ForeignKey[] = []
    for (const [name, rows] of keyColumnsBy.get(k) ?? []) {
      const sorted = [...rows].sort((a, b) => (num(a.ordinal_position) ?? 0) - (num(b.ordinal_position) ?? 0))
      const type = constraintType.get(`${k}\u0000${name}`)
      const refTable = sorted[0]?.referenced_table_name ?? null
      if (type === 'PRIMARY KEY' || (type === undefined && name === 'PRIMARY')) {
        primaryKey = sorted.map((r) => r.column_name)
        primaryKeyName = name
      } else if (type === 'FOREIGN KEY' || (type === undefined && refTable !== null)) {
        const rules = referential.get(`${k}\u0000${name}`)
        foreignKeys.push({
          name,
          columns: sorted.map((r) => r.column_name),
          refSchema: sorted[0]?.referenced_table_schema ?? t.table_schema,
          refTable: refTable ?? '',
          refColumns: sorted.map((r) => r.referenced_column_name ?? ''),
          onDelete: action(rules?.delete_rule),
          onUpdate: action(rules?.update_rule),
          deferrable: false,
          validated: true,
        })
      } else if (type === 'UNIQUE' || type === undefined) {
        uniques.push({name, columns: sorted.map((r) => r.column_name)})
      }
    }

    const indexes: Index[] = []
    for (const [name, rows] of statisticsBy.get(k) ?? []) {
      const sorted = [...rows].sort((a, b) => (num(a.seq_in_index) ?? 0) - (num(b.seq_in_index) ?? 0))
      const first = sorted[0]
      indexes.push({
        name,
        // Functional key parts (MySQL 8.0.13+) have no column, only an expression.
        columns: sorted.map((r) => r.column_name ?? `(${r.expression ?? ''})`),
        unique: num(first?.non_unique) === 0,
        primary: name === 'PRIMARY',
        method: String(first?.index_type ?? 'btree').toLowerCase(),
        predicate: null,
        definition: null,
      })
    }

    let partitioning: Partitioning | null = null
    const parts = partitionsBy.get(k)
    if (parts && parts.length > 0) {
      const method = parts[0]?.partition_method ?? 'RANGE'
      const {strategy: strat, isSystemTime} = strategy(method)
      partitioning = {
        strategy: strat,
        key: isSystemTime ? 'SYSTEM_TIME' : (parts[0]?.partition_expression ?? ''),
        partitions: [...new Set(parts.map((r) => r.partition_name))],
      }
    }

    const dataLength = num(t.data_length)
    const indexLength = num(t.index_length)
    return {
      schema: t.table_schema,
      name: t.table_name,
      kind: partitioning ? 'partitioned' : 'table',
      comment: text(t.table_comment),
      columns,
      primaryKey,
      primaryKeyName,
      uniques: uniques.sort(byName),
      checks: (checksBy.get(k) ?? []).sort(byName),
      foreignKeys: foreignKeys.sort(byName),
      indexes: indexes.sort(byName),
      triggers: (triggersBy.get(k) ?? []).sort(byName),
      estimatedRows: num(t.table_rows),
      sizeBytes: dataLength === null && indexLength === null ? null : (dataLength ?? 0) + (indexLength ?? 0),
      partitioning,
      partitionOf: null,
    }
  }

  return {tables, sequences, known}
}

/** Views with their columns and the relations they read (VIEW_TABLE_USAGE, else the parsed definition). */
function buildViews({viewRows, viewUsageRows}: MysqlRows, columnsBy: Grouped['columnsBy'], known: Map<string, RelationRef>, flavor: 'mariadb' | 'mysql'): View[] {
  for (const v of viewRows) known.set(key(v.table_schema, v.table_name), {schema: v.table_schema, name: v.table_name})

  const usageBy = new Map<string, RelationRef[]>()
  if (viewUsageRows) {
    for (const r of viewUsageRows) {
      const ref = known.get(key(r.table_schema, r.table_name))
      if (ref) push(usageBy, key(r.view_schema, r.view_name), ref)
    }
  }
  const parser = new Parser()
  const dialect = flavor === 'mariadb' ? 'MariaDB' : 'MySQL'
  return viewRows.map((v): View => {
    const ref = {schema: v.table_schema, name: v.table_name}
    const k = key(ref.schema, ref.name)
    const definition = v.view_definition ?? ''
    let dependsOn: RelationRef[]
    if (viewUsageRows) {
      const unique = new Map((usageBy.get(k) ?? []).map((r) => [key(r.schema, r.name), r]))
      dependsOn = [...unique.values()].filter((r) => !(r.schema === ref.schema && r.name === ref.name)).sort(byRef)
    } else {
      dependsOn = definition ? parseViewDependencies(parser, definition, dialect, ref, known) : []
    }
    return {
      ...ref,
      materialized: false,
      definition,
      comment: null,
      columns: (columnsBy.get(k) ?? [])
        .slice()
        .sort((a, b) => (num(a.ordinal_position) ?? 0) - (num(b.ordinal_position) ?? 0))
        .map((c) => ({name: c.column_name, type: c.column_type})),
      dependsOn,
    }
  })
}

/** Functions and procedures with their argument lists. */
function buildRoutines(routineRows: RoutineRow[], parameterRows: ParameterRow[]): FunctionInfo[] {
  // ---- routines --------------------------------------------------------------------------
  const paramsBy = new Map<string, ParameterRow[]>()
  for (const r of parameterRows) {
    push(paramsBy, `${key(r.specific_schema, r.specific_name)}\u0000${String(r.routine_type).toUpperCase()}`, r)
  }
  return routineRows.map((r): FunctionInfo => {
    const kind = r.routine_type.toUpperCase() === 'PROCEDURE' ? 'procedure' : 'function'
    const params = paramsBy.get(`${key(r.routine_schema, r.specific_name)}\u0000${r.routine_type.toUpperCase()}`) ?? []
    return {
      schema: r.routine_schema,
      name: r.routine_name,
      arguments: formatArguments(kind, params),
      returns: kind === 'function' ? (r.dtd_identifier ?? '') : '',
      language: (r.routine_body ?? 'SQL').toLowerCase(),
      kind,
      usedByTriggers: [],
    }
  })
}

const key = (schema: string, name: string): string => `${schema}\u0000${name}`

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function byRef(a: RelationRef, b: RelationRef): number {
  return compare(a.schema, b.schema) || compare(a.name, b.name)
}

function byName(a: {name: string}, b: {name: string}): number {
  return compare(a.name, b.name)
}

function num(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

function text(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : value
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k)
  if (list) list.push(v)
  else map.set(k, [v])
}

const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'float',
  'double',
  'real',
  'bit',
  'bool',
  'boolean',
  'year',
])

/**
 * The default as an SQL expression, or null when the column has none.
 *
 * MariaDB 10.2.7+ already reports an expression, with the text `NULL` for DEFAULT NULL (a string
 * default 'NULL' comes back quoted, so the two cannot be confused). MySQL reports the raw value:
 * string literals are quoted here so both engines print the same thing.
 */
export function normalizeMysqlDefault(
  flavor: string,
  raw: string | null,
  dataType: string,
  extra: string | null,
): string | null {
  if (raw === null || raw === undefined) return null
  if (flavor === 'mariadb') return raw === 'NULL' ? null : raw
  if (/DEFAULT_GENERATED/i.test(extra ?? '')) return raw
  if (/^current_timestamp(\(\d*\))?$/i.test(raw)) return raw
  if (NUMERIC_TYPES.has(dataType.toLowerCase())) return raw
  return `'${raw.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

const ACTIONS: Record<string, ReferentialAction> = {
  'NO ACTION': 'no action',
  RESTRICT: 'restrict',
  CASCADE: 'cascade',
  'SET NULL': 'set null',
  'SET DEFAULT': 'set default',
}

function action(rule: string | null | undefined): ReferentialAction {
  return ACTIONS[String(rule ?? '').toUpperCase()] ?? 'restrict'
}

function strategy(method: string): {strategy: Partitioning['strategy']; isSystemTime: boolean} {
  const m = method.toUpperCase().trim()
  if (m.startsWith('RANGE')) return {strategy: 'range', isSystemTime: false}
  if (m.startsWith('LIST')) return {strategy: 'list', isSystemTime: false}
  if (m === 'LINEAR HASH') return {strategy: 'linear hash', isSystemTime: false}
  if (m === 'LINEAR KEY') return {strategy: 'linear key', isSystemTime: false}
  if (m === 'HASH') return {strategy: 'hash', isSystemTime: false}
  if (m === 'KEY') return {strategy: 'key', isSystemTime: false}
  // MariaDB system-versioned tables: PARTITION BY SYSTEM_TIME (history by time / row count).
  return {strategy: 'range', isSystemTime: true}
}

/**
 * Relations a view definition reads, found with node-sql-parser. Names are matched against the
 * catalog, so only real tables and views survive; a definition the parser cannot read gives [].
 */
function parseViewDependencies(
  parser: InstanceType<typeof Parser>,
  definition: string,
  dialect: 'MariaDB' | 'MySQL',
  view: RelationRef,
  known: Map<string, RelationRef>,
): RelationRef[] {
  let entries: string[]
  try {
    entries = parser.tableList(definition, {database: dialect})
  } catch {
    return []
  }
  const found = new Map<string, RelationRef>()
  for (const entry of entries) {
    const ref = resolveTableListEntry(entry, view.schema, known)
    if (!ref) continue
    if (ref.schema === view.schema && ref.name === view.name) continue
    found.set(key(ref.schema, ref.name), ref)
  }
  return [...found.values()].sort(byRef)
}

/**
 * tableList entries look like `select::db::table`, db being the string `null` when unqualified.
 * Names may themselves contain `::`, so try every split point and keep the one that names a
 * relation we know.
 */
function resolveTableListEntry(entry: string, defaultSchema: string, known: Map<string, RelationRef>): RelationRef | null {
  const first = entry.indexOf('::')
  if (first < 0) return null
  const parts = entry.slice(first + 2).split('::')
  for (let i = 1; i < parts.length; i++) {
    const db = parts.slice(0, i).join('::')
    const name = parts.slice(i).join('::')
    const candidates = db === 'null' ? [defaultSchema, 'null'] : [db]
    for (const schema of candidates) {
      const ref = known.get(key(schema, name))
      if (ref) return ref
    }
  }
  return null
}

function formatArguments(kind: 'function' | 'procedure', params: ParameterRow[]): string {
  return params
    .filter((p) => p.parameter_name !== null && num(p.ordinal_position) !== 0)
    .sort((a, b) => (num(a.ordinal_position) ?? 0) - (num(b.ordinal_position) ?? 0))
    .map((p) => {
      const mode = kind === 'procedure' && p.parameter_mode ? `${p.parameter_mode} ` : ''
      return `${mode}${p.parameter_name} ${p.dtd_identifier ?? ''}`.trim()
    })
    .join(', ')
}


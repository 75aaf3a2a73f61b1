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

import type {Connection} from '../db/connection.js'
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

const {Parser} = pkg

interface TableRow {
  table_schema: string
  table_name: string
  table_type: string
  table_rows: unknown
  data_length: unknown
  index_length: unknown
  table_comment: string | null
}

interface ColumnRow {
  table_schema: string
  table_name: string
  column_name: string
  ordinal_position: unknown
  column_default: string | null
  is_nullable: string
  column_type: string
  data_type: string
  extra: string | null
  column_comment: string | null
  generation_expression: string | null
}

interface ConstraintRow {
  constraint_schema: string
  constraint_name: string
  table_schema: string
  table_name: string
  constraint_type: string
}

interface KeyColumnRow {
  constraint_schema: string
  constraint_name: string
  table_schema: string
  table_name: string
  column_name: string
  ordinal_position: unknown
  referenced_table_schema: string | null
  referenced_table_name: string | null
  referenced_column_name: string | null
}

interface ReferentialRow {
  constraint_schema: string
  constraint_name: string
  table_name: string
  update_rule: string
  delete_rule: string
}

interface CheckRow {
  table_schema: string
  table_name: string
  constraint_name: string
  check_clause: string
}

interface StatisticsRow {
  table_schema: string
  table_name: string
  index_name: string
  non_unique: unknown
  seq_in_index: unknown
  column_name: string | null
  index_type: string
  expression: string | null
}

interface PartitionRow {
  table_schema: string
  table_name: string
  partition_name: string
  partition_method: string | null
  partition_expression: string | null
}

interface ViewRow {
  table_schema: string
  table_name: string
  view_definition: string | null
}

interface ViewUsageRow {
  view_schema: string
  view_name: string
  table_schema: string
  table_name: string
}

interface TriggerRow {
  trigger_schema: string
  trigger_name: string
  event_manipulation: string
  event_object_schema: string
  event_object_table: string
  action_statement: string
  action_timing: string
}

interface RoutineRow {
  routine_schema: string
  routine_name: string
  routine_type: string
  specific_name: string
  dtd_identifier: string | null
  routine_body: string | null
}

interface ParameterRow {
  specific_schema: string
  specific_name: string
  routine_type: string
  ordinal_position: unknown
  parameter_mode: string | null
  parameter_name: string | null
  dtd_identifier: string | null
}

/** Which optional information_schema tables/columns this server has. */
interface Features {
  checkConstraints: boolean
  checkConstraintsHaveTable: boolean
  viewTableUsage: boolean
  statisticsExpression: boolean
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

async function detectFeatures(conn: Connection): Promise<Features> {
  const rows = await conn.query<{table_name: string; column_name: string}>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = 'information_schema'
        AND UPPER(TABLE_NAME) IN ('CHECK_CONSTRAINTS', 'VIEW_TABLE_USAGE', 'STATISTICS')`,
  )
  const have = new Set(rows.map((r) => `${String(r.table_name).toUpperCase()}.${String(r.column_name).toUpperCase()}`))
  return {
    checkConstraints: have.has('CHECK_CONSTRAINTS.CHECK_CLAUSE'),
    checkConstraintsHaveTable: have.has('CHECK_CONSTRAINTS.TABLE_NAME'),
    viewTableUsage: have.has('VIEW_TABLE_USAGE.VIEW_NAME'),
    statisticsExpression: have.has('STATISTICS.EXPRESSION'),
  }
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
  const features = await detectFeatures(conn)
  const p = [schemas]

  const tableRows = await conn.query<TableRow>(
    `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, TABLE_TYPE AS table_type,
            TABLE_ROWS AS table_rows, DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length,
            TABLE_COMMENT AS table_comment
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA IN (?)`,
    p,
  )
  const columnRows = await conn.query<ColumnRow>(
    `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
            ORDINAL_POSITION AS ordinal_position, COLUMN_DEFAULT AS column_default,
            IS_NULLABLE AS is_nullable, COLUMN_TYPE AS column_type, DATA_TYPE AS data_type,
            EXTRA AS extra, COLUMN_COMMENT AS column_comment,
            GENERATION_EXPRESSION AS generation_expression
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA IN (?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    p,
  )
  const constraintRows = await conn.query<ConstraintRow>(
    `SELECT CONSTRAINT_SCHEMA AS constraint_schema, CONSTRAINT_NAME AS constraint_name,
            TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, CONSTRAINT_TYPE AS constraint_type
       FROM information_schema.TABLE_CONSTRAINTS
      WHERE TABLE_SCHEMA IN (?)`,
    p,
  )
  const keyColumnRows = await conn.query<KeyColumnRow>(
    `SELECT CONSTRAINT_SCHEMA AS constraint_schema, CONSTRAINT_NAME AS constraint_name,
            TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
            ORDINAL_POSITION AS ordinal_position, REFERENCED_TABLE_SCHEMA AS referenced_table_schema,
            REFERENCED_TABLE_NAME AS referenced_table_name, REFERENCED_COLUMN_NAME AS referenced_column_name
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA IN (?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    p,
  )
  const referentialRows = await conn.query<ReferentialRow>(
    `SELECT CONSTRAINT_SCHEMA AS constraint_schema, CONSTRAINT_NAME AS constraint_name,
            TABLE_NAME AS table_name, UPDATE_RULE AS update_rule, DELETE_RULE AS delete_rule
       FROM information_schema.REFERENTIAL_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA IN (?)`,
    p,
  )
  let checkRows: CheckRow[] = []
  if (features.checkConstraints) {
    checkRows = features.checkConstraintsHaveTable
      ? await conn.query<CheckRow>(
          `SELECT CONSTRAINT_SCHEMA AS table_schema, TABLE_NAME AS table_name,
                  CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause
             FROM information_schema.CHECK_CONSTRAINTS
            WHERE CONSTRAINT_SCHEMA IN (?)`,
          p,
        )
      : // MySQL 8.0.16+: check constraint names are unique per schema; the table is in TABLE_CONSTRAINTS.
        await conn.query<CheckRow>(
          `SELECT tc.TABLE_SCHEMA AS table_schema, tc.TABLE_NAME AS table_name,
                  cc.CONSTRAINT_NAME AS constraint_name, cc.CHECK_CLAUSE AS check_clause
             FROM information_schema.CHECK_CONSTRAINTS cc
             JOIN information_schema.TABLE_CONSTRAINTS tc
               ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA
              AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME
              AND tc.CONSTRAINT_TYPE = 'CHECK'
            WHERE cc.CONSTRAINT_SCHEMA IN (?)`,
          p,
        )
  }
  const statisticsRows = await conn.query<StatisticsRow>(
    `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name,
            NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq_in_index, COLUMN_NAME AS column_name,
            INDEX_TYPE AS index_type, ${features.statisticsExpression ? 'EXPRESSION' : 'NULL'} AS expression
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA IN (?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    p,
  )
  const partitionRows = await conn.query<PartitionRow>(
    `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, PARTITION_NAME AS partition_name,
            PARTITION_METHOD AS partition_method, PARTITION_EXPRESSION AS partition_expression
       FROM information_schema.PARTITIONS
      WHERE TABLE_SCHEMA IN (?) AND PARTITION_NAME IS NOT NULL
      ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION`,
    p,
  )
  const viewRows = await conn.query<ViewRow>(
    `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, VIEW_DEFINITION AS view_definition
       FROM information_schema.VIEWS
      WHERE TABLE_SCHEMA IN (?)`,
    p,
  )
  const viewUsageRows = features.viewTableUsage
    ? await conn.query<ViewUsageRow>(
        `SELECT VIEW_SCHEMA AS view_schema, VIEW_NAME AS view_name,
                TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name
           FROM information_schema.VIEW_TABLE_USAGE
          WHERE VIEW_SCHEMA IN (?)`,
        p,
      )
    : null
  const triggerRows = await conn.query<TriggerRow>(
    `SELECT TRIGGER_SCHEMA AS trigger_schema, TRIGGER_NAME AS trigger_name,
            EVENT_MANIPULATION AS event_manipulation, EVENT_OBJECT_SCHEMA AS event_object_schema,
            EVENT_OBJECT_TABLE AS event_object_table, ACTION_STATEMENT AS action_statement,
            ACTION_TIMING AS action_timing
       FROM information_schema.TRIGGERS
      WHERE EVENT_OBJECT_SCHEMA IN (?)`,
    p,
  )
  const routineRows = await conn.query<RoutineRow>(
    `SELECT ROUTINE_SCHEMA AS routine_schema, ROUTINE_NAME AS routine_name, ROUTINE_TYPE AS routine_type,
            SPECIFIC_NAME AS specific_name, DTD_IDENTIFIER AS dtd_identifier, ROUTINE_BODY AS routine_body
       FROM information_schema.ROUTINES
      WHERE ROUTINE_SCHEMA IN (?) AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE')`,
    p,
  )
  const parameterRows = await conn.query<ParameterRow>(
    `SELECT SPECIFIC_SCHEMA AS specific_schema, SPECIFIC_NAME AS specific_name, ROUTINE_TYPE AS routine_type,
            ORDINAL_POSITION AS ordinal_position, PARAMETER_MODE AS parameter_mode,
            PARAMETER_NAME AS parameter_name, DTD_IDENTIFIER AS dtd_identifier
       FROM information_schema.PARAMETERS
      WHERE SPECIFIC_SCHEMA IN (?)`,
    p,
  )

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
  const views: View[] = viewRows.map((v): View => {
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

  // ---- routines --------------------------------------------------------------------------
  const paramsBy = new Map<string, ParameterRow[]>()
  for (const r of parameterRows) {
    push(paramsBy, `${key(r.specific_schema, r.specific_name)}\u0000${String(r.routine_type).toUpperCase()}`, r)
  }
  const functions: FunctionInfo[] = routineRows.map((r): FunctionInfo => {
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

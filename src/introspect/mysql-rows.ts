/**
 * The information_schema rows the MySQL/MariaDB catalog reader joins (mysql.ts): one query per
 * catalog table, each filtered by `TABLE_SCHEMA IN (?)`, never one query per table; which
 * optional tables and columns the server has is detected once (see mysql.ts for the portability
 * notes).
 */
import type {Connection} from '../db/connection.js'

export interface TableRow {
  table_schema: string
  table_name: string
  table_type: string
  table_rows: unknown
  data_length: unknown
  index_length: unknown
  table_comment: string | null
}

export interface ColumnRow {
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

export interface ConstraintRow {
  constraint_schema: string
  constraint_name: string
  table_schema: string
  table_name: string
  constraint_type: string
}

export interface KeyColumnRow {
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

export interface ReferentialRow {
  constraint_schema: string
  constraint_name: string
  table_name: string
  update_rule: string
  delete_rule: string
}

export interface CheckRow {
  table_schema: string
  table_name: string
  constraint_name: string
  check_clause: string
}

export interface StatisticsRow {
  table_schema: string
  table_name: string
  index_name: string
  non_unique: unknown
  seq_in_index: unknown
  column_name: string | null
  index_type: string
  expression: string | null
}

export interface PartitionRow {
  table_schema: string
  table_name: string
  partition_name: string
  partition_method: string | null
  partition_expression: string | null
}

export interface ViewRow {
  table_schema: string
  table_name: string
  view_definition: string | null
}

export interface ViewUsageRow {
  view_schema: string
  view_name: string
  table_schema: string
  table_name: string
}

export interface TriggerRow {
  trigger_schema: string
  trigger_name: string
  event_manipulation: string
  event_object_schema: string
  event_object_table: string
  action_statement: string
  action_timing: string
}

export interface RoutineRow {
  routine_schema: string
  routine_name: string
  routine_type: string
  specific_name: string
  dtd_identifier: string | null
  routine_body: string | null
}

export interface ParameterRow {
  specific_schema: string
  specific_name: string
  routine_type: string
  ordinal_position: unknown
  parameter_mode: string | null
  parameter_name: string | null
  dtd_identifier: string | null
}

/** Which optional information_schema tables/columns this server has. */
export interface Features {
  checkConstraints: boolean
  checkConstraintsHaveTable: boolean
  viewTableUsage: boolean
  statisticsExpression: boolean
}

/** Every row the reader needs, of the given schemas. */
export interface MysqlRows {
  features: Features
  tableRows: TableRow[]
  columnRows: ColumnRow[]
  constraintRows: ConstraintRow[]
  keyColumnRows: KeyColumnRow[]
  referentialRows: ReferentialRow[]
  checkRows: CheckRow[]
  statisticsRows: StatisticsRow[]
  partitionRows: PartitionRow[]
  viewRows: ViewRow[]
  viewUsageRows: ViewUsageRow[] | null
  triggerRows: TriggerRow[]
  routineRows: RoutineRow[]
  parameterRows: ParameterRow[]
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

export async function readMysqlRows(conn: Connection, schemas: string[]): Promise<MysqlRows> {
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
  return {features, tableRows, columnRows, constraintRows, keyColumnRows, referentialRows, checkRows, statisticsRows, partitionRows, viewRows, viewUsageRows, triggerRows, routineRows, parameterRows}
}

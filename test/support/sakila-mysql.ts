/**
 * Sakila on MariaDB/MySQL, built from the corpus' neutral schema.json (the corpus ships the
 * PostgreSQL schema only): every table with its columns (types mapped), primary and foreign keys,
 * `rows` rows per table that satisfy every foreign key (row i of a table references row i of its
 * parents), and triggers like the real MySQL sakila's — a one-statement BEFORE UPDATE trigger on
 * every table with `last_update`, and a compound (BEGIN … END) BEFORE INSERT trigger on film —
 * so that moves exercise trigger re-creation. Read from /work/shared, never copied into the repo.
 */
import {existsSync, readFileSync} from 'node:fs'

import {mysqlIdent as id, mysqlLiteral as lit} from '../../src/plan/quote.js'

export const SAKILA_SCHEMA_JSON = '/work/shared/corpora/sakila/schema.json'

interface CorpusTable {
  name: string
  columns: {name: string; type: string; nullable: boolean}[]
  primaryKey: string[]
  foreignKeys?: {columns: string[]; refTable: string; refColumns: string[]}[]
}

export function sakilaAvailable(): boolean {
  return existsSync(SAKILA_SCHEMA_JSON)
}

export function sakilaTables(): CorpusTable[] {
  return (JSON.parse(readFileSync(SAKILA_SCHEMA_JSON, 'utf8')) as {tables: CorpusTable[]}).tables
}

/** PostgreSQL type → MySQL type, and a value for row i. */
function mapType(pgType: string, column: string): {sql: string; value: (i: number) => string} {
  const t = pgType.toLowerCase()
  const varchar = /^character varying\((\d+)\)$/.exec(t) ?? /^character\((\d+)\)$/.exec(t)
  if (varchar) {
    const n = Number(varchar[1])
    return {sql: `VARCHAR(${n})`, value: (i) => lit(`${column.slice(0, Math.max(1, n - 8))}-${i}`.slice(0, n))}
  }
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(t)
  if (numeric) return {sql: `DECIMAL(${numeric[1]},${numeric[2]})`, value: (i) => `${i % 90}.${String(i % 100).padStart(2, '0')}`}
  if (t === 'integer' || t === 'int') return {sql: 'INT', value: (i) => String(i)}
  if (t === 'smallint') return {sql: 'SMALLINT', value: (i) => String(i % 30000)}
  if (t === 'boolean') return {sql: 'TINYINT(1)', value: (i) => String(i % 2)}
  if (t === 'date') return {sql: 'DATE', value: (i) => lit(`2006-02-${String((i % 28) + 1).padStart(2, '0')}`)}
  if (t.startsWith('timestamp')) return {sql: 'DATETIME', value: (i) => lit(`2006-02-15 04:${String(i % 60).padStart(2, '0')}:00`)}
  if (t === 'bytea') return {sql: 'BLOB', value: (i) => `X'${(i % 256).toString(16).padStart(2, '0')}ff'`}
  // text, text[], tsvector, the mpaa_rating enum: text is what an application would store.
  return {sql: 'TEXT', value: (i) => lit(`${column} ${i}`)}
}

/** The statements that create and fill sakila in the current database. */
export function sakilaMysqlSql(rows: number): string[] {
  const tables = sakilaTables()
  const out = ['SET SESSION foreign_key_checks = 0']
  for (const t of tables) {
    const cols = t.columns.map((c) => `${id(c.name)} ${mapType(c.type, c.name).sql} ${c.nullable ? 'NULL' : 'NOT NULL'}`)
    const fks = (t.foreignKeys ?? []).map((f, k) => `CONSTRAINT ${id(`fk_${t.name}_${k}`)} FOREIGN KEY (${f.columns.map(id).join(', ')}) REFERENCES ${id(f.refTable)} (${f.refColumns.map(id).join(', ')})`)
    out.push(`CREATE TABLE ${id(t.name)} (\n  ${[...cols, `PRIMARY KEY (${t.primaryKey.map(id).join(', ')})`, ...fks].join(',\n  ')}\n) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4`)
    const values: string[] = []
    for (let i = 1; i <= rows; i++) values.push(`(${t.columns.map((c) => mapType(c.type, c.name).value(i)).join(', ')})`)
    out.push(`INSERT INTO ${id(t.name)} (${t.columns.map((c) => id(c.name)).join(', ')}) VALUES ${values.join(', ')}`)
    if (t.columns.some((c) => c.name === 'last_update')) {
      out.push(`CREATE TRIGGER ${id(`${t.name}_touch`)} BEFORE UPDATE ON ${id(t.name)} FOR EACH ROW SET NEW.last_update = CURRENT_TIMESTAMP`)
    }
  }
  if (tables.some((t) => t.name === 'film')) {
    out.push('CREATE TRIGGER `film_defaults` BEFORE INSERT ON `film` FOR EACH ROW BEGIN IF NEW.rental_duration IS NULL OR NEW.rental_duration < 1 THEN SET NEW.rental_duration = 3; END IF; END')
  }
  out.push('SET SESSION foreign_key_checks = 1')
  return out
}

/** Three contexts over sakila's 15 tables, with foreign keys between them (the plan replaces them). */
export function sakilaContexts(prefix: string): {name: string; owner: string; tables: string[]}[] {
  return [
    {name: `${prefix}-geo`, owner: 'geo-service', tables: ['country', 'city', 'address']},
    {name: `${prefix}-catalog`, owner: 'catalog-service', tables: ['film', 'actor', 'film_actor', 'category', 'film_category', 'language']},
    {name: `${prefix}-store`, owner: 'store-service', tables: ['store', 'staff', 'inventory', 'customer', 'rental', 'payment']},
  ]
}

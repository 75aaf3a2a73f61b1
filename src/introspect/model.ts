/**
 * The catalog: one engine-neutral description of a database's structure.
 *
 * Every driver (PostgreSQL, PGlite, MySQL/MariaDB) yields exactly this shape, and every later
 * stage (graph, boundaries, plan) reads only this shape — the way tbls puts each database behind
 * one driver that yields one schema model. Keep it plain data: it is written to JSON as is.
 */

import type {Engine, Flavor} from '../db/engine.js'

// Defined in the db leaf (a connection has an engine before any catalog is read); re-exported for
// the modules that name them with the catalog.
export type {Engine, Flavor} from '../db/engine.js'

export const CATALOG_FORMAT = 'carve.catalog/v1' as const

export interface DatabaseInfo {
  engine: Engine
  flavor: Flavor
  /** As the server reports it, e.g. "15.20" or "10.11.19-MariaDB". */
  serverVersion: string
  /** Numeric major version, e.g. 15 or 10. */
  serverMajor: number
  /** The database (PostgreSQL) or default schema (MySQL) that was inspected. */
  name: string
}

/** Fully qualified reference to a relation. */
export interface RelationRef {
  schema: string
  name: string
}

export interface Column {
  name: string
  /** Formatted type as the server prints it: "character varying(255)", "int(11)", "timestamp with time zone". */
  type: string
  nullable: boolean
  /** The default expression's text, or null. Identity and generated columns have null here. */
  default: string | null
  /** 'always' / 'by default' for identity columns (PostgreSQL) and 'auto_increment' for MySQL. */
  identity: 'always' | 'by default' | 'auto_increment' | null
  /** Expression of a generated (computed) column. */
  generated: string | null
  comment: string | null
  /** 1-based position in the table. */
  position: number
}

export interface ForeignKey {
  name: string
  columns: string[]
  refSchema: string
  refTable: string
  refColumns: string[]
  onDelete: ReferentialAction
  onUpdate: ReferentialAction
  deferrable: boolean
  /** False for a PostgreSQL constraint added NOT VALID and not yet validated. */
  validated: boolean
}

export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default'

export interface UniqueConstraint {
  name: string
  columns: string[]
}

export interface CheckConstraint {
  name: string
  expression: string
}

export interface Index {
  name: string
  columns: string[]
  unique: boolean
  primary: boolean
  /** Access method: btree, hash, gin, gist, fulltext ... */
  method: string
  /** Partial-index predicate, if any. */
  predicate: string | null
  /** Full definition as the server prints it (PostgreSQL), or null. */
  definition: string | null
}

export interface Trigger {
  name: string
  /** BEFORE / AFTER / INSTEAD OF */
  timing: string
  /** INSERT, UPDATE, DELETE, TRUNCATE */
  events: string[]
  level: 'row' | 'statement'
  /** The function it runs (PostgreSQL) or null where the body is inline (MySQL). */
  function: RelationRef | null
  /** Full definition text. */
  definition: string
  enabled: boolean
}

export interface Partitioning {
  strategy: 'range' | 'list' | 'hash' | 'key' | 'linear hash' | 'linear key'
  key: string
  partitions: string[]
}

export interface Table extends RelationRef {
  kind: 'table' | 'partitioned'
  comment: string | null
  columns: Column[]
  /** Column names of the primary key, in key order; empty when the table has none. */
  primaryKey: string[]
  primaryKeyName: string | null
  uniques: UniqueConstraint[]
  checks: CheckConstraint[]
  foreignKeys: ForeignKey[]
  indexes: Index[]
  triggers: Trigger[]
  /** Planner estimate (reltuples / TABLE_ROWS); null when the table was never analyzed. */
  estimatedRows: number | null
  /** Heap + indexes + toast, in bytes; null when the server does not say. */
  sizeBytes: number | null
  partitioning: Partitioning | null
  /** For a partition: its parent. Partitions are listed as tables too. */
  partitionOf: RelationRef | null
  /** Facts Carve derives from the structure; see derive.ts. */
  flags: TableFlags
}

export interface TableFlags {
  /** Effective-dated (type 2 slowly-changing dimension) table: the open/close date columns. */
  scd2: {from: string; to: string} | null
  /** The column carrying the tenant, if the table is tenant-scoped. */
  tenantColumn: string | null
  /** Why the table looks deprecated (comment or name), or null. */
  deprecated: string | null
}

export interface View extends RelationRef {
  materialized: boolean
  /** Materialized views only: false for one created WITH NO DATA and never refreshed (it cannot be read). */
  populated?: boolean
  definition: string
  comment: string | null
  columns: Pick<Column, 'name' | 'type'>[]
  /** Tables and views the view reads, from the server's dependency records. */
  dependsOn: RelationRef[]
}

export interface FunctionInfo extends RelationRef {
  /** Argument list as the server prints it. */
  arguments: string
  returns: string
  language: string
  kind: 'function' | 'procedure' | 'aggregate' | 'window'
  /** Triggers that call it. */
  usedByTriggers: string[]
}

export interface Sequence extends RelationRef {
  dataType: string
  /** The column that owns the sequence (serial / identity), if any. */
  ownedBy: {schema: string; table: string; column: string} | null
}

export interface EnumType extends RelationRef {
  values: string[]
}

/** A reference the application holds without a declared foreign key, inferred from names. */
export interface InferredReference {
  from: RelationRef & {columns: string[]}
  to: RelationRef & {columns: string[]}
  /** 'high' when names and types match exactly, 'medium' when only the stem matches. */
  confidence: 'high' | 'medium'
  evidence: string
}

export interface Catalog {
  format: typeof CATALOG_FORMAT
  database: DatabaseInfo
  /** The schemas that were inspected (MySQL: databases). */
  schemas: string[]
  tables: Table[]
  views: View[]
  functions: FunctionInfo[]
  sequences: Sequence[]
  enums: EnumType[]
  inferredReferences: InferredReference[]
  /** How the catalog was read: number of catalog queries and milliseconds, for honesty about N+1. */
  stats: {catalogQueries: number; elapsedMs: number}
}

export function qualifiedName(ref: RelationRef): string {
  return `${ref.schema}.${ref.name}`
}

/**
 * workload.json: who reads and writes what, learned from query logs. Written by
 * `carve workload ingest`, read by `carve workload show` and by discovery.
 *
 * Table names are as the statements wrote them, with the default schema dropped (`public` on
 * PostgreSQL, the session's database on MySQL): `orders`, `billing.invoices`.
 * Statement texts are masked (literals → `?`): logs hold customer data, workload files do not.
 */
import type {StatementKind} from './statement.js'

export const WORKLOAD_FORMAT = 'carve.workload/v1' as const

export type TableClassification = 'single-writer' | 'shared-writers' | 'common' | 'read-only' | 'untouched'

export interface WorkloadSource {
  file: string
  format: string
  lines: number
  events: number
  warnings: string[]
  /** MySQL logs: administrator commands (Connect, Quit, Init DB, …) per command, not counted as statements. */
  adminCommands?: Record<string, number>
}

export interface StatementStats {
  fingerprint: string
  kind: StatementKind
  /** The statement with literals masked, comments removed. */
  text: string
  calls: number
  totalMs: number
  rows: number
  services: Record<string, number>
  reads: string[]
  writes: string[]
  locks: string[]
  ddl: string[]
  /** Tables VACUUM / ANALYZE / CLUSTER / REINDEX (or MySQL's OPTIMIZE …) worked on: not reads. */
  maintenance?: string[]
  joins: [string, string][]
  /** Some tables were found by a fallback, not the parse tree (see StatementInfo.approximate). */
  approximate?: true
}

export interface TableAccess {
  service: string
  table: string
  read: number
  write: number
  lock: number
  ddl: number
}

export interface WeightedGroup {
  tables: string[]
  calls: number
  services: Record<string, number>
}

export interface TableUsage {
  table: string
  readers: Record<string, number>
  writers: Record<string, number>
  /** Services that only changed the table's structure (migration tooling). */
  ddl: Record<string, number>
  classification: TableClassification
}

export interface ServiceSummary {
  name: string
  calls: number
  /** How its statements were attributed: sqlcommenter, application, user-map, client-map, user, none. */
  evidence: Record<string, number>
}

export interface Workload {
  format: typeof WORKLOAD_FORMAT
  engine: 'postgres' | 'mysql'
  window: {from: string | null; to: string | null}
  sources: WorkloadSource[]
  totals: {
    events: number
    calls: number
    fingerprints: number
    parsedCalls: number
    unparsedCalls: number
    transactions: number
    multiTableWriteTransactions: number
    /** Executions of statements whose tables were found (partly) by a fallback: counted, flagged. */
    approximateCalls?: number
  }
  services: ServiceSummary[]
  statements: StatementStats[]
  access: TableAccess[]
  /** Accesses to system catalogs (pg_catalog, information_schema, mysql.* …): not application tables. */
  system?: TableAccess[]
  joins: WeightedGroup[]
  /** Transactions that wrote two or more tables: tomorrow's distributed transactions. */
  transactions: WeightedGroup[]
  tables: TableUsage[]
  unparsed: {calls: number; distinct: number; samples: {text: string; error: string; file: string; line: number}[]}
}

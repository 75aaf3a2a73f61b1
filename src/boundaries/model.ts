/**
 * A proposal of bounded contexts: which tables belong together, who should own them, and what
 * stands in the way. Produced by discovery (propose.ts), shaped by a person (the boundaries file,
 * the interactive session), read by the plan stage and every exporter.
 *
 * Table keys: the table's name when it lives in the database's default schema (`public`, or the
 * MySQL database), else `schema.name` — the same keys the workload uses.
 */

export type AccessClass =
  | 'owner write'
  | 'owner read'
  | 'foreign read'
  | 'foreign write'
  | 'report read'
  | 'migration-only'
  | 'deprecated'

export interface ContextMetrics {
  tables: number
  /** Declared FKs from this context's tables to other contexts' tables. */
  crossFksOut: number
  /** Declared FKs from other contexts into this one. */
  crossFksIn: number
  /** Statement executions joining this context's tables with another context's. */
  crossJoinCalls: number
  /** Write transactions that also wrote another context's tables. */
  crossWriteTransactions: number
  /** Services other than the owner that write this context's tables. */
  foreignWriters: string[]
}

export interface ProposedContext {
  /** Readable, unique, kebab-case: from the tables' common stem or the main writing service. */
  name: string
  /** Proposed owner service (the one writing it most), null without a workload. */
  owner: string | null
  description: string
  tables: string[]
  /** Tables a person pinned here (never moved by re-clustering). */
  pinned: string[]
  metrics: ContextMetrics
}

export interface TableAccess {
  consumer: string
  access: AccessClass
  calls: number
}

export interface TableReport {
  table: string
  context: string
  /** shared reference / shared kernel: read from many contexts, down-weighted in clustering. */
  reference: boolean
  deprecated: boolean
  scd2: boolean
  tenantScoped: boolean
  /** Writers from the workload; more than one is a multi-writer table. */
  writers: string[]
  access: TableAccess[]
  /** Why it is in its context: its ties there (FKs, name family, joins, …) and who writes it. */
  evidence: string[]
}

export interface Coupling {
  from: string
  to: string
  /** Declared and inferred FKs from `from`'s tables to `to`'s. */
  fks: number
  joinCalls: number
  writeTransactions: number
}

export interface Proposal {
  format: 'carve.proposal/v1'
  /** Louvain resolution used, and how it was chosen. */
  resolution: number
  resolutionChoice: 'fixed' | 'auto'
  seed: number
  modularity: number
  contexts: ProposedContext[]
  /** Hub / reference tables detected and down-weighted: shared-kernel candidates. */
  referenceTables: string[]
  tables: TableReport[]
  couplings: Coupling[]
  totals: {
    crossContextFks: number
    /** Share (0–1) of statement executions with a join that crosses contexts. */
    crossContextJoinShare: number
    crossContextWriteTransactions: number
    multiWriterTables: string[]
  }
}

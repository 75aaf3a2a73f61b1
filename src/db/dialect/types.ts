/**
 * What differs between engines when a plan runs: one ExecutionDialect per engine (postgres.ts —
 * PostgreSQL and PGlite —, mysql.ts — MySQL and MariaDB), picked by dialectOf (index.ts). The
 * executor, the ledger, the plan lock and preflight ask the dialect instead of testing the engine
 * (Kysely's and tbls' idea: each engine behind one adapter).
 */
import type {Connection} from '../connection.js'
import type {Engine} from '../../introspect/model.js'

/** One statement of a script: its text (trimmed) and where its piece starts in the script. */
export interface Statement {
  text: string
  offset: number
}

/** Who holds a plan's lock (carve status, lock waits). */
export interface LockHolder {
  pid: number
  application: string | null
  client: string | null
  user: string | null
  since: string | null
}

/** The one-run-per-plan lock: held for the session, so a killed run releases it by dying. */
export interface PlanLockSql {
  /** Take it without waiting: true when taken. */
  tryTake(conn: Connection, planName: string): Promise<boolean>
  release(conn: Connection, planName: string): Promise<void>
  holder(conn: Connection, planName: string): Promise<LockHolder | null>
}

/** How the ledger's SQL is spelled here (the ledger's logic is in execute/ledger.ts). */
export interface LedgerSql {
  /** Create the ledger tables when missing (serialised between concurrent runs where the engine can). */
  ensure(conn: Connection): Promise<void>
  exists(conn: Connection): Promise<boolean>
  /** The key ledger rows are stored under (the ledger may be shared by several databases). */
  planKey(conn: Connection, planName: string): string
  /** `$n` placeholders (each used once, in order) in this engine's form. */
  params(sql: string): string
  now: string
  clock: string
  currentUser: string
  /** ON CONFLICT / ON DUPLICATE KEY clause updating `columns` of (plan, step). */
  upsert(columns: string[]): string
  /** A JSON column's value as read back. */
  json(value: unknown): unknown
}

/** Server facts preflight reads (privileges, replication settings); null where the engine has none of them. */
export interface ServerPrivileges {
  /** PostgreSQL's replication settings (null where unreadable). */
  walLevel: string | null
  maxReplicationSlots: number | null
  maxWalSenders: number | null
  superuser: boolean
  replication: boolean
  createDb: boolean
  createRole: boolean
  /** Roles that exist, among those the plan's contexts name. */
  existingRoles: string[]
}

export interface ExecutionDialect {
  engine: Engine
  /** The engine as people name it in messages. */
  name: string
  /** DDL inside a transaction commits or rolls back with it: a step can be all or nothing. */
  transactionalDdl: boolean
  /** A single embedded database (PGlite): no second database, no replication. */
  embedded: boolean
  /** The physical split (logical replication or change capture, row copies) runs here. */
  physicalSplit: boolean
  /** Role privileges (CREATEROLE, CREATEDB, replication) can be read before a run. */
  readsPrivileges: boolean
  /** Said once when an apply starts, when steps here cannot be one transaction. */
  applyNotice: string | null
  /** Hint after a failed statement-by-statement rollback. */
  partialRollbackHint: string
  /** Why a step runs statement by statement here (dry run). */
  statementByStatementReason: string
  beginTransaction: string
  /** Inside a transaction: bound lock waits to `ms` for it alone (null: the engine has no such thing). */
  transactionLockTimeout(ms: number): string | null
  /** For the session, and back to the server's default. */
  sessionLockTimeout(ms: number): string[]
  resetSessionLockTimeout: string[]
  /**
   * For a statement journal (execute/journal.ts, where DDL is not transactional): metadata locks
   * asked for without queueing (refused at once; the journal asks again after a short pause),
   * row lock waits bounded by `ms`; `resetSessionLockTimeout` sets them back. Null where steps
   * run in transactions and are never journaled.
   */
  journalLockTimeout: ((ms: number) => string[]) | null
  /** Did the statement lose a race with concurrent traffic (nothing of it happened; worth retrying)? */
  isRetryable(error: unknown): boolean
  /** A script cut into the statements the server takes one at a time. */
  splitStatements(script: string): Promise<Statement[]>
  quoteIdent(name: string): string
  lock: PlanLockSql
  ledger: LedgerSql
  privileges(conn: Connection, roles: string[]): Promise<ServerPrivileges | null>
}

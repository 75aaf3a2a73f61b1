/**
 * What plan generation does differently per engine, outside the step generators: how events can
 * leave the database, the knex migrations, the API stubs' engine and type names, and what the
 * live server tells the plan before it is generated. One object per engine (postgres.ts,
 * mysql.ts), picked once by `planDialect(engine)`.
 */
import type {Connection} from '../../db/connection.js'
import type {SplitModeChoice, SplitModeFlag} from '../split-mode.js'
import type {MappedType} from '../stubs/type-shapes.js'

export interface ServerReadOptions {
  /** The names of the contexts the boundaries file holds. */
  contexts: string[]
  /** How events leave the database (--outbox). */
  outbox: 'wal' | 'trigger'
  /** The plan includes the physical split; `mode` is --split-mode when given. */
  split: {mode: SplitModeFlag | undefined} | null
}

/** What the live server tells the plan: the split's sync mode and notes for plan.notes. */
export interface ServerFacts {
  splitMode?: SplitModeChoice
  notes: string[]
}

export interface PlanDialect {
  /**
   * The server's write-ahead log can be decoded: events can come from a publication (--outbox
   * wal), read by Debezium's PostgreSQL connector or carve relay.
   */
  logicalDecoding: boolean
  /** How a table is written where it now lives, as the engine quotes it (comments of generated code). */
  quoteRelation(schema: string, name: string): string
  /** knexfile.cjs: the knex client and the expression of its connection. */
  knex: {client: string; connection: string}
  /** Why a step's knex migration runs outside a transaction; null when it runs inside one. */
  outsideTransaction(step: {transactional: boolean}): string | null
  /** The API server stub's ENGINE constant (templates/api/contract.ts). */
  serverEngine: 'postgresql' | 'mysql'
  /** A column type the engine names its own way (`tinyint(1)`, `enum(…)`), or null for the shared mapping. */
  apiType(type: string, base: string): MappedType | null
  /** Read what the plan needs to know of the server it is generated from. */
  readServer(conn: Connection, options: ServerReadOptions): Promise<ServerFacts>
}

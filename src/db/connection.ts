import type {Engine, Flavor} from './engine.js'

/**
 * One open database session, whatever the server. Catalog readers and later stages talk to this
 * and nothing else, so PGlite, PostgreSQL and MySQL/MariaDB are interchangeable behind it.
 *
 * Placeholders are the engine's own: `$1` for PostgreSQL/PGlite, `?` for MySQL.
 */
export interface Connection {
  readonly engine: Engine
  readonly flavor: Flavor
  /** Where we are connected, safe to print: the password is never part of it. */
  readonly label: string
  /** The current database name. */
  readonly database: string
  /** Server version string and numeric major version. */
  readonly serverVersion: string
  readonly serverMajor: number
  /** Run one statement and return its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>
  /** Run a script of several statements (no parameters, no result). */
  exec(sql: string): Promise<void>
  /** Number of statements sent through query() since opening; benchmarks and tests read it. */
  readonly queryCount: number
  /**
   * Run `work` with a second session on the same server that sees exactly this session's
   * snapshot (both in one read-only repeatable-read transaction, as pg_dump's parallel mode
   * does), so independent reads can run side by side. Only where a second session exists
   * (PostgreSQL servers; PGlite is one session). Queries on it count into queryCount.
   */
  withSecondSession?<T>(work: (second: Connection['query']) => Promise<T>): Promise<T>
  close(): Promise<void>
}

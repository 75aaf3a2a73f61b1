/**
 * The execution dialect of a connection or a plan: looked up by flavor (PGlite is PostgreSQL in
 * one embedded session), never decided by testing the engine elsewhere.
 */
import type {Connection} from '../connection.js'
import type {Engine, Flavor} from '../../introspect/model.js'
import {mysqlDialect} from './mysql.js'
import {pgliteDialect, postgresDialect} from './postgres.js'
import type {ExecutionDialect} from './types.js'

export type {ExecutionDialect, LockHolder, Statement} from './types.js'

const BY_FLAVOR: Record<Flavor, ExecutionDialect> = {postgresql: postgresDialect, pglite: pgliteDialect, mysql: mysqlDialect, mariadb: mysqlDialect}
const BY_ENGINE: Record<Engine, ExecutionDialect> = {postgres: postgresDialect, mysql: mysqlDialect}

export function dialectOf(conn: Pick<Connection, 'flavor'>): ExecutionDialect {
  return BY_FLAVOR[conn.flavor]
}

/** For a plan read without a connection (dry run without --db): the engine's server dialect. */
export function dialectOfEngine(engine: Engine): ExecutionDialect {
  return BY_ENGINE[engine]
}

/**
 * What reading a workload does differently per engine, outside the log parsers (which know their
 * own format): the name statements give a catalog table, and where the server says how its log
 * lines are prefixed. One object per engine, picked once by `workloadDialect(engine)`; the live
 * statistics are engine-specific sources of their own (sources/pg-stat-statements.ts,
 * sources/mysql-digest.ts).
 */
import type {Connection} from '../db/connection.js'
import type {Engine} from '../db/engine.js'
import type {RelationRef} from '../introspect/model.js'

export interface WorkloadDialect {
  /** The name a workload knows a catalog table by: what an unqualified statement calls it. */
  tableName(table: RelationRef): string
  /** The server's log_line_prefix, which its stderr logs were written with; undefined where there is none. */
  logLinePrefix(conn: Connection): Promise<string | undefined>
}

const postgres: WorkloadDialect = {
  tableName: (t) => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`),
  async logLinePrefix(conn) {
    // PGlite writes no server log.
    if (conn.flavor !== 'postgresql') return undefined
    return (await conn.query<{p: string}>(`select current_setting('log_line_prefix') as p`))[0]?.p
  },
}

const mysql: WorkloadDialect = {
  // Statements name tables of their default database bare, and a catalog reads one database.
  tableName: (t) => t.name,
  // MySQL/MariaDB logs have fixed layouts, recognised from their lines.
  logLinePrefix: async () => undefined,
}

const DIALECTS: Readonly<Record<Engine, WorkloadDialect>> = {postgres, mysql}

export function workloadDialect(engine: Engine): WorkloadDialect {
  return DIALECTS[engine]
}

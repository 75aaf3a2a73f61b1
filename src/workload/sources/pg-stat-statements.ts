/**
 * pg_stat_statements from a live PostgreSQL: one event per (role, query) with its totals.
 * It has no application name and keeps comments out of its normalized text, so services are
 * attributed by role (map roles to services with the service map).
 */
import type {Connection} from '../../db/connection.js'
import {requireEngine} from '../../db/engine.js'
import {CarveError} from '../../errors.js'
import type {EventSink} from '../events.js'
import type {SourceReport} from './report.js'

export async function readPgStatStatements(conn: Connection, sink: EventSink): Promise<SourceReport> {
  requireEngine(conn, 'postgres', () => new CarveError('workload.pgss', 'pg_stat_statements is a PostgreSQL extension', {hint: 'for MySQL/MariaDB use --format mysql-digest'}))
  const [ext] = await conn.query<{installed: boolean}>(`select exists (select 1 from pg_extension where extname = 'pg_stat_statements') as installed`)
  if (!ext?.installed) {
    throw new CarveError('workload.pgss', `pg_stat_statements is not installed in ${conn.label}`, {
      hint: "add pg_stat_statements to shared_preload_libraries (restart), then CREATE EXTENSION pg_stat_statements; or ingest the server's log files",
    })
  }
  const time = conn.serverMajor >= 13 ? 'total_exec_time' : 'total_time'
  let rows: {role: string; db: string; query: string; calls: string; ms: string; rows: string}[]
  try {
    rows = await conn.query(
      `select r.rolname as role, d.datname as db, s.query, s.calls::text as calls, s.${time}::text as ms, s.rows::text as rows
         from pg_stat_statements s join pg_roles r on r.oid = s.userid join pg_database d on d.oid = s.dbid
        where d.datname = current_database() and s.calls > 0
        order by s.calls desc`,
    )
  } catch (error) {
    throw new CarveError('workload.pgss', `reading pg_stat_statements failed: ${(error as Error).message}`, {
      hint: 'the user needs pg_read_all_stats to see other roles\' statements',
      cause: error,
    })
  }
  let n = 0
  for (const r of rows) {
    if (r.query === '<insufficient privilege>') continue
    n++
    sink({sql: r.query, calls: Number(r.calls), totalMs: Number(r.ms), rows: Number(r.rows), user: r.role, database: r.db, file: `pg_stat_statements@${conn.label}`, line: n})
  }
  const hidden = rows.length - n
  return {
    format: 'pg_stat_statements',
    lines: rows.length,
    events: n,
    warnings: hidden ? [{file: conn.label, message: `${hidden} statements hidden by "<insufficient privilege>": grant pg_read_all_stats`}] : [],
  }
}

/**
 * Throttles a backfill consults before every batch (like gh-ost's): each returns the ms to wait
 * before asking again, 0 to go.
 */
import type {Connection} from '../db/connection.js'

/**
 * A throttle that waits while a replica or a replication slot lags more than `maxLagBytes` of
 * WAL behind this server (pg_stat_replication for streaming replicas, active slots for logical
 * subscribers — an inactive slot is a stopped consumer, and waiting for it would wait forever).
 * Without the privilege to see the LSNs (pg_read_all_stats) it never waits.
 */
export function replicationLagThrottle(conn: Connection, maxLagBytes: number, waitMs = 500): () => Promise<number> {
  return async () => {
    const [row] = await conn.query<{lag: number | null}>(
      `SELECT CASE WHEN pg_is_in_recovery() THEN 0 ELSE greatest(
         (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(replay_lsn, flush_lsn, write_lsn, sent_lsn))) FROM pg_stat_replication),
         (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), coalesce(confirmed_flush_lsn, restart_lsn))) FROM pg_replication_slots WHERE active)
       ) END::float8 AS lag`,
    )
    return Number(row?.lag ?? 0) > maxLagBytes ? waitMs : 0
  }
}

/** A throttle that waits while more than `maxActive` other client sessions are running a statement. */
export function loadThrottle(conn: Connection, maxActive: number, waitMs = 250): () => Promise<number> {
  return async () => {
    const [row] = await conn.query<{n: number}>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    )
    return Number(row?.n ?? 0) > maxActive ? waitMs : 0
  }
}

/** Several throttles as one: the longest wait wins. */
export function combineThrottles(...throttles: (() => Promise<number>)[]): (() => Promise<number>) | undefined {
  if (!throttles.length) return undefined
  return async () => {
    let wait = 0
    for (const t of throttles) wait = Math.max(wait, await t())
    return wait
  }
}

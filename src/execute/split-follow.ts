/**
 * How one side of a split catches up with the other: the heartbeat (bumped on one side, awaited
 * on the other: logical replication) and the followers built on it or on change capture.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import {HEARTBEAT_TABLE, type SplitSpec} from '../steps/split/generate.js'
import {qualified} from '../plan/quote.js'
import type {CopyTable} from './backfill.js'
import {applyChanges, pendingChanges} from './change-capture.js'
import {OUTBOX_COLUMNS, relationExists} from './replication.js'
import {sleep} from '../util/sleep.js'

// ——— heartbeat ——————————————————————————————————————————————————————————————————————

/**
 * Bump the context's heartbeat on `conn` (committed with synchronous_commit on, so the WAL
 * sender can ship it at once) and return the new sequence number. When the other side shows
 * it, every transaction committed before the bump has been applied there.
 */
export async function bumpHeartbeat(conn: Connection, meta: string, context: string): Promise<number> {
  await conn.exec(`BEGIN; SET LOCAL synchronous_commit = on;`)
  try {
    const rows = await conn.query<{seq: string}>(
      `UPDATE ${qualified(meta, HEARTBEAT_TABLE)} SET seq = seq + 1, at = clock_timestamp() WHERE context = $1 RETURNING seq::text`,
      [context],
    )
    await conn.exec('COMMIT')
    if (!rows[0]) throw new CarveError('split.heartbeat', `no heartbeat row for context ${context} in ${conn.database}`, {hint: 'split-prepare creates it; apply that step again'})
    return Number(rows[0].seq)
  } catch (error) {
    await conn.exec('ROLLBACK').catch(() => {})
    throw error
  }
}

export async function heartbeatSeq(conn: Connection, meta: string, context: string): Promise<number> {
  const [row] = await conn.query<{seq: string}>(`SELECT seq::text FROM ${qualified(meta, HEARTBEAT_TABLE)} WHERE context = $1`, [context])
  return row ? Number(row.seq) : -1
}

export interface WaitOptions {
  /** performance.now() value after which waiting fails; Infinity: wait until done or aborted. */
  deadline: number
  signal?: AbortSignal
  pollMs: number
  /** Called about once a second while waiting. */
  onWait?: (waitedMs: number) => Promise<void> | void
}

export class DeadlineExceeded extends Error {
  constructor(what: string) {
    super(`${what}: deadline exceeded`)
    this.name = 'DeadlineExceeded'
  }
}

/** Wait until the heartbeat shows `seq` on `conn`; returns the milliseconds waited. */
export async function waitHeartbeat(conn: Connection, meta: string, context: string, seq: number, options: WaitOptions): Promise<number> {
  const started = performance.now()
  let lastReport = started
  for (;;) {
    if ((await heartbeatSeq(conn, meta, context)) >= seq) return performance.now() - started
    const now = performance.now()
    if (now > options.deadline) throw new DeadlineExceeded('catch-up')
    if (options.signal?.aborted) throw new DeadlineExceeded('catch-up (interrupted)')
    if (options.onWait && now - lastReport >= 1000) {
      lastReport = now
      await options.onWait(now - started)
    }
    await sleep(Math.min(options.pollMs, Math.max(1, options.deadline - now)))
  }
}

// ——— followers: how one side catches up with the other ——————————————————————————————

/** Bring one side up to date with every change committed on the other so far. */
export interface Follower {
  /**
   * Returns the milliseconds it took. `exact`: keep going until nothing is pending (only
   * meaningful while writes are paused); otherwise one pass over what was pending is enough.
   */
  catchUp(deadline: number, exact?: boolean): Promise<number>
  readonly how: string
}

/** Logical replication: bump the heartbeat on `from`, wait for it on `to`. */
export function heartbeatFollower(beat: Connection, to: Connection, spec: SplitSpec, signal?: AbortSignal, onWait?: WaitOptions['onWait']): Follower {
  return {
    how: 'logical replication',
    async catchUp(deadline) {
      const seq = await bumpHeartbeat(beat, spec.meta_schema, spec.context)
      return waitHeartbeat(to, spec.meta_schema, spec.context, seq, {deadline, pollMs: Number.isFinite(deadline) ? 2 : 50, signal, onWait})
    },
  }
}

/** A session on `conn`'s database that writes as a replica: guards, FKs and carried triggers do not fire. */
export async function replicaSession(open: () => Promise<Connection>): Promise<Connection> {
  const conn = await open()
  await conn.exec(`SET session_replication_role = replica`)
  return conn
}

/**
 * Change capture: drain the queues of `tables` on `from` into `to` (a replica session, see
 * replicaSession). Each queued key is re-read on `from` and written on `to` — Backfill's
 * applyChanges, idempotent and order-free.
 */
export function captureFollower(from: Connection, to: Connection, tables: CopyTable[], signal?: AbortSignal): Follower {
  return {
    how: 'change capture',
    async catchUp(deadline, exact = true) {
      const started = performance.now()
      for (;;) {
        for (const t of tables) await applyChanges(from, to, t, {signal})
        if (!exact) return performance.now() - started
        let pending = 0
        for (const t of tables) pending += await pendingChanges(from, t.source)
        if (pending === 0) return performance.now() - started
        if (performance.now() > deadline) throw new DeadlineExceeded('drain')
        if (signal?.aborted) throw new DeadlineExceeded('drain (interrupted)')
      }
    },
  }
}

/** The tables change capture drains for a split, in one direction: the keyed tables, plus the outbox when it moved. */
export async function captureTables(conn: Connection, spec: SplitSpec, direction: 'forward' | 'reverse'): Promise<CopyTable[]> {
  const tables: CopyTable[] = spec.tables
    .filter((t) => t.key.length)
    .map((t) => (direction === 'forward' ? {source: t.source, target: t.target, key: t.key, columns: t.columns} : {source: t.target, target: t.source, key: t.key, columns: t.columns}))
  if (await relationExists(conn, spec.outbox)) tables.push({source: spec.outbox, target: spec.outbox, key: ['id'], columns: [...OUTBOX_COLUMNS]})
  return tables
}

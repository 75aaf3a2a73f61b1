/**
 * One run per plan at a time. PostgreSQL: a session-level advisory lock on a key derived from
 * the plan name (pg_try_advisory_lock, polled with backoff so a waiting run can give up after
 * --lock-timeout and say who holds it); MySQL/MariaDB: GET_LOCK on a name holding the database
 * and the plan. The lock lives as long as the session: a killed run releases it by dying.
 */
import {createHash} from 'node:crypto'

import type {Connection} from '../db/connection.js'
import {CarveError, EXIT} from '../errors.js'
import {sleep} from '../util/sleep.js'

export interface LockHolder {
  pid: number
  application: string | null
  client: string | null
  user: string | null
  since: string | null
}

/** A signed 64-bit key (as decimal text) from the plan name: stable across runs and machines. */
export function planLockKey(planName: string): string {
  const digest = createHash('sha256').update(`carve.plan:${planName}`).digest()
  return digest.readBigInt64BE(0).toString()
}

/** MySQL lock names are at most 64 characters. */
export function mysqlLockName(conn: Connection, planName: string): string {
  const full = `carve:${conn.database}/${planName}`
  return full.length <= 64 ? full : `carve:${createHash('sha256').update(full).digest('hex').slice(0, 57)}`
}

export interface HeldLock {
  release(): Promise<void>
}

export interface LockOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Called once when the lock is busy and the run starts waiting. */
  onWait?: (holder: LockHolder | null) => void
}


async function tryLock(conn: Connection, planName: string): Promise<boolean> {
  if (conn.engine === 'postgres') {
    const [row] = await conn.query<{ok: boolean}>(`SELECT pg_try_advisory_lock(${planLockKey(planName)}::bigint) AS ok`)
    return Boolean(row?.ok)
  }
  const [row] = await conn.query<{ok: number | null}>('SELECT GET_LOCK(?, 0) AS ok', [mysqlLockName(conn, planName)])
  return Number(row?.ok) === 1
}

/** Take the plan's lock, waiting up to timeoutMs; throws a CarveError naming the holder. */
export async function acquirePlanLock(conn: Connection, planName: string, options: LockOptions): Promise<HeldLock> {
  const started = Date.now()
  let delay = 50
  let announced = false
  for (;;) {
    if (await tryLock(conn, planName)) {
      return {
        async release() {
          if (conn.engine === 'postgres') await conn.query(`SELECT pg_advisory_unlock(${planLockKey(planName)}::bigint)`).catch(() => {})
          else await conn.query('SELECT RELEASE_LOCK(?)', [mysqlLockName(conn, planName)]).catch(() => {})
        },
      }
    }
    if (!announced) {
      announced = true
      options.onWait?.(await lockHolder(conn, planName).catch(() => null))
    }
    const waited = Date.now() - started
    if (options.signal?.aborted) throw new CarveError('interrupted', 'interrupted while waiting for the plan lock', {exitCode: EXIT.interrupted})
    if (waited >= options.timeoutMs) {
      const holder = await lockHolder(conn, planName).catch(() => null)
      throw new CarveError('lock.busy', `another run holds the lock on plan "${planName}"${holder ? `: ${describeHolder(holder)}` : ''}; gave up after waiting ${formatMs(waited)}`, {
        exitCode: EXIT.failure,
        hint: 'wait for that run to finish (carve status shows it), or raise --lock-timeout; a killed run releases the lock when its connection closes',
      })
    }
    // Backoff with jitter: quick when the other run is about to finish, gentle when it is long.
    await sleep(Math.min(delay * (0.75 + Math.random() * 0.5), options.timeoutMs - waited), options.signal)
    delay = Math.min(delay * 2, 1000)
  }
}

/** Who holds the plan's lock now, or null when nobody does. */
export async function lockHolder(conn: Connection, planName: string): Promise<LockHolder | null> {
  if (conn.engine === 'postgres') {
    // A bigint advisory key is stored as classid (high 32 bits), objid (low 32 bits), objsubid 1.
    const key = BigInt.asUintN(64, BigInt(planLockKey(planName)))
    const high = Number(key >> 32n)
    const low = Number(key & 0xffffffffn)
    const [row] = await conn.query<{pid: number; application_name: string | null; client: string | null; usename: string | null; since: Date | string | null}>(
      `SELECT l.pid, a.application_name, coalesce(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local socket' END) AS client,
              a.usename, a.backend_start AS since
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.pid <> pg_backend_pid()
        LIMIT 1`,
      [high, low],
    )
    if (!row) return null
    return {pid: Number(row.pid), application: row.application_name || null, client: row.client ?? null, user: row.usename ?? null, since: toIso(row.since)}
  }
  const [row] = await conn.query<{id: number | null}>('SELECT IS_USED_LOCK(?) AS id', [mysqlLockName(conn, planName)])
  if (row?.id === null || row?.id === undefined) return null
  const [p] = await conn.query<{host: string | null; user: string | null; time: number | null}>(
    'SELECT HOST AS host, USER AS user, TIME AS time FROM information_schema.PROCESSLIST WHERE ID = ?',
    [row.id],
  )
  const since = p?.time !== null && p?.time !== undefined ? new Date(Date.now() - Number(p.time) * 1000).toISOString() : null
  return {pid: Number(row.id), application: null, client: p?.host ?? null, user: p?.user ?? null, since}
}

export function describeHolder(h: LockHolder): string {
  const parts = [`pid ${h.pid}`]
  if (h.application) parts.push(`application ${h.application}`)
  if (h.user) parts.push(`user ${h.user}`)
  if (h.client) parts.push(`client ${h.client}`)
  if (h.since) parts.push(`connected since ${h.since}`)
  return parts.join(', ')
}

function toIso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  return value instanceof Date ? value.toISOString() : String(value)
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}

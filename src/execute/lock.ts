/**
 * One run per plan at a time: the dialect's session lock (an advisory lock on PostgreSQL, GET_LOCK
 * on MySQL/MariaDB, see db/dialect/), polled with backoff so a waiting run can give up after
 * --lock-timeout and say who holds it. The lock lives as long as the session: a killed run
 * releases it by dying.
 */
import type {Connection} from '../db/connection.js'
import {dialectOf, type LockHolder} from '../db/dialect/index.js'
import {CarveError, EXIT} from '../errors.js'
import {sleep} from '../util/sleep.js'

export type {LockHolder} from '../db/dialect/index.js'

export interface HeldLock {
  release(): Promise<void>
}

export interface LockOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Called once when the lock is busy and the run starts waiting. */
  onWait?: (holder: LockHolder | null) => void
}

/** Take the plan's lock, waiting up to timeoutMs; throws a CarveError naming the holder. */
export async function acquirePlanLock(conn: Connection, planName: string, options: LockOptions): Promise<HeldLock> {
  const dialect = dialectOf(conn)
  const started = Date.now()
  let delay = 50
  let announced = false
  for (;;) {
    if (await dialect.lock.tryTake(conn, planName)) return {release: () => dialect.lock.release(conn, planName)}
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
  return dialectOf(conn).lock.holder(conn, planName)
}

export function describeHolder(h: LockHolder): string {
  const parts = [`pid ${h.pid}`]
  if (h.application) parts.push(`application ${h.application}`)
  if (h.user) parts.push(`user ${h.user}`)
  if (h.client) parts.push(`client ${h.client}`)
  if (h.since) parts.push(`connected since ${h.since}`)
  return parts.join(', ')
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}

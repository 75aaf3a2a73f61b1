/**
 * The one lock-retry loop: a step (or a runner's script) that loses a race with application
 * traffic — lock timeout, deadlock, serialization failure — rolled back and left nothing behind,
 * so it waits a jittered, growing backoff and tries again, a bounded number of times. Used by the
 * executor's SQL steps (sql-step.ts), the split runners' scripts and change capture's queue
 * conversion (runScript below).
 */
import type {Connection} from '../db/connection.js'
import {sleep} from '../util/sleep.js'
import {sqlstateOf} from '../util/sqlstate.js'
import {Interrupted} from './interrupted.js'

export interface RetryPolicy<E = unknown> {
  /** Retries after the first attempt. */
  retries: number
  /** The wait before retry `n` (0-based). */
  backoffMs: (n: number) => number
  /** Was this failure a lost race, worth another attempt? Anything else is thrown at once. */
  lostRace: (error: unknown) => error is E
  signal?: AbortSignal
  /** What to throw when every attempt lost (default: the last error). */
  giveUp?: (error: E) => unknown
  /** Called before each wait. */
  onRetry?: (n: number, waitMs: number, error: E) => void
  /** Called with the time each wait actually took. */
  onWaited?: (ms: number) => void
}

/** Run `attempt` until it succeeds or fails with something that is not a lost race; Ctrl-C while waiting throws Interrupted. */
export async function retryLostRaces<T, E = unknown>(attempt: () => Promise<T>, policy: RetryPolicy<E>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      if (!policy.lostRace(error)) throw error
      if (n >= policy.retries) throw policy.giveUp ? policy.giveUp(error) : error
      const waitMs = policy.backoffMs(n)
      policy.onRetry?.(n, waitMs, error)
      const slept = performance.now()
      const go = await sleep(waitMs, policy.signal)
      policy.onWaited?.(performance.now() - slept)
      if (!go) throw new Interrupted()
    }
  }
}

/** The lock budget of a script run beside live traffic. */
export interface LockBudget {
  lockTimeoutMs: number
  lockRetries: number
  signal?: AbortSignal
}

/**
 * Run a script in one transaction with lock_timeout; on a lock timeout (55P03) roll back, wait
 * with jittered backoff and try again — the executor's rule for SQL steps, for the scripts the
 * split runners and change capture run themselves. Without lock_timeout a script waiting for a
 * table lock behind one long transaction would queue every later reader and writer behind it.
 */
export async function runScript(conn: Connection, sql: string, options: LockBudget): Promise<void> {
  await retryLostRaces(
    async () => {
      await conn.exec('BEGIN')
      try {
        await conn.exec(`SET LOCAL lock_timeout = '${Math.max(1, Math.round(options.lockTimeoutMs))}ms'`)
        await conn.exec(sql)
        await conn.exec('COMMIT')
      } catch (error) {
        await conn.exec('ROLLBACK').catch(() => {})
        throw error
      }
    },
    {
      retries: options.lockRetries,
      backoffMs: (n) => Math.round(250 * 2 ** n * (0.5 + Math.random())),
      // Interrupted before the wait: the lock timeout is the answer.
      lostRace: (error): error is unknown => sqlstateOf(error) === '55P03' && !options.signal?.aborted,
      signal: options.signal,
    },
  )
}

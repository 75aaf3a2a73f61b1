/**
 * The one lock-retry loop: a step (or a runner's script) that loses a race with application
 * traffic — lock timeout, deadlock, serialization failure — rolled back and left nothing behind,
 * so it waits a jittered, growing backoff and tries again, a bounded number of times. Used by the
 * executor's SQL steps (sql-step.ts) and the split runners' source scripts (replication.ts).
 */
import {sleep} from '../util/sleep.js'
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

/**
 * The bounded write pause of a split's cut-over and switch-back: one session takes
 * `LOCK TABLE … IN EXCLUSIVE MODE` on the tables (writers queue, readers go on) with
 * `lock_timeout`; the clock starts when the lock is *requested*, since writers queue behind a
 * waiting lock too. Everything that must happen with writes stopped runs against a deadline of
 * `maxPauseMs` from that instant. Past it, or when the lock is not granted in time, the attempt
 * is aborted: the lock transaction rolls back, what the attempt did elsewhere is undone, and
 * after a jittered backoff the next attempt starts — as gh-ost does when it cannot get its
 * cut-over lock within 3 s.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {qualified} from '../plan/quote.js'
import type {RunContext} from './runner.js'
import {Interrupted} from './interrupted.js'
import {DeadlineExceeded} from './split-follow.js'
import {sleep} from '../util/sleep.js'
import {sqlstateOf} from '../util/sqlstate.js'

export class PauseBudgetExceeded extends Error {
  constructor(
    readonly stage: string,
    readonly elapsedMs: number,
  ) {
    super(`the write pause reached ${Math.round(elapsedMs)} ms at ${stage}`)
    this.name = 'PauseBudgetExceeded'
  }
}

/**
 * Thrown by the work inside the pause when what it found cannot be settled there (rows lost
 * outside the keys it compares): the attempt is aborted like one over its budget, and the next
 * one starts after `beforeRetry` has put things right with writes running.
 */
export class PauseRetry extends Error {
  constructor(readonly stage: string) {
    super(`the write pause was given up at ${stage}`)
    this.name = 'PauseRetry'
  }
}

export interface PauseClock {
  readonly started: number
  readonly deadline: number
  elapsed(): number
  /** Throws PauseBudgetExceeded when the pause is past its budget. */
  check(stage: string): void
}

export interface PauseAttempt {
  attempt: number
  outcome: 'done' | 'lock-timeout' | 'over-budget' | 'stale' | 'interrupted'
  /** How long writes waited in this attempt (lock request to release or abort). */
  pauseMs: number
  stage?: string
}

export interface PauseOptions {
  /** The session that takes the locks; its transaction is the pause. */
  holder: Connection
  tables: RelationRef[]
  maxPauseMs: number
  lockTimeoutMs: number
  /** Retries after an aborted attempt. */
  retries: number
  retryBaseMs?: number
  signal: AbortSignal
  emit: RunContext['emit']
  what: string
  /** Before each retry (writes running, no lock held): what the last aborted attempt needs redone. */
  beforeRetry?: (previous: PauseAttempt) => Promise<void>
}

export interface PauseResult<T> {
  value: T
  pauseMs: number
  attempts: PauseAttempt[]
}

/** Run `work` with writes to `tables` paused; see the module comment. */
export async function withWritePause<T>(
  o: PauseOptions,
  work: (clock: PauseClock, onAbort: (undo: () => Promise<unknown>) => void) => Promise<T>,
): Promise<PauseResult<T>> {
  const attempts: PauseAttempt[] = []
  const list = o.tables.map((t) => qualified(t.schema, t.name)).join(', ')
  // LOCK TABLE takes its tables one after the other, so a writer holding a child table and
  // checking a foreign key on the parent we already hold closes a cycle. The session that runs the
  // deadlock check is the one aborted: with a short deadlock_timeout that is ours (a retry), not
  // the application's write. Setting it needs a superuser; others keep the server's value.
  const [role] = await o.holder.query<{superuser: boolean}>(`SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`)
  for (let attempt = 1; attempt <= o.retries + 1; attempt++) {
    if (o.signal.aborted) throw new Interrupted()
    const undos: (() => Promise<unknown>)[] = []
    await o.holder.exec('BEGIN')
    await o.holder.exec(`SET LOCAL lock_timeout = '${Math.max(1, Math.round(Math.min(o.lockTimeoutMs, o.maxPauseMs)))}ms'`)
    if (role?.superuser) await o.holder.exec(`SET LOCAL deadlock_timeout = '${Math.max(10, Math.min(100, Math.round(o.lockTimeoutMs / 2)))}ms'`)
    const started = performance.now()
    const clock: PauseClock = {
      started,
      deadline: started + o.maxPauseMs,
      elapsed: () => performance.now() - started,
      check(stage) {
        const elapsed = performance.now() - started
        if (elapsed > o.maxPauseMs || o.signal.aborted) throw new PauseBudgetExceeded(o.signal.aborted ? `${stage} (interrupted)` : stage, elapsed)
      },
    }
    let outcome: PauseAttempt['outcome']
    let stage: string
    let pauseMs: number
    try {
      await o.holder.exec(`LOCK TABLE ${list} IN EXCLUSIVE MODE`)
      // The work checks the clock before its point of no return; from there on, release.
      const value = await work(clock, (undo) => undos.push(undo))
      await o.holder.exec('COMMIT')
      const pauseMs = performance.now() - started
      attempts.push({attempt, outcome: 'done', pauseMs})
      o.emit({phase: 'cutover', message: `${o.what}: writes paused for ${Math.round(pauseMs)} ms (attempt ${attempt}, budget ${o.maxPauseMs} ms)`})
      return {value, pauseMs, attempts}
    } catch (error) {
      await o.holder.exec('ROLLBACK').catch(() => {})
      // Writes resume here: the pause of an aborted attempt ends with its rollback.
      pauseMs = performance.now() - started
      for (const undo of undos.reverse()) await undo().catch(() => {})
      const code = sqlstateOf(error)
      if (code === '55P03' || code === '40P01') {
        // Not granted in time, or a deadlock with a writer taking the same tables in another order.
        outcome = 'lock-timeout'
        stage = code === '40P01' ? 'lock (deadlock)' : 'lock'
      } else if (error instanceof PauseBudgetExceeded || error instanceof DeadlineExceeded || error instanceof PauseRetry) {
        outcome = o.signal.aborted ? 'interrupted' : error instanceof PauseRetry ? 'stale' : 'over-budget'
        stage = error instanceof PauseBudgetExceeded || error instanceof PauseRetry ? error.stage : 'catch-up'
      } else {
        throw error
      }
    }
    attempts.push({attempt, outcome, pauseMs, stage})
    o.emit({
      phase: 'cutover',
      message: `${o.what}: attempt ${attempt} aborted after ${Math.round(pauseMs)} ms (${outcome === 'lock-timeout' ? `lock not granted within ${Math.min(o.lockTimeoutMs, o.maxPauseMs)} ms` : outcome === 'stale' ? `given up at ${stage}` : `pause budget of ${o.maxPauseMs} ms reached at ${stage}`}); nothing switched, writes resumed`,
    })
    // Ctrl-C: the executor records an interrupted step (nothing was switched); the next run starts over.
    if (outcome === 'interrupted' || o.signal.aborted) throw new Interrupted()
    if (attempt <= o.retries) {
      const base = o.retryBaseMs ?? 250
      await sleep(Math.round(base * 2 ** (attempt - 1) * (0.5 + Math.random())), o.signal)
      if (o.signal.aborted) throw new Interrupted()
      await o.beforeRetry?.(attempts[attempts.length - 1]!)
    }
  }
  throw new PauseAborted(o.what, attempts)
}

export class PauseAborted extends CarveError {
  constructor(
    what: string,
    readonly attempts: PauseAttempt[],
  ) {
    const last = attempts[attempts.length - 1]
    super(
      'cutover.aborted',
      `${what} aborted after ${attempts.length} attempt${attempts.length === 1 ? '' : 's'} (${last ? `last: ${last.outcome === 'lock-timeout' ? 'lock not granted' : last.outcome === 'interrupted' ? 'interrupted' : last.outcome === 'stale' ? `given up at ${last.stage}` : `pause budget reached at ${last.stage}`}` : 'interrupted'}); nothing was switched and writes go on as before`,
      {hint: 'a long transaction holds the tables, or the write rate is too high for the pause budget: try again at a quieter time, or allow more (--lock-timeout-ddl, --retries, the pause budget maxPauseMs)'},
    )
    this.name = 'PauseAborted'
  }
}

/**
 * Statement journals: how a step runs where DDL is not transactional (every step on
 * MySQL/MariaDB, where each DDL statement commits by itself).
 *
 * A step there cannot be all or nothing, so it is made *resumable* instead. Its file is cut into
 * units (one statement, or a conditional's `SET @…; PREPARE; EXECUTE; DEALLOCATE` group, which
 * only works in one session), and after each unit the ledger records how many have completed
 * (state in-progress, checkpoint `{journal: {file, done, total}}`). After a crash:
 *
 *  - `carve status` shows the step as partial (k of n) instead of hiding it;
 *  - `carve apply` resumes from unit k+1 (the unit that was running when the process died may
 *    have completed without being recorded: generated units are idempotent and guarded — each
 *    checks the state before it acts — so running it again is harmless);
 *  - `carve rollback` runs down.sql, whose units are guarded the same way, so it undoes exactly
 *    what ran: a partial apply as much as a complete one. A rollback killed half-way is journaled
 *    too and resumes where it stopped.
 *
 * A unit that fails makes the step clean up with down.sql (journaled as well); when that cleanup
 * fails too, the step stays in-progress with its journal (PartialStepFailure), so that status
 * shows it and rollback still targets it — it is never recorded as "failed, nothing left".
 */
import {z} from 'zod'

import {splitStatements} from '../workload/mask.js'
import type {RunStep} from './runner.js'
import {appliedDetail, backoffMs, describeSqlError, Interrupted, sqlstateOf, StepFailure, type SqlStepEnv} from './sql-step.js'
import {sleep} from '../util/sleep.js'
import {retryLostRaces} from './lock-retry.js'

const journalSchema = z.object({
  journal: z.object({
    file: z.enum(['up', 'down']),
    done: z.number().int().min(0),
    total: z.number().int().min(0),
  }),
})

/** How far a journaled step got: `done` of `total` units of its up.sql or down.sql completed. */
export type Journal = z.infer<typeof journalSchema>['journal']

/** The journal in a ledger checkpoint, or null when the checkpoint is not one (a runner's, or none). */
export function journalOf(checkpoint: unknown): Journal | null {
  const parsed = journalSchema.safeParse(checkpoint)
  return parsed.success ? parsed.data.journal : null
}

/** "up.sql 3 of 12" — for status lines. */
export function describeJournal(j: Journal): string {
  return `${j.file}.sql ${j.done} of ${j.total}`
}

export interface JournalUnit {
  /** The statements of the unit, sent one at a time, in order. */
  statements: {text: string; offset: number}[]
}

/**
 * A statement that only prepares the next one of the same session: a user variable, PREPARE,
 * EXECUTE. Resuming after one of them in a new session would run the rest without it.
 */
const PREPARES_NEXT = /^(SET\s+@|PREPARE\b|EXECUTE\b)/i

function bodyOf(text: string): string {
  return text.replace(/^(\s*(--[^\n]*(\n|$)|#[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*\s*/, '')
}

/** Runs what an earlier statement of the session prepared: it can never start a unit. */
const RUNS_PREPARED = /^(PREPARE\b|EXECUTE\b)/i

/**
 * The units of a MySQL file: a unit ends with the first statement that does not prepare the
 * next, and a PREPARE or EXECUTE (which needs what the statements before it left in the session)
 * belongs to the unit before it.
 */
export function journalUnits(text: string): JournalUnit[] {
  const units: JournalUnit[] = []
  let current: JournalUnit['statements'] = []
  for (const st of splitStatements(text, 'mysql')) {
    if (bodyOf(st.text).trim() === '') continue
    if (current.length === 0 && units.length > 0 && RUNS_PREPARED.test(bodyOf(st.text))) current = units.pop()!.statements
    current.push({text: st.text, offset: st.offset})
    if (!PREPARES_NEXT.test(bodyOf(st.text))) {
      units.push({statements: current})
      current = []
    }
  }
  if (current.length) units.push({statements: current})
  return units
}

/** A step that stopped part-way and could not clean up: the ledger keeps its journal (in-progress). */
export class PartialStepFailure extends StepFailure {}

/** Wall time of a step, and the part of it spent waiting for metadata/row locks (timeouts and backoff). */
export interface JournalTiming {
  durationMs: number
  waitedMs: number
  retries: number
}

export interface JournalEnv extends SqlStepEnv {
  /** Says that a step resumes (and from where). */
  onInfo?: (message: string) => void
}

class Clock {
  readonly started = performance.now()
  waitedMs = 0
  retries = 0
  timing(): JournalTiming {
    return {durationMs: performance.now() - this.started, waitedMs: this.waitedMs, retries: this.retries}
  }
}


function fileName(s: RunStep, key: string): string {
  const path = s.step.files[key]
  return path ? path.split('/').pop()! : `${key}.sql`
}

/** Between two tries of a statement refused a metadata lock: short, jittered. */
const NOWAIT_PAUSE_MS = [5, 25] as const

/**
 * One statement. Its metadata lock is asked for without waiting (the session's lock_wait_timeout
 * is 0, see withSessionTimeouts) and asked again after a short jittered pause until lock_timeout
 * has passed; then the statement backs off (doubling, jittered) and starts over, a bounded number
 * of times. Never queueing matters: a DDL statement waiting for a table's metadata lock takes
 * precedence over the application's next requests, so a transaction that read the table and now
 * wants to write it waits behind the DDL, which waits for that transaction — MariaDB then
 * resolves the deadlock by failing the application's transaction (error 1213 in the
 * application, seen with sysbench). A request that is granted at once or refused at once forms
 * no such cycle.
 */
async function runStatement(env: JournalEnv, s: RunStep, clock: Clock, key: string, text: string, st: {text: string; offset: number}): Promise<void> {
  const lead = text.indexOf(st.text, st.offset)
  const reasonOf = (error: unknown) => describeSqlError(error, fileName(s, key), text, lead >= 0 ? lead : st.offset)
  await retryLostRaces(
    async () => {
      const tried = performance.now()
      for (;;) {
        try {
          await env.conn.query(st.text)
          return
        } catch (error) {
          if (!env.dialect.isRetryable(error)) throw new StepFailure(s.step.id, reasonOf(error), sqlstateOf(error))
          if (performance.now() - tried >= env.lockTimeoutMs) {
            clock.waitedMs += performance.now() - tried
            throw error
          }
        }
        const [low, high] = NOWAIT_PAUSE_MS
        if (!(await sleep(low + Math.random() * (high - low), env.signal))) throw new Interrupted()
      }
    },
    {
      retries: env.lockRetries,
      backoffMs: (n) => backoffMs(env.retryBaseMs, n),
      lostRace: (error): error is unknown => env.dialect.isRetryable(error),
      signal: env.signal,
      giveUp: (error) => {
        const locks = s.step.locks.length ? ` on ${s.step.locks.join(', ')}` : ''
        return new StepFailure(
          s.step.id,
          `could not take its locks${locks} within lock_timeout ${env.lockTimeoutMs} ms, ${env.lockRetries + 1} attempts (${reasonOf(error)}); a long-running transaction holds them — find it in SHOW PROCESSLIST, or retry later`,
          sqlstateOf(error),
          true,
        )
      },
      onRetry: (n, waitMs, error) => {
        clock.retries++
        env.onRetry?.({attempt: n + 1, retries: env.lockRetries, waitMs, reason: reasonOf(error)})
      },
      onWaited: (ms) => {
        clock.waitedMs += ms
      },
    },
  )
}

/** Creates what later statements rely on, and is harmless to repeat. */
const PRECONDITION = /^CREATE\s+(DATABASE|SCHEMA|TABLE)\s+IF\s+NOT\s+EXISTS\b/i

/**
 * Units `from`… of a file, recording each completed unit in the ledger. A resumed file first
 * repeats the earlier units that only create what is missing (CREATE … IF NOT EXISTS): between the
 * two runs, something else — another plan's rollback sharing the meta database — may have dropped it.
 */
async function runJournaled(env: JournalEnv, s: RunStep, clock: Clock, file: 'up' | 'down', text: string, from: number): Promise<void> {
  const units = journalUnits(text)
  const record = (done: number) => env.ledger.saveCheckpoint(s, {journal: {file, done, total: units.length}})
  for (const unit of units.slice(0, from)) {
    if (unit.statements.every((st) => PRECONDITION.test(bodyOf(st.text)))) for (const st of unit.statements) await runStatement(env, s, clock, file, text, st)
  }
  await record(from)
  for (let i = from; i < units.length; i++) {
    if (env.signal.aborted) throw new Interrupted()
    for (const st of units[i]!.statements) await runStatement(env, s, clock, file, text, st)
    await record(i + 1)
  }
}

/** verify.sql, not journaled: it changes nothing. */
async function runPlain(env: JournalEnv, s: RunStep, clock: Clock, key: string, text: string): Promise<void> {
  for (const unit of journalUnits(text)) for (const st of unit.statements) await runStatement(env, s, clock, key, text, st)
}

/**
 * The dialect's journal lock timeouts for the step (db/dialect/mysql.ts): metadata locks never
 * wait (0; MariaDB allows it, MySQL raises it to its minimum, 1 s) — the statement loop retries
 * instead (runStatement); row locks wait up to lock_timeout.
 */
async function withSessionTimeouts<T>(env: JournalEnv, work: () => Promise<T>): Promise<T> {
  const set = env.dialect.journalLockTimeout
  if (!set) throw new Error(`${env.dialect.name} steps run in transactions, never journaled`)
  for (const sql of set(env.lockTimeoutMs)) await env.conn.query(sql)
  try {
    return await work()
  } finally {
    for (const sql of env.dialect.resetSessionLockTimeout) await env.conn.query(sql).catch(() => {})
  }
}

/** Where a file's journal resumes: after the units recorded for the same file, else at the start. */
async function resumePoint(env: JournalEnv, s: RunStep, file: 'up' | 'down', text: string): Promise<number> {
  const journal = journalOf(await env.ledger.loadCheckpoint(s.step.id))
  const total = journalUnits(text).length
  if (!journal || journal.file !== file || journal.total !== total || journal.done === 0) return 0
  env.onInfo?.(`${s.step.id}: resuming ${file}.sql after statement ${journal.done} of ${total} (recorded in the ledger by an earlier run)`)
  return Math.min(journal.done, total)
}

export async function applyJournaled(env: JournalEnv, s: RunStep): Promise<JournalTiming> {
  const up = s.files.up ?? ''
  const clock = new Clock()
  return withSessionTimeouts(env, async () => {
    try {
      await runJournaled(env, s, clock, 'up', up, await resumePoint(env, s, 'up', up))
      if (s.files.verify) await runPlain(env, s, clock, 'verify', s.files.verify)
    } catch (error) {
      const failure = error instanceof StepFailure ? error : error instanceof Interrupted ? null : new StepFailure(s.step.id, (error as Error).message, null)
      const cleanup = await cleanUp(env, s, clock)
      if (cleanup) {
        const why = failure ? failure.reason : 'interrupted'
        throw new PartialStepFailure(s.step.id, `${why}; cleanup with down.sql failed too: ${cleanup}; the step is left partial (carve status shows how far): run carve apply to finish it or carve rollback to undo it`, failure?.sqlstate ?? null)
      }
      if (!failure) {
        await env.ledger.markRolledBack(s, clock.timing().durationMs)
        throw error
      }
      throw new StepFailure(s.step.id, `${failure.reason}; down.sql ran to clean up`, failure.sqlstate)
    }
    const t = clock.timing()
    await env.ledger.markApplied(s, t.durationMs, appliedDetail('applied statement by statement (journaled)', t))
    return t
  })
}

/** down.sql from its start after a failed apply; returns what went wrong, or null when it ran through. */
async function cleanUp(env: JournalEnv, s: RunStep, clock: Clock): Promise<string | null> {
  const down = s.files.down
  if (down === undefined) return 'the step has no down.sql'
  try {
    // Not interruptible: a second Ctrl-C must not leave the step half cleaned.
    await runJournaled({...env, signal: new AbortController().signal}, s, clock, 'down', down, 0)
    return null
  } catch (error) {
    return error instanceof StepFailure ? error.reason : (error as Error).message
  }
}

export async function rollbackJournaled(env: JournalEnv, s: RunStep): Promise<JournalTiming> {
  const down = s.files.down
  if (down === undefined) throw new StepFailure(s.step.id, 'has no down file: it cannot be rolled back', null)
  const clock = new Clock()
  return withSessionTimeouts(env, async () => {
    await runJournaled(env, s, clock, 'down', down, await resumePoint(env, s, 'down', down))
    const t = clock.timing()
    await env.ledger.markRolledBack(s, t.durationMs)
    return t
  })
}

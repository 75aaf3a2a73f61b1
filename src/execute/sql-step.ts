/**
 * Running a step's SQL files safely.
 *
 * PostgreSQL has transactional DDL, so a step is one transaction: `SET LOCAL lock_timeout`,
 * up.sql, verify.sql, the ledger row, COMMIT — a failure anywhere rolls all of it back and the
 * step leaves nothing behind. DDL waits for its lock behind any long transaction and, while it
 * waits, blocks every query queued after it; lock_timeout bounds that wait, and a timeout
 * (SQLSTATE 55P03) rolls back, backs off with jitter and tries again a bounded number of times
 * (pgroll's approach), so a busy table never turns into an outage. A deadlock (40P01) or a
 * serialization failure (40001) is the same kind of event — the step lost a race with live
 * traffic and its transaction left nothing behind — so it is retried the same way. Generated
 * steps take all their table locks up front in one canonical order (plan/steps/common.ts,
 * lockTablesUpFront), so every attempt starts from nothing held. Time spent in failed attempts
 * and backoff is reported per step (StepTiming): a summary never hides waiting.
 *
 * Steps marked `transactional: false` (CREATE INDEX CONCURRENTLY, subscriptions, ...) and every
 * step on MySQL/MariaDB (DDL commits implicitly there) run statement by statement; on failure
 * down.sql runs to clean up what the earlier statements did.
 */
import type {Connection} from '../db/connection.js'
import {CarveError, EXIT} from '../errors.js'
import {splitStatements} from '../workload/mask.js'
import {Interrupted} from './interrupted.js'
import {retryLostRaces} from './lock-retry.js'
export {Interrupted} from './interrupted.js'
import type {Ledger} from './ledger.js'
import type {LoadedStep} from './plan-files.js'
import {sqlstateOf} from '../util/sqlstate.js'

export interface SqlStepEnv {
  conn: Connection
  ledger: Ledger
  lockTimeoutMs: number
  lockRetries: number
  /** First backoff after a lock timeout; doubles per retry, jittered ±50%. */
  retryBaseMs: number
  signal: AbortSignal
  onRetry?: (info: {attempt: number; retries: number; waitMs: number; reason: string}) => void
}

/** How long a step took, and how much of it went on lost races for locks. */
export interface StepTiming {
  /** Wall time of the whole step, every attempt and backoff included. */
  durationMs: number
  /** Part of durationMs spent in attempts rolled back for a lock timeout, deadlock or serialization failure, and in backoff. */
  waitedMs: number
  retries: number
}

/** A step that failed; its message is one line: step, file and line, SQLSTATE, server message. */
export class StepFailure extends Error {
  constructor(
    readonly stepId: string,
    readonly reason: string,
    readonly sqlstate: string | null,
    /** A lost race with concurrent traffic (lock timeout, deadlock, serialization failure): worth retrying. */
    readonly retryable = false,
  ) {
    super(`step ${stepId} failed: ${reason}`)
  }
}


interface DbError {
  code?: string
  errno?: number
  sqlState?: string
  sqlMessage?: string
  message?: string
  position?: string | number
  detail?: string
  where?: string
}

/** lock_not_available (lock_timeout, NOWAIT), deadlock_detected, serialization_failure. */
const PG_RETRYABLE = new Set(['55P03', '40P01', '40001'])
/** ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK. */
const MYSQL_RETRYABLE = new Set([1205, 1213])

/** Did the statement lose a race with concurrent traffic (its transaction rolled back, nothing left behind)? */
export function isRetryable(error: unknown, engine: Connection['engine']): boolean {
  const e = error as DbError
  return engine === 'postgres' ? PG_RETRYABLE.has(String(e?.code)) : MYSQL_RETRYABLE.has(Number(e?.errno))
}

export {sqlstateOf} from '../util/sqlstate.js'

/** "up.sql line 3: relation "x" does not exist (SQLSTATE 42P01)" from a driver error. */
export function describeSqlError(error: unknown, file: string, text: string | undefined, offset = 0): string {
  const e = error as DbError
  const message = (e?.sqlMessage ?? e?.message ?? String(error)).split('\n')[0]!
  let where = file
  const position = e?.position !== undefined ? Number(e.position) : NaN
  if (text !== undefined && Number.isFinite(position) && position > 0) {
    where += ` line ${lineAt(text, offset + position - 1)}`
  } else if (text !== undefined && offset > 0) {
    where += ` line ${lineAt(text, offset)}`
  }
  const state = sqlstateOf(error)
  const detail = e?.detail ? `; ${e.detail.split('\n')[0]}` : ''
  const context = !Number.isFinite(position) && e?.where ? ` [${e.where.split('\n')[0]}]` : ''
  return `${where}: ${message}${detail}${context}${state ? ` (SQLSTATE ${state})` : e?.errno ? ` (error ${e.errno})` : ''}`
}

export function lineAt(text: string, index: number): number {
  let line = 1
  for (let i = 0; i < Math.min(index, text.length); i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/**
 * Statements that end or start a transaction. END alone is left out: it also closes a
 * `BEGIN ATOMIC` function body, which the statement splitter cuts at its inner semicolons.
 */
const TX_CONTROL = /^(BEGIN(\s+(TRANSACTION|WORK)\b.*|\s+ISOLATION\b.*)?|COMMIT(\s+(TRANSACTION|WORK|AND\b.*))?|ROLLBACK(\s+(TRANSACTION|WORK|AND\b.*))?|ABORT|START\s+TRANSACTION\b.*)$/is

/** A transactional step must not end its own transaction half-way: that would commit part of it. */
function assertNoTransactionControl(s: LoadedStep, file: string, text: string): void {
  for (const st of splitStatements(text, 'postgres')) {
    const body = st.text.replace(/^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*\s*/, '').trim()
    if (TX_CONTROL.test(body)) {
      const at = text.indexOf(st.text, st.offset)
      throw new StepFailure(
        s.step.id,
        `${file} line ${lineAt(text, at >= 0 ? at : st.offset)}: ${body.split(/\s/)[0]!.toUpperCase()} controls the transaction, but the executor runs the step as one transaction — remove it, or mark the step transactional: false`,
        null,
      )
    }
  }
}


export function backoffMs(base: number, attempt: number): number {
  return Math.round(Math.min(base * 2 ** attempt, 30_000) * (0.5 + Math.random()))
}

/** Counts lost races while a step runs: what StepTiming reports. */
class RaceClock {
  waitedMs = 0
  retries = 0
  readonly started = performance.now()
  timing(): StepTiming {
    return {durationMs: performance.now() - this.started, waitedMs: this.waitedMs, retries: this.retries}
  }
}

/** Run `attempt` until it succeeds or fails with something that is not a lost race (isRetryable). */
async function withLockRetries<T>(env: SqlStepEnv, s: LoadedStep, clock: RaceClock, attempt: () => Promise<T>): Promise<T> {
  const lost = (error: unknown): error is StepFailure => error instanceof StepFailure && error.retryable
  return retryLostRaces(
    async () => {
      const tried = performance.now()
      try {
        return await attempt()
      } catch (error) {
        if (lost(error)) clock.waitedMs += performance.now() - tried
        throw error
      }
    },
    {
      retries: env.lockRetries,
      backoffMs: (n) => backoffMs(env.retryBaseMs, n),
      lostRace: lost,
      signal: env.signal,
      giveUp: (error) => {
        const locks = s.step.locks.length ? ` on ${s.step.locks.join(', ')}` : ''
        const race = error.sqlstate === '40P01' || error.sqlstate === '40001'
        return new StepFailure(
          s.step.id,
          race
            ? `lost ${env.lockRetries + 1} attempts to concurrent transactions (${error.reason}); retry at a quieter time or raise --retries`
            : `could not take its locks${locks} within lock_timeout ${env.lockTimeoutMs} ms, ${env.lockRetries + 1} attempts (${error.reason}); a long-running transaction holds them — find it in pg_stat_activity / SHOW PROCESSLIST, or retry later`,
          error.sqlstate,
          true,
        )
      },
      onRetry: (n, waitMs, error) => {
        clock.retries++
        env.onRetry?.({attempt: n + 1, retries: env.lockRetries, waitMs, reason: error.reason})
      },
      onWaited: (ms) => {
        clock.waitedMs += ms
      },
    },
  )
}

function fail(s: LoadedStep, env: SqlStepEnv, error: unknown, file: string, text: string | undefined, offset = 0): StepFailure {
  if (error instanceof StepFailure) return error
  return new StepFailure(s.step.id, describeSqlError(error, file, text, offset), sqlstateOf(error), isRetryable(error, env.conn.engine))
}

function fileName(s: LoadedStep, key: string): string {
  const path = s.step.files[key]
  return path ? path.split('/').pop()! : `${key}.sql`
}

/** Does this step run as one transaction here? Never on MySQL (implicit commits). */
export function runsInTransaction(s: LoadedStep, conn: Pick<Connection, 'engine'>): boolean {
  return conn.engine === 'postgres' && s.step.transactional
}

// ---------------------------------------------------------------------------------------------
// apply

export async function applySqlStep(env: SqlStepEnv, s: LoadedStep): Promise<StepTiming> {
  const up = s.files.up ?? ''
  const verify = s.files.verify
  const clock = new RaceClock()
  if (runsInTransaction(s, env.conn)) {
    assertNoTransactionControl(s, fileName(s, 'up'), up)
    await withLockRetries(env, s, clock, () =>
      inTransaction(env, s, async () => {
        await run(env, s, 'up', up)
        if (verify) await run(env, s, 'verify', verify)
        const t = clock.timing()
        await env.ledger.markApplied(s, t.durationMs, appliedDetail('applied', t))
      }),
    )
    return clock.timing()
  }
  await setSessionLockTimeout(env)
  try {
    try {
      await runStatements(env, s, clock, 'up', up)
      if (verify) await runStatements(env, s, clock, 'verify', verify)
    } catch (error) {
      if (error instanceof Interrupted) {
        await cleanUp(env, s)
        throw error
      }
      const failure = fail(s, env, error, fileName(s, 'up'), up)
      const cleanup = await cleanUp(env, s)
      throw new StepFailure(s.step.id, `${failure.reason}${cleanup}`, failure.sqlstate, failure.retryable)
    }
    const t = clock.timing()
    await env.ledger.markApplied(s, t.durationMs, appliedDetail('applied statement by statement', t))
    return t
  } finally {
    await resetSessionLockTimeout(env)
  }
}

/** After a failed statement-by-statement step: down.sql, best effort, to leave nothing behind. */
async function cleanUp(env: SqlStepEnv, s: LoadedStep): Promise<string> {
  const down = s.files.down
  if (!down) return '; no down.sql to clean up with: check what the earlier statements left'
  const errors: string[] = []
  for (const st of splitStatements(down, dialect(env))) {
    try {
      await env.conn.query(st.text)
    } catch (error) {
      errors.push(describeSqlError(error, fileName(s, 'down'), down, st.offset))
    }
  }
  return errors.length ? `; cleanup with down.sql hit ${errors.length} error(s), first: ${errors[0]}` : '; down.sql ran to clean up'
}

// ---------------------------------------------------------------------------------------------
// rollback

export async function rollbackSqlStep(env: SqlStepEnv, s: LoadedStep): Promise<StepTiming> {
  const down = s.files.down
  if (down === undefined) throw new StepFailure(s.step.id, 'has no down file: it cannot be rolled back', null)
  const clock = new RaceClock()
  if (runsInTransaction(s, env.conn)) {
    assertNoTransactionControl(s, fileName(s, 'down'), down)
    await withLockRetries(env, s, clock, () =>
      inTransaction(env, s, async () => {
        await run(env, s, 'down', down)
        await env.ledger.markRolledBack(s, clock.timing().durationMs)
      }),
    )
    return clock.timing()
  }
  await setSessionLockTimeout(env)
  try {
    await runStatements(env, s, clock, 'down', down)
  } catch (error) {
    throw fail(s, env, error, fileName(s, 'down'), down)
  } finally {
    await resetSessionLockTimeout(env)
  }
  const t = clock.timing()
  await env.ledger.markRolledBack(s, t.durationMs)
  return t
}

/** The ledger's event detail: "applied in 812 ms (600 ms of it waiting for locks, 2 retries)". */
function appliedDetail(what: string, t: StepTiming): string {
  const waited = t.retries ? ` (${Math.round(t.waitedMs)} ms of it waiting for locks, ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'})` : ''
  return `${what} in ${Math.round(t.durationMs)} ms${waited}`
}

// ---------------------------------------------------------------------------------------------
// verify

/** verify.sql in a transaction that is always rolled back: checking never changes anything. */
export async function verifySqlStep(env: SqlStepEnv, s: LoadedStep): Promise<boolean> {
  const verify = s.files.verify
  if (verify === undefined) return false
  const conn = env.conn
  await conn.query(conn.engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION')
  try {
    if (conn.engine === 'postgres') {
      await conn.query(`SET LOCAL lock_timeout = '${Math.round(env.lockTimeoutMs)}ms'`)
      await run(env, s, 'verify', verify)
    } else {
      await runStatements(env, s, new RaceClock(), 'verify', verify)
    }
  } catch (error) {
    throw fail(s, env, error, fileName(s, 'verify'), verify)
  } finally {
    await conn.query('ROLLBACK').catch(() => {})
  }
  return true
}

// ---------------------------------------------------------------------------------------------
// the pieces

async function inTransaction<T>(env: SqlStepEnv, s: LoadedStep, work: () => Promise<T>): Promise<T> {
  const conn = env.conn
  await conn.query('BEGIN')
  try {
    await conn.query(`SET LOCAL lock_timeout = '${Math.round(env.lockTimeoutMs)}ms'`)
    const result = await work()
    await conn.query('COMMIT')
    return result
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => {})
    throw fail(s, env, error, 'transaction', undefined)
  }
}

/** One file as one script (simple protocol: PostgreSQL reports error positions within it). */
async function run(env: SqlStepEnv, s: LoadedStep, key: string, text: string): Promise<void> {
  try {
    await env.conn.exec(text)
  } catch (error) {
    throw fail(s, env, error, fileName(s, key), text)
  }
}

async function runStatements(env: SqlStepEnv, s: LoadedStep, clock: RaceClock, key: string, text: string): Promise<void> {
  for (const st of splitStatements(text, dialect(env))) {
    if (env.signal.aborted) throw new Interrupted()
    await withLockRetries(env, s, clock, async () => {
      try {
        await env.conn.query(st.text)
      } catch (error) {
        // Positions are within the statement: shift them by where it starts in the file.
        const lead = st.text.length ? text.indexOf(st.text, st.offset) : st.offset
        throw fail(s, env, error, fileName(s, key), text, lead >= 0 ? lead : st.offset)
      }
    })
  }
}

function dialect(env: SqlStepEnv): 'postgres' | 'mysql' {
  return env.conn.engine === 'postgres' ? 'postgres' : 'mysql'
}

async function setSessionLockTimeout(env: SqlStepEnv): Promise<void> {
  if (env.conn.engine === 'postgres') await env.conn.query(`SET lock_timeout = '${Math.round(env.lockTimeoutMs)}ms'`)
  else {
    const seconds = Math.max(1, Math.ceil(env.lockTimeoutMs / 1000))
    await env.conn.query(`SET SESSION lock_wait_timeout = ${seconds}`)
    await env.conn.query(`SET SESSION innodb_lock_wait_timeout = ${seconds}`)
  }
}

async function resetSessionLockTimeout(env: SqlStepEnv): Promise<void> {
  if (env.conn.engine === 'postgres') await env.conn.query('RESET lock_timeout').catch(() => {})
  else {
    await env.conn.query('SET SESSION lock_wait_timeout = DEFAULT').catch(() => {})
    await env.conn.query('SET SESSION innodb_lock_wait_timeout = DEFAULT').catch(() => {})
  }
}

// ---------------------------------------------------------------------------------------------
// --dry-run: exactly what would be sent, in order

function section(label: string, text: string): string {
  return `-- ${label}\n${text.trim()}\n`
}

export function describeSqlApply(s: LoadedStep, engine: Connection['engine'], lockTimeoutMs: number, lockRetries: number): string {
  const up = s.files.up ?? ''
  const verify = s.files.verify
  if (engine === 'postgres' && s.step.transactional) {
    return [
      `-- on lock timeout, deadlock or serialization failure (SQLSTATE 55P03, 40P01, 40001): ROLLBACK, wait with jittered backoff, retry (at most ${lockRetries} times)`,
      'BEGIN;',
      `SET LOCAL lock_timeout = '${Math.round(lockTimeoutMs)}ms';`,
      section(fileName(s, 'up'), up),
      verify ? section(fileName(s, 'verify'), verify) : '-- (no verify file)\n',
      `-- the ledger row for ${s.step.id} (carve.ledger_steps) and an apply event are written here, in the same transaction`,
      'COMMIT;',
    ].join('\n')
  }
  const why = engine === 'postgres' ? 'the step is marked transactional: false' : 'MySQL/MariaDB has no transactional DDL'
  const dia = engine === 'postgres' ? 'postgres' : 'mysql'
  const statements = (text: string) => splitStatements(text, dia).map((st) => `${st.text};`).join('\n')
  const timeout = engine === 'postgres' ? [`SET lock_timeout = '${Math.round(lockTimeoutMs)}ms';`] : [`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(lockTimeoutMs / 1000))};`, `SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(lockTimeoutMs / 1000))};`]
  return [
    `-- not one transaction (${why}): statements run one by one; on a lock timeout a statement is retried (at most ${lockRetries} times); on failure ${fileName(s, 'down')} runs to clean up`,
    ...timeout,
    `-- ${fileName(s, 'up')}`,
    statements(up),
    ...(verify ? [`-- ${fileName(s, 'verify')}`, statements(verify)] : []),
    engine === 'postgres' ? 'RESET lock_timeout;' : 'SET SESSION lock_wait_timeout = DEFAULT;\nSET SESSION innodb_lock_wait_timeout = DEFAULT;',
    `-- the ledger row for ${s.step.id} and an apply event are written here`,
    '',
  ].join('\n')
}

export function describeSqlRollback(s: LoadedStep, engine: Connection['engine'], lockTimeoutMs: number): string {
  const down = s.files.down ?? '-- (no down file)'
  if (engine === 'postgres' && s.step.transactional) {
    return ['BEGIN;', `SET LOCAL lock_timeout = '${Math.round(lockTimeoutMs)}ms';`, section(fileName(s, 'down'), down), `-- the ledger marks ${s.step.id} rolled back here, in the same transaction`, 'COMMIT;'].join('\n')
  }
  const dia = engine === 'postgres' ? 'postgres' : 'mysql'
  return [`-- statement by statement`, ...splitStatements(down, dia).map((st) => `${st.text};`), `-- the ledger marks ${s.step.id} rolled back here`, ''].join('\n')
}

/** Engine mismatch between the plan and the database: refused before anything runs. */
export function assertEngine(planEngine: 'postgres' | 'mysql', conn: Connection): void {
  if (planEngine !== conn.engine) {
    throw new CarveError('plan.engine', `the plan is for ${planEngine === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} but ${conn.label} is ${conn.engine === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'}`, {
      exitCode: EXIT.usage,
      hint: 'point --db at the database the plan was generated for',
    })
  }
}

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
 * steps take all their table locks up front in one canonical order (steps/common.ts,
 * lockTablesUpFront), so every attempt starts from nothing held. Time spent in failed attempts
 * and backoff is reported per step (StepTiming): a summary never hides waiting.
 *
 * Steps marked `transactional: false` (CREATE INDEX CONCURRENTLY, subscriptions, ...) run
 * statement by statement; on failure down.sql runs to clean up what the earlier statements did.
 * Where DDL is not transactional at all (MySQL/MariaDB) steps are journaled instead (journal.ts).
 * What differs per engine (transactions, lock timeouts, statement splitting, which errors are lost
 * races) comes from the connection's dialect (db/dialect/).
 */
import type {Connection} from '../db/connection.js'
import {dialectOf, dialectOfEngine, type ExecutionDialect} from '../db/dialect/index.js'
import {CarveError, EXIT} from '../errors.js'
import {Interrupted} from './interrupted.js'
import {retryLostRaces} from './lock-retry.js'
export {Interrupted} from './interrupted.js'
import type {Ledger} from './ledger.js'
import type {RunStep, StepTiming} from './runner.js'
import {sqlstateOf} from '../util/sqlstate.js'

export interface SqlStepEnv {
  conn: Connection
  dialect: ExecutionDialect
  ledger: Ledger
  lockTimeoutMs: number
  lockRetries: number
  /** First backoff after a lock timeout; doubles per retry, jittered ±50%. */
  retryBaseMs: number
  signal: AbortSignal
  onRetry?: (info: {attempt: number; retries: number; waitMs: number; reason: string}) => void
}

export type {StepTiming} from './runner.js'

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
 * `BEGIN ATOMIC` function body (which the dialect's parser keeps whole with its statement).
 */
const TX_CONTROL = /^(BEGIN(\s+(TRANSACTION|WORK)\b.*|\s+ISOLATION\b.*)?|COMMIT(\s+(TRANSACTION|WORK|AND\b.*))?|ROLLBACK(\s+(TRANSACTION|WORK|AND\b.*))?|ABORT|START\s+TRANSACTION\b.*)$/is

/** A transactional step must not end its own transaction half-way: that would commit part of it. */
async function assertNoTransactionControl(env: SqlStepEnv, s: RunStep, file: string, text: string): Promise<void> {
  for (const st of await env.dialect.splitStatements(text)) {
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
async function withLockRetries<T>(env: SqlStepEnv, s: RunStep, clock: RaceClock, attempt: () => Promise<T>): Promise<T> {
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

function fail(s: RunStep, env: SqlStepEnv, error: unknown, file: string, text: string | undefined, offset = 0): StepFailure {
  if (error instanceof StepFailure) return error
  return new StepFailure(s.step.id, describeSqlError(error, file, text, offset), sqlstateOf(error), env.dialect.isRetryable(error))
}

function fileName(s: RunStep, key: string): string {
  const path = s.step.files[key]
  return path ? path.split('/').pop()! : `${key}.sql`
}

/** Does this step run as one transaction here? Never where DDL commits implicitly (MySQL). */
export function runsInTransaction(s: RunStep, dialect: ExecutionDialect): boolean {
  return dialect.transactionalDdl && s.step.transactional
}

// ---------------------------------------------------------------------------------------------
// apply

export async function applySqlStep(env: SqlStepEnv, s: RunStep): Promise<StepTiming> {
  const up = s.files.up ?? ''
  const verify = s.files.verify
  const clock = new RaceClock()
  if (runsInTransaction(s, env.dialect)) {
    await assertNoTransactionControl(env, s, fileName(s, 'up'), up)
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
async function cleanUp(env: SqlStepEnv, s: RunStep): Promise<string> {
  const down = s.files.down
  if (!down) return '; no down.sql to clean up with: check what the earlier statements left'
  const errors: string[] = []
  for (const st of await env.dialect.splitStatements(down)) {
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

export async function rollbackSqlStep(env: SqlStepEnv, s: RunStep): Promise<StepTiming> {
  const down = s.files.down
  if (down === undefined) throw new StepFailure(s.step.id, 'has no down file: it cannot be rolled back', null)
  const clock = new RaceClock()
  if (runsInTransaction(s, env.dialect)) {
    await assertNoTransactionControl(env, s, fileName(s, 'down'), down)
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
export function appliedDetail(what: string, t: StepTiming): string {
  const waited = t.retries ? ` (${Math.round(t.waitedMs)} ms of it waiting for locks, ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'})` : ''
  return `${what} in ${Math.round(t.durationMs)} ms${waited}`
}

// ---------------------------------------------------------------------------------------------
// verify

/** verify.sql in a transaction that is always rolled back: checking never changes anything. */
export async function verifySqlStep(env: SqlStepEnv, s: RunStep): Promise<boolean> {
  const verify = s.files.verify
  if (verify === undefined) return false
  const conn = env.conn
  await conn.query(env.dialect.beginTransaction)
  try {
    const timeout = env.dialect.transactionLockTimeout(env.lockTimeoutMs)
    if (timeout) await conn.query(timeout)
    // One script where the server reports positions within it; else statement by statement.
    if (env.dialect.transactionalDdl) await run(env, s, 'verify', verify)
    else await runStatements(env, s, new RaceClock(), 'verify', verify)
  } catch (error) {
    throw fail(s, env, error, fileName(s, 'verify'), verify)
  } finally {
    await conn.query('ROLLBACK').catch(() => {})
  }
  return true
}

// ---------------------------------------------------------------------------------------------
// the pieces

async function inTransaction<T>(env: SqlStepEnv, s: RunStep, work: () => Promise<T>): Promise<T> {
  const conn = env.conn
  await conn.query(env.dialect.beginTransaction)
  try {
    const timeout = env.dialect.transactionLockTimeout(env.lockTimeoutMs)
    if (timeout) await conn.query(timeout)
    const result = await work()
    await conn.query('COMMIT')
    return result
  } catch (error) {
    await conn.query('ROLLBACK').catch(() => {})
    throw fail(s, env, error, 'transaction', undefined)
  }
}

/** One file as one script (simple protocol: PostgreSQL reports error positions within it). */
async function run(env: SqlStepEnv, s: RunStep, key: string, text: string): Promise<void> {
  try {
    await env.conn.exec(text)
  } catch (error) {
    throw fail(s, env, error, fileName(s, key), text)
  }
}

async function runStatements(env: SqlStepEnv, s: RunStep, clock: RaceClock, key: string, text: string): Promise<void> {
  for (const st of await env.dialect.splitStatements(text)) {
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

async function setSessionLockTimeout(env: SqlStepEnv): Promise<void> {
  for (const statement of env.dialect.sessionLockTimeout(env.lockTimeoutMs)) await env.conn.query(statement)
}

async function resetSessionLockTimeout(env: SqlStepEnv): Promise<void> {
  for (const statement of env.dialect.resetSessionLockTimeout) await env.conn.query(statement).catch(() => {})
}

// ---------------------------------------------------------------------------------------------
// --dry-run: exactly what would be sent, in order

function section(label: string, text: string): string {
  return `-- ${label}\n${text.trim()}\n`
}

/** The dry run of a step: statements as they would be sent, one transaction or one by one. */
export async function describeSqlApply(s: RunStep, dialect: ExecutionDialect, lockTimeoutMs: number, lockRetries: number): Promise<string> {
  const up = s.files.up ?? ''
  const verify = s.files.verify
  if (runsInTransaction(s, dialect)) {
    return [
      `-- on lock timeout, deadlock or serialization failure (SQLSTATE 55P03, 40P01, 40001): ROLLBACK, wait with jittered backoff, retry (at most ${lockRetries} times)`,
      `${dialect.beginTransaction};`,
      `${dialect.transactionLockTimeout(lockTimeoutMs)};`,
      section(fileName(s, 'up'), up),
      verify ? section(fileName(s, 'verify'), verify) : '-- (no verify file)\n',
      `-- the ledger row for ${s.step.id} (carve.ledger_steps) and an apply event are written here, in the same transaction`,
      'COMMIT;',
    ].join('\n')
  }
  const why = dialect.statementByStatementReason
  const statements = async (text: string) => (await dialect.splitStatements(text)).map((st) => `${st.text};`).join('\n')
  return [
    `-- not one transaction (${why}): statements run one by one; on a lock timeout a statement is retried (at most ${lockRetries} times); on failure ${fileName(s, 'down')} runs to clean up`,
    ...dialect.sessionLockTimeout(lockTimeoutMs).map((st) => `${st};`),
    `-- ${fileName(s, 'up')}`,
    await statements(up),
    ...(verify ? [`-- ${fileName(s, 'verify')}`, await statements(verify)] : []),
    dialect.resetSessionLockTimeout.map((st) => `${st};`).join('\n'),
    `-- the ledger row for ${s.step.id} and an apply event are written here`,
    '',
  ].join('\n')
}

export async function describeSqlRollback(s: RunStep, dialect: ExecutionDialect, lockTimeoutMs: number): Promise<string> {
  const down = s.files.down ?? '-- (no down file)'
  if (runsInTransaction(s, dialect)) {
    return [`${dialect.beginTransaction};`, `${dialect.transactionLockTimeout(lockTimeoutMs)};`, section(fileName(s, 'down'), down), `-- the ledger marks ${s.step.id} rolled back here, in the same transaction`, 'COMMIT;'].join('\n')
  }
  return [`-- statement by statement`, ...(await dialect.splitStatements(down)).map((st) => `${st.text};`), `-- the ledger marks ${s.step.id} rolled back here`, ''].join('\n')
}

/** Engine mismatch between the plan and the database: refused before anything runs. */
export function assertEngine(planEngine: Connection['engine'], conn: Connection): void {
  const planned = dialectOfEngine(planEngine)
  const actual = dialectOf(conn)
  if (planned.engine === actual.engine) return
  throw new CarveError('plan.engine', `the plan is for ${planned.name} but ${conn.label} is ${actual.name}`, {
    exitCode: EXIT.usage,
    hint: 'point --db at the database the plan was generated for',
  })
}

/**
 * The runner every plain SQL kind registers: up.sql and verify.sql, then the ledger row, all in
 * one transaction where DDL is transactional (PostgreSQL: the change and its record commit
 * together or not at all); elsewhere (MySQL/MariaDB) a statement journal makes the step resumable
 * (execute/journal.ts). Which of the two is the dialect's `transactionalDdl`.
 */
import {applyJournaled, type JournalEnv, journalOf, PartialStepFailure, rollbackJournaled} from '../../execute/journal.js'
import type {StepContext, StepRunner} from '../../execute/runner.js'
import {applySqlStep, describeSqlApply, describeSqlRollback, rollbackSqlStep, runsInTransaction, type SqlStepEnv, verifySqlStep} from '../../execute/sql-step.js'

function sqlEnv(ctx: StepContext): SqlStepEnv {
  return {
    conn: ctx.conn,
    dialect: ctx.dialect,
    ledger: ctx.ledger,
    lockTimeoutMs: ctx.options.lockTimeoutMs,
    lockRetries: ctx.options.lockRetries,
    retryBaseMs: ctx.retryBaseMs,
    signal: ctx.signal,
    onRetry: ctx.onRetry,
  }
}

function journaled(ctx: StepContext): JournalEnv {
  return {...sqlEnv(ctx), onInfo: ctx.onInfo}
}

export const sqlRunner: StepRunner = {
  apply: (ctx) => (ctx.dialect.transactionalDdl ? applySqlStep(sqlEnv(ctx), ctx.run) : applyJournaled(journaled(ctx), ctx.run)),
  rollback: (ctx) => (ctx.dialect.transactionalDdl ? rollbackSqlStep(sqlEnv(ctx), ctx.run) : rollbackJournaled(journaled(ctx), ctx.run)),
  verify: (ctx) => verifySqlStep(sqlEnv(ctx), ctx.run),
  describeApply: (s, how) => describeSqlApply(s, how.dialect, how.options.lockTimeoutMs, how.options.lockRetries),
  describeRollback: (s, how) => describeSqlRollback(s, how.dialect, how.options.lockTimeoutMs),
  dryRunLabel: '',
  // A step killed part-way where DDL is not transactional keeps its statement journal: rollback undoes it.
  undoes: (checkpoint) => journalOf(checkpoint) !== null,
  applyFailureHint: (s, dialect, failure) =>
    runsInTransaction(s, dialect)
      ? 'the step\'s transaction was rolled back, so it left nothing behind; steps before it stay applied. Fix the cause and run carve apply again'
      : failure instanceof PartialStepFailure
        ? 'carve status shows how far the step got; carve apply resumes it, carve rollback undoes what ran'
        : 'the step ran statement by statement; down.sql ran to clean up. Fix the cause and run carve apply again',
  rollbackFailureHint: (s, dialect) =>
    runsInTransaction(s, dialect) ? 'its down.sql transaction was rolled back: the step is still applied; steps after it are rolled back' : dialect.partialRollbackHint,
}

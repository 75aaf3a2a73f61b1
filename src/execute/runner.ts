/**
 * What the executor hands to a step while it runs, and what every step kind's runner provides.
 *
 * The executor has one path: each kind registers a StepRunner (src/steps/registry.ts). Plain SQL
 * kinds share one (src/steps/sql/runner.ts: up.sql / verify.sql / down.sql, the ledger row in the
 * step's own transaction where the engine allows). Kinds whose work is long or spans databases —
 * copying rows, replication, cut-over — write a StepProgram and keep their progress in the ledger
 * through `checkpoint`, so a killed run resumes; src/steps/program-runner.ts makes it a runner.
 */
import type {Connection} from '../db/connection.js'
import type {ExecutionDialect} from '../db/dialect/index.js'
import type {PlanStep} from '../plan/model.js'
import type {Ledger} from './ledger.js'

/** A progress event: printed by the terminal renderer, emitted as JSON lines with --json. */
export interface RunEvent {
  step: string
  phase: 'apply' | 'verify' | 'rollback' | 'copy' | 'sync' | 'parity' | 'cutover' | 'info'
  message: string
  /** Rows done / total, rows per second: for progress bars and ETAs. */
  done?: number
  total?: number
  rate?: number
}

export interface RunContext {
  /** The plan's database (the source of a split). */
  conn: Connection
  /** Another database on the same server (a split's target), by name; closed by the executor. */
  connectDatabase(name: string): Promise<Connection>
  /** The plan folder, and the step's files read and checksummed already. */
  planDir: string
  files: Partial<Record<string, string>>
  /** Durable per-step state in the ledger (survives kills): read at start, written after each batch. */
  loadCheckpoint<T>(): Promise<T | null>
  saveCheckpoint(state: unknown): Promise<void>
  emit(event: Omit<RunEvent, 'step'>): void
  /** Set when the user interrupts (Ctrl-C): stop at the next batch boundary. */
  signal: AbortSignal
  options: RunOptions
}

export interface RunOptions {
  dryRun: boolean
  /** lock_timeout for DDL, in ms, and how many jittered retries after a timeout. */
  lockTimeoutMs: number
  lockRetries: number
  /** Backfill: target seconds per batch (batch size adapts), initial and maximum batch size. */
  batchTargetMs: number
  batchSize: number
  maxBatchSize: number
  /** Cut-over: the longest write pause allowed, in ms. */
  maxPauseMs: number
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  dryRun: false,
  lockTimeoutMs: 2000,
  lockRetries: 5,
  batchTargetMs: 500,
  batchSize: 1000,
  maxBatchSize: 20000,
  maxPauseMs: 3000,
}

/** A step as the executor holds it: plan.yml's entry, its files (read and checksummed), their one checksum. */
export interface RunStep {
  step: PlanStep
  files: Record<string, string>
  checksum: string
}

/** How long a step took, and how much of it went on lost races for locks. */
export interface StepTiming {
  /** Wall time of the whole step, every attempt and backoff included. */
  durationMs: number
  /** Part of durationMs spent in attempts rolled back for a lock timeout, deadlock or serialization failure, and in backoff. */
  waitedMs: number
  retries: number
}

/** Everything a runner gets: the program's context plus the step, its ledger and its engine's dialect. */
export interface StepContext extends RunContext {
  run: RunStep
  ledger: Ledger
  dialect: ExecutionDialect
  /** First backoff after a lost race; doubles per retry, jittered ±50%. */
  retryBaseMs: number
  onRetry?: (info: {attempt: number; retries: number; waitMs: number; reason: string}) => void
  onInfo?: (message: string) => void
}

/** What --dry-run needs to say what a step would send. */
export interface DescribeContext {
  dialect: ExecutionDialect
  options: RunOptions
}

/** What the executor calls for every step, whatever its kind. */
export interface StepRunner {
  /** Apply and record in the ledger (inside the step's transaction where the engine allows); 'interrupted' after Ctrl-C at a safe point. */
  apply(ctx: StepContext): Promise<StepTiming | 'interrupted'>
  /** Undo and record it in the ledger. */
  rollback(ctx: StepContext): Promise<StepTiming>
  /** Throws when the step's effect is absent; false when it has nothing to check with (no verify file). */
  verify(ctx: StepContext): Promise<boolean>
  /** What --dry-run prints instead of applying / rolling back. */
  describeApply(s: RunStep, how: DescribeContext): Promise<string>
  describeRollback(s: RunStep, how: DescribeContext): Promise<string>
  /** Said beside the step's kind in --dry-run ('' or ', run by the executor'). */
  dryRunLabel: string
  /** Does rollback also undo a step left in progress with this ledger checkpoint? */
  undoes(checkpoint: unknown): boolean
  /** What to do next after a failure (the CLI's hint). */
  applyFailureHint(s: RunStep, dialect: ExecutionDialect, failure: Error): string
  rollbackFailureHint(s: RunStep, dialect: ExecutionDialect): string
}

/** A long step's program (copy, sync, cut-over): the runner around it records it in the ledger. */
export interface StepProgram {
  apply(ctx: RunContext, step: PlanStep): Promise<void>
  /** Throws when the step's effect is absent (parity differs, sync not running, ...). */
  verify(ctx: RunContext, step: PlanStep): Promise<void>
  rollback(ctx: RunContext, step: PlanStep): Promise<void>
  /** What `--dry-run` prints instead of running. */
  describe(step: PlanStep, files: Partial<Record<string, string>>): string
}

/**
 * What the executor hands to a step while it runs, and what a step kind must provide.
 *
 * Most kinds are plain SQL (up.sql / verify.sql / down.sql run by the executor itself). Kinds
 * whose work is long or spans databases — copying rows, replication, cut-over — implement
 * StepRunner and keep their progress in the ledger through `checkpoint`, so a killed run resumes.
 */
import type {Connection} from '../db/connection.js'
import type {PlanStep} from '../plan/model.js'

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

/** A kind the executor cannot run as a plain SQL script. */
export interface StepRunner {
  apply(ctx: RunContext, step: PlanStep): Promise<void>
  /** Throws when the step's effect is absent (parity differs, sync not running, ...). */
  verify(ctx: RunContext, step: PlanStep): Promise<void>
  rollback(ctx: RunContext, step: PlanStep): Promise<void>
  /** What `--dry-run` prints instead of running. */
  describe(step: PlanStep, files: Partial<Record<string, string>>): string
}

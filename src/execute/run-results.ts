/**
 * What the executor reports: its events (rendered by progress.ts or printed as JSON lines), its
 * options, and the results of apply, rollback, verify and status, with each step's timing — how
 * long it took and how much of that went on waiting for locks.
 */
import type {Connection} from '../db/connection.js'
import type {Journal} from './journal.js'
import type {LedgerState} from './ledger.js'
import {formatMs, type LockHolder} from './lock.js'
import {DEFAULT_RUN_OPTIONS, type RunEvent, type RunOptions} from './runner.js'
import type {StepTiming} from './sql-step.js'

export type Action = 'apply' | 'rollback' | 'verify'

/** What a run reports while it goes: rendered by progress.ts, or printed as JSON lines. */
export type ExecEvent =
  | {type: 'start'; action: Action; plan: string; database: string; steps: {id: string; title: string; kind: string}[]}
  | {type: 'lock-wait'; holder: LockHolder | null}
  | {type: 'info'; message: string}
  | {type: 'step-start'; action: Action; step: string; title: string; transactional: boolean}
  | {type: 'step-done'; action: Action; step: string; durationMs: number; waitedMs: number; retries: number}
  | {type: 'step-failed'; action: Action; step: string; error: string; sqlstate: string | null}
  | {type: 'retry'; step: string; attempt: number; retries: number; waitMs: number; reason: string}
  | ({type: 'progress'} & RunEvent)
  | {type: 'end'; action: Action; ok: boolean; interrupted: boolean}

export interface ExecuteOptions {
  run: RunOptions
  /** How long to wait for another run's plan lock before giving up. */
  lockWaitMs: number
  /** Run despite checksum drift of applied steps; roll back irreversible steps. */
  force: boolean
  /** First wait after a lock timeout (doubles per retry, jittered). */
  retryBaseMs: number
  signal: AbortSignal
  onEvent: (event: ExecEvent) => void
  /** Another database on the same server, for runners of split steps. */
  connectDatabase?: (name: string) => Promise<Connection>
}

export function defaultExecuteOptions(overrides: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    run: {...DEFAULT_RUN_OPTIONS, ...overrides.run},
    lockWaitMs: 10_000,
    force: false,
    retryBaseMs: 250,
    signal: new AbortController().signal,
    onEvent: () => {},
    ...overrides,
  }
}

export type StepState = LedgerState | 'pending'

export interface StepStatus {
  id: string
  title: string
  kind: string
  context: string | null
  state: StepState
  appliedAt: string | null
  appliedBy: string | null
  durationMs: number | null
  changedAt: string | null
  changedBy: string | null
  /** The step's files differ from the ones that were applied. */
  drift: boolean
  irreversible: boolean
  lastError: string | null
  /** In progress on MySQL/MariaDB: how far its up.sql or down.sql got (statement journal). */
  journal: Journal | null
}

export interface StatusResult {
  plan: string
  database: string
  ledger: boolean
  steps: StepStatus[]
  applied: number
  pending: number
  failed: number
  /** Steps stopped part-way (statement journal): neither applied nor untouched. */
  partial: number
  drift: string[]
  /** Ledger rows of steps the plan no longer has (the plan was regenerated after applying). */
  unknownSteps: string[]
  /** A run holding the plan lock right now. */
  running: LockHolder | null
}

/** A step that ran: its wall time, and how much of it went on waiting for locks (failed attempts, backoff). */
export interface StepRun {
  id: string
  durationMs: number
  waitedMs: number
  retries: number
}

/** Totals for a summary line: wall time, time waiting for locks, retries. */
export function runTotals(runs: StepRun[]): {durationMs: number; waitedMs: number; retries: number} {
  return runs.reduce((t, r) => ({durationMs: t.durationMs + r.durationMs, waitedMs: t.waitedMs + r.waitedMs, retries: t.retries + r.retries}), {durationMs: 0, waitedMs: 0, retries: 0})
}

/** " (3.2 s of it waiting for locks, 4 retries)" for a summary line; empty when nothing waited. */
export function waitText(t: {waitedMs: number; retries: number}): string {
  return t.retries ? ` (${formatMs(t.waitedMs)} of it waiting for locks, ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'})` : ''
}

export function stepRun(id: string, t: StepTiming): StepRun {
  return {id, durationMs: Math.round(t.durationMs), waitedMs: Math.round(t.waitedMs), retries: t.retries}
}

export interface ApplyResult {
  plan: string
  database: string
  dryRun: boolean
  applied: StepRun[]
  /** Over the steps of this run: time spent waiting for locks (failed attempts, backoff) and retries. */
  waitedMs?: number
  retries?: number
  alreadyApplied: number
  /** Steps still pending after this run (beyond --to, or after an interruption). */
  pending: string[]
  interrupted: boolean
  /** --dry-run: the SQL that would run. */
  sql?: string
}

export interface RollbackResult {
  plan: string
  database: string
  dryRun: boolean
  rolledBack: StepRun[]
  /** Over the steps of this run: time spent waiting for locks (failed attempts, backoff) and retries. */
  waitedMs?: number
  retries?: number
  /** Steps still applied, re-verified after the rollback. */
  reverified: {id: string; ok: boolean; error: string | null}[]
  interrupted: boolean
  sql?: string
}

export interface VerifyResult {
  plan: string
  database: string
  ok: boolean
  steps: {id: string; ok: boolean; error: string | null; skipped?: string}[]
}

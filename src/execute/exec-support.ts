/**
 * The executor's shared pieces: the plan lock, the safe point between steps, and the context a
 * step's runner runs in.
 */
import type {Connection} from '../db/connection.js'
import {dialectOf} from '../db/dialect/index.js'
import {CarveError} from '../errors.js'
import type {Ledger, LedgerRow} from './ledger.js'
import {acquirePlanLock, type HeldLock} from './lock.js'
import type {LoadedPlan, LoadedStep} from './plan-files.js'
import type {ExecuteOptions} from './run-results.js'
import type {StepContext} from './runner.js'

/**
 * Between steps: let the event loop run once, so a Ctrl-C that arrived while a step ran is seen
 * now. PGlite runs queries synchronously in WASM and resolves them as microtasks only, so without
 * this a whole run can pass without the signal handler ever getting a turn.
 */
export function safePoint(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

export function brief(s: LoadedStep): {id: string; title: string; kind: string} {
  return {id: s.step.id, title: s.step.title, kind: s.step.kind}
}

export async function takeLock(conn: Connection, plan: LoadedPlan, options: ExecuteOptions): Promise<HeldLock> {
  return acquirePlanLock(conn, plan.manifest.name, {
    timeoutMs: options.lockWaitMs,
    signal: options.signal,
    onWait: (holder) => options.onEvent({type: 'lock-wait', holder}),
  })
}

export function warnUnknown(plan: LoadedPlan, rows: Map<string, LedgerRow>, options: ExecuteOptions): void {
  const known = new Set(plan.steps.map((s) => s.step.id))
  const unknown = [...rows.values()].filter((r) => r.state === 'applied' && !known.has(r.step))
  if (unknown.length) options.onEvent({type: 'info', message: `the ledger has applied steps this plan does not list: ${unknown.map((r) => r.step).join(', ')} (was the plan regenerated after applying?)`})
}

/** What a step's runner gets; `close` ends the other databases it opened. */
export function stepContext(conn: Connection, ledger: Ledger, plan: LoadedPlan, s: LoadedStep, options: ExecuteOptions): {ctx: StepContext; close: () => Promise<void>} {
  const opened: Connection[] = []
  const ctx: StepContext = {
    conn,
    run: s,
    ledger,
    dialect: dialectOf(conn),
    retryBaseMs: options.retryBaseMs,
    onRetry: (info) => options.onEvent({type: 'retry', step: s.step.id, ...info}),
    onInfo: (message) => options.onEvent({type: 'info', message}),
    async connectDatabase(name: string) {
      if (!options.connectDatabase) {
        throw new CarveError('execute.no-server', `step ${s.step.id} needs a second database (${name}) on the same server, which ${conn.label} cannot provide`, {
          hint: 'run split steps against a PostgreSQL or MySQL server (--db postgres://…); an embedded PGlite database is a single database',
        })
      }
      const other = await options.connectDatabase(name)
      opened.push(other)
      return other
    },
    planDir: plan.dir,
    files: s.files,
    loadCheckpoint: <T>() => ledger.loadCheckpoint<T>(s.step.id),
    saveCheckpoint: (state: unknown) => ledger.saveCheckpoint(s, state),
    emit: (event) => options.onEvent({type: 'progress', step: s.step.id, ...event}),
    signal: options.signal,
    options: options.run,
  }
  return {ctx, close: async () => void (await Promise.all(opened.map((c) => c.close().catch(() => {}))))}
}

/**
 * The executor: apply, roll back, verify and report a plan against one database, with the
 * ledger (ledger.ts) as the record of what ran, the plan lock (lock.ts) so two runs never
 * interleave, and checksums (plan-files.ts) so what runs is what was reviewed.
 *
 * Plain functions over a Connection and a loaded plan; the commands only parse flags, connect,
 * render events and turn results into exit codes. Every refusal (drift, irreversible step,
 * engine mismatch) happens before the first step runs.
 */
import type {Connection} from '../db/connection.js'
import {dialectOf, dialectOfEngine} from '../db/dialect/index.js'
import {CarveError, EXIT} from '../errors.js'
import type {StepKind} from '../plan/model.js'
import {definitionOf} from '../steps/registry.js'
import {Ledger, type LedgerRow} from './ledger.js'
import {lockHolder} from './lock.js'
import {journalOf, PartialStepFailure} from './journal.js'
import {findStep, type LoadedPlan, type LoadedStep} from './plan-files.js'
import {preflightApply} from './preflight.js'
import type {RunOptions, StepRunner, StepTiming} from './runner.js'
import {assertEngine, Interrupted, runsInTransaction, StepFailure} from './sql-step.js'

import {brief, safePoint, stepContext, takeLock, warnUnknown} from './exec-support.js'
import {runTotals, stepRun, type ApplyResult, type ExecuteOptions, type RollbackResult, type StatusResult, type StepStatus, type VerifyResult} from './run-results.js'

// The executor's types live in run-results.ts; importers keep using this module.
export * from './run-results.js'

// ---------------------------------------------------------------------------------------------
// the runners: every step runs through its kind's (src/steps/registry.ts), loaded once per run

type Runners = Map<StepKind, StepRunner>

async function runnersFor(plan: LoadedPlan): Promise<Runners> {
  const kinds = [...new Set(plan.steps.map((s) => s.step.kind))]
  return new Map(await Promise.all(kinds.map(async (k) => [k, await definitionOf(k).runner()] as const)))
}

function runnerOf(runners: Runners, s: LoadedStep): StepRunner {
  return runners.get(s.step.kind)!
}

// ---------------------------------------------------------------------------------------------
// reading the state

interface State {
  ledger: Ledger
  exists: boolean
  rows: Map<string, LedgerRow>
}

async function readState(conn: Connection, plan: LoadedPlan): Promise<State> {
  const ledger = new Ledger(conn, plan.manifest.name)
  const exists = await ledger.exists()
  return {ledger, exists, rows: exists ? await ledger.rows() : new Map()}
}

function isApplied(rows: Map<string, LedgerRow>, id: string): boolean {
  return rows.get(id)?.state === 'applied'
}

/** Applied steps whose files changed since: refused unless --force. */
function driftOf(plan: LoadedPlan, rows: Map<string, LedgerRow>): LoadedStep[] {
  return plan.steps.filter((s) => {
    const row = rows.get(s.step.id)
    return row !== undefined && (row.state === 'applied' || row.state === 'in-progress') && row.checksum !== s.checksum
  })
}

function refuseDrift(plan: LoadedPlan, rows: Map<string, LedgerRow>, options: ExecuteOptions): void {
  const drifted = driftOf(plan, rows)
  if (drifted.length === 0) return
  const list = drifted.map((s) => s.step.id).join(', ')
  if (options.force) {
    options.onEvent({type: 'info', message: `--force: continuing although the files of applied step${drifted.length > 1 ? 's' : ''} ${list} changed since they were applied`})
    return
  }
  throw new CarveError('plan.drift', `the files of applied step${drifted.length > 1 ? 's' : ''} ${list} changed since ${drifted.length > 1 ? 'they were' : 'it was'} applied (ledger checksum ≠ plan checksum)`, {
    exitCode: EXIT.usage,
    hint: 'what the database has is not what the plan says any more: review the change (carve status shows it), roll the step back with its old files, or pass --force to go on anyway',
  })
}

export async function planStatus(conn: Connection, plan: LoadedPlan): Promise<StatusResult> {
  assertEngine(plan.manifest.engine, conn)
  const {ledger, exists, rows} = await readState(conn, plan)
  const lastErrors = new Map<string, string>()
  if (exists) {
    for (const e of await ledger.events(500)) {
      if (e.step && e.event === 'fail') lastErrors.set(e.step, e.detail ?? '')
      else if (e.step && e.event === 'apply') lastErrors.delete(e.step)
    }
  }
  const drifted = new Set(driftOf(plan, rows).map((s) => s.step.id))
  const steps: StepStatus[] = plan.steps.map(({step}) => {
    const row = rows.get(step.id)
    return {
      id: step.id,
      title: step.title,
      kind: step.kind,
      context: step.context,
      state: row?.state ?? 'pending',
      appliedAt: row?.appliedAt ?? null,
      appliedBy: row?.appliedBy ?? null,
      durationMs: row?.durationMs ?? null,
      changedAt: row?.changedAt ?? null,
      changedBy: row?.changedBy ?? null,
      drift: drifted.has(step.id),
      irreversible: step.irreversible,
      lastError: row?.state === 'failed' ? (lastErrors.get(step.id) ?? null) : null,
      journal: row?.state === 'in-progress' ? journalOf(row.checkpoint) : null,
    }
  })
  const known = new Set(plan.steps.map((s) => s.step.id))
  return {
    plan: plan.manifest.name,
    database: conn.label,
    ledger: exists,
    steps,
    applied: steps.filter((s) => s.state === 'applied').length,
    pending: steps.filter((s) => s.state !== 'applied').length,
    failed: steps.filter((s) => s.state === 'failed').length,
    partial: steps.filter((s) => s.journal !== null).length,
    drift: [...drifted],
    unknownSteps: [...rows.values()].filter((r) => !known.has(r.step) && r.state === 'applied').map((r) => r.step),
    running: await lockHolder(conn, plan.manifest.name).catch(() => null),
  }
}

// ---------------------------------------------------------------------------------------------
// apply

function stepsUpTo(plan: LoadedPlan, to: string | undefined): LoadedStep[] {
  if (!to) return plan.steps
  const target = findStep(plan, to, '--to')
  return plan.steps.slice(0, target.index + 1)
}

/** --dry-run: the SQL that would run, from the ledger's view of what is applied (read-only). */
export async function dryRunApply(conn: Connection | null, plan: LoadedPlan, options: {to?: string; run: RunOptions}): Promise<ApplyResult> {
  if (conn) assertEngine(plan.manifest.engine, conn)
  const state = conn ? await readState(conn, plan) : {rows: new Map<string, LedgerRow>()}
  const scope = stepsUpTo(plan, options.to)
  const pending = scope.filter((s) => !isApplied(state.rows, s.step.id))
  const dialect = conn ? dialectOf(conn) : dialectOfEngine(plan.manifest.engine)
  const runners = await runnersFor(plan)
  const parts = await Promise.all(
    pending.map(async (s) => {
      const runner = runnerOf(runners, s)
      const body = await runner.describeApply(s, {dialect, options: options.run})
      return `-- ===== ${s.step.id}: ${s.step.title} (${s.step.kind}${runner.dryRunLabel})\n${body.trimEnd()}\n`
    }),
  )
  const header = `-- carve apply --dry-run: plan "${plan.manifest.name}", ${pending.length} step${pending.length === 1 ? '' : 's'} to apply${conn ? ` on ${conn.label}` : ' (no database given: every step is shown as pending)'}\n`
  return {
    plan: plan.manifest.name,
    database: conn?.label ?? '',
    dryRun: true,
    applied: [],
    alreadyApplied: scope.length - pending.length,
    pending: pending.map((s) => s.step.id),
    interrupted: false,
    sql: pending.length ? `${header}\n${parts.join('\n')}` : `${header}-- nothing to apply\n`,
  }
}

export async function applyPlan(conn: Connection, plan: LoadedPlan, options: ExecuteOptions & {to?: string}): Promise<ApplyResult> {
  assertEngine(plan.manifest.engine, conn)
  const dialect = dialectOf(conn)
  const runners = await runnersFor(plan)
  const scope = stepsUpTo(plan, options.to)
  const lock = await takeLock(conn, plan, options)
  try {
    const ledger = new Ledger(conn, plan.manifest.name)
    // Preflight, before the ledger is created or any step runs: a requirement the server can
    // tell us about (wal_level, privileges, engine) must never strand a plan half way.
    const known = (await ledger.exists()) ? await ledger.rows() : new Map<string, LedgerRow>()
    await preflightApply(conn, plan.manifest, scope.filter((s) => !isApplied(known, s.step.id)), options.connectDatabase !== undefined)
    await ledger.ensure()
    const rows = await ledger.rows()
    refuseDrift(plan, rows, options)
    warnUnknown(plan, rows, options)
    const pending = scope.filter((s) => !isApplied(rows, s.step.id))
    const result: ApplyResult = {
      plan: plan.manifest.name,
      database: conn.label,
      dryRun: false,
      applied: [],
      alreadyApplied: scope.length - pending.length,
      pending: [],
      interrupted: false,
    }
    options.onEvent({type: 'start', action: 'apply', plan: plan.manifest.name, database: conn.label, steps: pending.map(brief)})
    if (dialect.applyNotice && pending.length) options.onEvent({type: 'info', message: dialect.applyNotice})
    const done = new Set([...rows.values()].filter((r) => r.state === 'applied').map((r) => r.step))
    for (const s of pending) {
      await safePoint()
      if (options.signal.aborted) {
        result.interrupted = true
        break
      }
      const missing = s.step.depends_on.filter((d) => !done.has(d))
      if (missing.length) {
        throw new CarveError('apply.dependency', `step ${s.step.id} depends on ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not applied`, {
          hint: 'apply the steps it depends on first (carve status shows what is applied)',
        })
      }
      options.onEvent({type: 'step-start', action: 'apply', step: s.step.id, title: s.step.title, transactional: runsInTransaction(s, dialect)})
      const outcome = await applyOne(conn, ledger, plan, s, runnerOf(runners, s), options)
      if (outcome === 'interrupted') {
        result.interrupted = true
        break
      }
      done.add(s.step.id)
      const run = stepRun(s.step.id, outcome)
      result.applied.push(run)
      options.onEvent({type: 'step-done', action: 'apply', step: s.step.id, durationMs: run.durationMs, waitedMs: run.waitedMs, retries: run.retries})
    }
    const appliedNow = new Set(result.applied.map((a) => a.id))
    result.pending = plan.steps.filter((s) => !done.has(s.step.id) && !appliedNow.has(s.step.id)).map((s) => s.step.id)
    const totals = runTotals(result.applied)
    result.waitedMs = totals.waitedMs
    result.retries = totals.retries
    options.onEvent({type: 'end', action: 'apply', ok: !result.interrupted, interrupted: result.interrupted})
    return result
  } finally {
    await lock.release()
  }
}

/** Apply one step through its kind's runner; returns its timing, or 'interrupted' when Ctrl-C stopped it cleanly. */
async function applyOne(conn: Connection, ledger: Ledger, plan: LoadedPlan, s: LoadedStep, runner: StepRunner, options: ExecuteOptions): Promise<StepTiming | 'interrupted'> {
  const {ctx, close} = stepContext(conn, ledger, plan, s, options)
  try {
    return await runner.apply(ctx)
  } catch (error) {
    if (error instanceof Interrupted) return 'interrupted'
    if (error instanceof CarveError) throw error
    const failure = error instanceof StepFailure ? error : new StepFailure(s.step.id, (error as Error).message ?? String(error), null)
    options.onEvent({type: 'step-failed', action: 'apply', step: s.step.id, error: failure.reason, sqlstate: failure.sqlstate})
    // A partial step keeps its journal (in-progress), so status shows it and rollback undoes it.
    if (failure instanceof PartialStepFailure) await ledger.event(s.step.id, 'fail', failure.reason).catch(() => {})
    else await ledger.markFailed(s, failure.reason).catch(() => {})
    throw new CarveError('apply.step-failed', failure.message, {hint: runner.applyFailureHint(s, ctx.dialect, failure), cause: error})
  } finally {
    await close()
  }
}

// ---------------------------------------------------------------------------------------------
// rollback

function rollbackTargets(plan: LoadedPlan, runners: Runners, rows: Map<string, LedgerRow>, to: string | undefined): LoadedStep[] {
  const floor = to ? findStep(plan, to, '--to').index : -1
  return plan.steps
    .filter((s) => s.index > floor)
    .filter((s) => {
      const state = rows.get(s.step.id)?.state
      // In progress: a program's checkpoint, or a statement journal (a step killed part-way on MySQL): its runner says.
      return state === 'applied' || (state === 'in-progress' && runnerOf(runners, s).undoes(rows.get(s.step.id)?.checkpoint))
    })
    .reverse()
}

function refuseIrreversible(targets: LoadedStep[], force: boolean): void {
  const irreversible = targets.filter((s) => s.step.irreversible)
  if (irreversible.length === 0 || force) return
  throw new CarveError('rollback.irreversible', `step${irreversible.length > 1 ? 's' : ''} ${irreversible.map((s) => s.step.id).join(', ')} cannot be undone without losing data (marked irreversible); nothing was rolled back`, {
    exitCode: EXIT.usage,
    hint: 'roll back only the steps after it with --to, or pass --force if you accept the loss',
  })
}

export async function dryRunRollback(conn: Connection, plan: LoadedPlan, options: {to?: string; force: boolean; run: RunOptions}): Promise<RollbackResult> {
  assertEngine(plan.manifest.engine, conn)
  const {rows} = await readState(conn, plan)
  const runners = await runnersFor(plan)
  const targets = rollbackTargets(plan, runners, rows, options.to)
  refuseIrreversible(targets, options.force)
  const how = {dialect: dialectOf(conn), options: options.run}
  const parts = await Promise.all(
    targets.map(async (s) => `-- ===== ${s.step.id}: ${s.step.title}\n${(await runnerOf(runners, s).describeRollback(s, how)).trimEnd()}\n`),
  )
  return {
    plan: plan.manifest.name,
    database: conn.label,
    dryRun: true,
    rolledBack: [],
    reverified: [],
    interrupted: false,
    sql: `-- carve rollback --dry-run: plan "${plan.manifest.name}", ${targets.length} step${targets.length === 1 ? '' : 's'} to roll back on ${conn.label}\n${targets.length ? '\n' + parts.join('\n') : '-- nothing to roll back\n'}`,
  }
}

export async function rollbackPlan(conn: Connection, plan: LoadedPlan, options: ExecuteOptions & {to?: string; all?: boolean}): Promise<RollbackResult> {
  assertEngine(plan.manifest.engine, conn)
  if (!options.to && !options.all) {
    throw new CarveError('usage.rollback-scope', 'say how far to roll back: --to STEP (keeps STEP and the steps before it) or --all', {exitCode: EXIT.usage})
  }
  const result: RollbackResult = {plan: plan.manifest.name, database: conn.label, dryRun: false, rolledBack: [], reverified: [], interrupted: false}
  if (options.to) findStep(plan, options.to, '--to')
  const dialect = dialectOf(conn)
  const runners = await runnersFor(plan)
  const lock = await takeLock(conn, plan, options)
  try {
    const {ledger, exists, rows} = await readState(conn, plan)
    if (!exists) {
      options.onEvent({type: 'info', message: `nothing is applied: ${conn.label} has no Carve ledger`})
      return result
    }
    refuseDrift(plan, rows, options)
    const targets = rollbackTargets(plan, runners, rows, options.to)
    refuseIrreversible(targets, options.force)
    const orphans = [...rows.values()].filter((r) => r.state === 'applied' && !plan.steps.some((s) => s.step.id === r.step))
    if (orphans.length) options.onEvent({type: 'info', message: `the ledger has applied steps this plan does not list (${orphans.map((r) => r.step).join(', ')}): they are left as they are`})
    options.onEvent({type: 'start', action: 'rollback', plan: plan.manifest.name, database: conn.label, steps: targets.map(brief)})
    for (const s of targets) {
      await safePoint()
      if (options.signal.aborted) {
        result.interrupted = true
        break
      }
      options.onEvent({type: 'step-start', action: 'rollback', step: s.step.id, title: s.step.title, transactional: runsInTransaction(s, dialect)})
      const runner = runnerOf(runners, s)
      try {
        const {ctx, close} = stepContext(conn, ledger, plan, s, options)
        let timing: StepTiming
        try {
          timing = await runner.rollback(ctx)
        } finally {
          await close()
        }
        rows.set(s.step.id, {...rows.get(s.step.id)!, state: 'rolled-back'})
        const run = stepRun(s.step.id, timing)
        result.rolledBack.push(run)
        options.onEvent({type: 'step-done', action: 'rollback', step: s.step.id, durationMs: run.durationMs, waitedMs: run.waitedMs, retries: run.retries})
      } catch (error) {
        if (error instanceof Interrupted) {
          result.interrupted = true
          break
        }
        const failure = error instanceof StepFailure ? error : new StepFailure(s.step.id, (error as Error).message, null)
        options.onEvent({type: 'step-failed', action: 'rollback', step: s.step.id, error: failure.reason, sqlstate: failure.sqlstate})
        await ledger.event(s.step.id, 'fail', `rollback: ${failure.reason}`).catch(() => {})
        throw new CarveError('rollback.step-failed', `rollback of ${failure.message}`, {
          hint: runner.rollbackFailureHint(s, dialect),
          cause: error,
        })
      }
    }
    if (!result.interrupted) {
      // What is still applied must still hold: a down.sql that undid too much shows up here.
      for (const s of plan.steps.filter((x) => isApplied(rows, x.step.id))) {
        const check = await verifyOne(conn, ledger, plan, s, runnerOf(runners, s), options)
        result.reverified.push({id: s.step.id, ok: check.ok, error: check.error})
      }
    }
    const totals = runTotals(result.rolledBack)
    result.waitedMs = totals.waitedMs
    result.retries = totals.retries
    options.onEvent({type: 'end', action: 'rollback', ok: result.reverified.every((r) => r.ok), interrupted: result.interrupted})
    return result
  } finally {
    await lock.release()
  }
}

// ---------------------------------------------------------------------------------------------
// verify

export async function verifyPlan(conn: Connection, plan: LoadedPlan, options: ExecuteOptions & {step?: string}): Promise<VerifyResult> {
  assertEngine(plan.manifest.engine, conn)
  const only = options.step ? findStep(plan, options.step, '--step') : undefined
  const runners = await runnersFor(plan)
  const lock = await takeLock(conn, plan, options)
  try {
    const {ledger, exists, rows} = await readState(conn, plan)
    refuseDrift(plan, rows, options)
    const result: VerifyResult = {plan: plan.manifest.name, database: conn.label, ok: true, steps: []}
    const targets = (only ? [only] : plan.steps).filter((s) => isApplied(rows, s.step.id))
    if (only && targets.length === 0) {
      throw new CarveError('verify.not-applied', `step ${only.step.id} is not applied on ${conn.label} (${rows.get(only.step.id)?.state ?? 'pending'})`, {hint: 'carve status shows what is applied'})
    }
    if (!exists) options.onEvent({type: 'info', message: `nothing is applied: ${conn.label} has no Carve ledger`})
    options.onEvent({type: 'start', action: 'verify', plan: plan.manifest.name, database: conn.label, steps: targets.map(brief)})
    for (const s of targets) {
      await safePoint()
      if (options.signal.aborted) break
      options.onEvent({type: 'step-start', action: 'verify', step: s.step.id, title: s.step.title, transactional: true})
      const check = await verifyOne(conn, ledger, plan, s, runnerOf(runners, s), options)
      result.steps.push({id: s.step.id, ...check})
      if (check.ok) options.onEvent({type: 'step-done', action: 'verify', step: s.step.id, durationMs: check.durationMs, waitedMs: 0, retries: 0})
      else options.onEvent({type: 'step-failed', action: 'verify', step: s.step.id, error: check.error ?? '', sqlstate: null})
    }
    result.ok = result.steps.every((s) => s.ok)
    options.onEvent({type: 'end', action: 'verify', ok: result.ok, interrupted: options.signal.aborted})
    return result
  } finally {
    await lock.release()
  }
}

async function verifyOne(conn: Connection, ledger: Ledger, plan: LoadedPlan, s: LoadedStep, runner: StepRunner, options: ExecuteOptions): Promise<{ok: boolean; error: string | null; durationMs: number; skipped?: string}> {
  const started = performance.now()
  let error: string | null = null
  let skipped: string | undefined
  const {ctx, close} = stepContext(conn, ledger, plan, s, options)
  try {
    if (!(await runner.verify(ctx))) skipped = 'no verify file'
  } catch (e) {
    error = e instanceof StepFailure ? e.reason : (e as Error).message
  } finally {
    await close()
  }
  await ledger.event(s.step.id, 'verify', error ? `failed: ${error}` : skipped ?? 'ok').catch(() => {})
  return {ok: error === null, error, durationMs: Math.round(performance.now() - started), ...(skipped ? {skipped} : {})}
}

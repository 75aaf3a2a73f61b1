/**
 * split-sync: the target follows the source from the copy until the cut-over.
 *
 * Logical replication — why the order prepare (slot) → copy (keyset batches) → sync (enable)
 * loses nothing and ends exact:
 * - The slot was created before the copy read any row, so it holds every change committed after
 *   a point that precedes every batch. Replaying it over the copy applies each row's changes in
 *   commit order onto a state that is the same or newer than the one at the slot's point.
 * - Replaying onto a newer state: an INSERT of a row the copy already has would fail on the
 *   primary key and stop the apply worker, so a replica-only BEFORE INSERT trigger (target.sql)
 *   turns it into an UPDATE; UPDATEs and DELETEs of rows the target lacks are skipped by
 *   PostgreSQL. Every replayed change carries the row's full new state, so each row converges to
 *   its last change. (copy_data = true would avoid the question, but as one long COPY in one
 *   snapshot — not resumable, not throttled, holding back vacuum for its whole duration.)
 * - What replay alone cannot fix: an UPDATE that moved a primary key between two key ranges the
 *   copy read at different moments can leave a row missing. So once caught up, every table is
 *   compared (parity.ts) and rows still different after a second catch-up are repaired from the
 *   source. The cut-over compares again with writes paused: that comparison is the guarantee.
 * - Unique constraints, indexes and foreign keys are only added now (target-constraints.sql):
 *   during replay-over-copy the target passes through states they would reject.
 *
 * Change capture: the queues were installed before the copy; draining applies the current state
 * of every queued key, so the same convergence holds (and deletes are queued too).
 */
import {CarveError} from '../../errors.js'
import type {PlanStep} from '../../plan/model.js'
import {ident} from '../../plan/quote.js'
import {pendingChanges} from '../../execute/change-capture.js'
import {isDecommissioned, isSwitched} from '../../execute/cutover.js'
import type {RunContext, StepProgram} from '../../execute/runner.js'
import {Interrupted} from '../../execute/interrupted.js'
import type {Connection} from '../../db/connection.js'
import type {SplitSpec} from '../split/generate.js'
import {fileOf, publishedTables, requireLogical, requireServer, slotState, splitSpecOf, subscriptionState} from '../../execute/replication.js'
import {runScript} from '../../execute/lock-retry.js'
import {captureFollower, captureTables, type Follower, heartbeatFollower, replicaSession} from '../../execute/split-follow.js'
import {reconcile} from '../../execute/reconcile.js'
import {sleep} from '../../util/sleep.js'
import {sqlstateOf} from '../../util/sqlstate.js'

interface SyncCheckpoint {
  constraints: boolean
  compared: number
  found: number
  repaired: number
  remaining: number
}

async function follower(ctx: RunContext, spec: SplitSpec, target: Connection): Promise<Follower> {
  if (spec.mode === 'logical-replication') {
    const beat = await ctx.connectDatabase(spec.source_database)
    return heartbeatFollower(beat, target, spec, ctx.signal, async (ms) => {
      const slot = await slotState(ctx.conn, spec.slot)
      ctx.emit({phase: 'sync', message: `catching up: ${Math.round(ms / 1000)} s, ${slot.lagBytes ?? '?'} bytes of WAL not yet confirmed by the target`})
    })
  }
  const writer = await replicaSession(() => ctx.connectDatabase(spec.target_database))
  return captureFollower(ctx.conn, writer, await captureTables(ctx.conn, spec, 'forward'), ctx.signal)
}

/** Start the subscription and wait for PostgreSQL's own initial copies (tables without a key, the outbox). */
async function startReplication(ctx: RunContext, spec: SplitSpec, target: Connection): Promise<void> {
  const state = await subscriptionState(target, spec.subscription)
  if (!state.exists) {
    throw new CarveError('split.no-subscription', `subscription ${spec.subscription} does not exist in ${spec.target_database}`, {hint: 'apply split-prepare first (or again)'})
  }
  if (!state.enabled) await target.exec(`ALTER SUBSCRIPTION ${ident(spec.subscription)} ENABLE`)
  const initial = await publishedTables(ctx.conn, spec.sync_publication)
  if (initial.length && !state.publications.includes(spec.sync_publication)) {
    // New tables of the subscription get copied (copy_data), the others stay as they are.
    await target.exec(`ALTER SUBSCRIPTION ${ident(spec.subscription)} SET PUBLICATION ${ident(spec.publication)}, ${ident(spec.sync_publication)} WITH (copy_data = true)`)
    ctx.emit({phase: 'copy', message: `PostgreSQL copies ${initial.map((r) => `${r.schema}.${r.name}`).join(', ')} itself (initial table sync)`})
  }
  let last = 0
  for (;;) {
    const s = await subscriptionState(target, spec.subscription)
    const busy = Object.entries(s.relStates).filter(([k]) => k !== 'r').reduce((n, [, v]) => n + Number(v), 0)
    if (!busy) return
    if (ctx.signal.aborted) return
    if (performance.now() - last > 2000) {
      last = performance.now()
      ctx.emit({phase: 'copy', message: `initial table sync: ${busy} table${busy === 1 ? '' : 's'} still copying`})
    }
    await sleep(200, ctx.signal)
  }
}

export const splitSyncRunner: StepProgram = {
  async apply(ctx: RunContext, step: PlanStep): Promise<void> {
    try {
      await applySync(ctx, step)
    } catch (error) {
      // Ctrl-C while waiting: an interruption, not a failure (the next apply resumes).
      if (ctx.signal.aborted) throw new Interrupted()
      throw error
    }
  },

  verify: verifySync,
  rollback: rollbackSync,
  describe: describeSync,
}

async function applySync(ctx: RunContext, step: PlanStep): Promise<void> {
  const spec = splitSpecOf(step)
  if (spec.mode === 'logical-replication') await requireLogical(ctx.conn)
  else requireServer(ctx.conn)
  const target = await ctx.connectDatabase(spec.target_database)
  const saved = await ctx.loadCheckpoint<SyncCheckpoint>()
  if (spec.mode === 'logical-replication') {
    await startReplication(ctx, spec, target)
    if (ctx.signal.aborted) return
  }
  const follow = await follower(ctx, spec, target)
  const waited = await follow.catchUp(Number.POSITIVE_INFINITY, false)
  if (ctx.signal.aborted) return
  ctx.emit({phase: 'sync', message: `caught up by ${follow.how} in ${Math.round(waited)} ms`})

  const live = (deadline: number) => follow.catchUp(deadline, false)
  const parity = await reconcile(ctx.conn, target, spec.tables, {truth: 'source', rounds: 3, catchUp: async () => void (await live(Number.POSITIVE_INFINITY)), emit: ctx.emit})
  ctx.emit({phase: 'parity', message: `${parity.rows} rows compared in ${Math.round(parity.ms)} ms: ${parity.found} differing at first look, ${parity.repaired} repaired, ${parity.remaining} still changing`})

  let constraints = saved?.constraints ?? false
  for (let attempt = 1; !constraints; attempt++) {
    try {
      await runScript(target, fileOf(ctx.files, 'target-constraints', step), ctx.options)
      constraints = true
      ctx.emit({phase: 'sync', message: 'unique constraints, indexes and foreign keys (NOT VALID) added in the target'})
    } catch (error) {
      const code = sqlstateOf(error)
      // Already there: the script is one transaction, so an earlier run committed all of it.
      if (code === '42710' || code === '42P07') {
        constraints = true
        break
      }
      // A duplicate while rows are in flight: catch up, repair, try again.
      if (code !== '23505' || attempt >= 3) throw error
      await live(Number.POSITIVE_INFINITY)
      await reconcile(ctx.conn, target, spec.tables, {truth: 'source', rounds: 2, catchUp: async () => void (await live(Number.POSITIVE_INFINITY))})
    }
  }
  await ctx.saveCheckpoint({constraints, compared: parity.rows, found: parity.found, repaired: parity.repaired, remaining: parity.remaining} satisfies SyncCheckpoint)
}

async function verifySync(ctx: RunContext, step: PlanStep): Promise<void> {
  const spec = splitSpecOf(step)
  requireServer(ctx.conn)
  if ((await isSwitched(ctx.conn, spec)) || (await isDecommissioned(ctx.conn, spec))) {
    ctx.emit({phase: 'verify', message: `context ${spec.context} has been cut over: the forward sync has done its job`})
    return
  }
  const target = await ctx.connectDatabase(spec.target_database)
  if (spec.mode === 'logical-replication') {
    const deadline = performance.now() + 15_000
    for (;;) {
      const s = await subscriptionState(target, spec.subscription)
      if (s.enabled && s.pid !== null) break
      if (performance.now() > deadline) {
        throw new CarveError('verify.sync', `subscription ${spec.subscription} is ${s.exists ? (s.enabled ? 'enabled but not streaming' : 'disabled') : 'missing'}`, {hint: 'the server log of the target says why its apply worker stops'})
      }
      await sleep(100)
    }
    const follow = await follower(ctx, spec, target)
    const ms = await follow.catchUp(performance.now() + 30_000)
    const slot = await slotState(ctx.conn, spec.slot)
    // The slot's figure trails: the subscriber confirms what it has flushed, lazily.
    ctx.emit({phase: 'verify', message: `replication streaming: heartbeat round trip ${Math.round(ms)} ms; slot ${spec.slot} ${slot.lagBytes ?? '?'} bytes behind the source's WAL (confirmed flushes)`})
    return
  }
  const tables = await captureTables(ctx.conn, spec, 'forward')
  let pending = 0
  for (const t of tables) pending += await pendingChanges(ctx.conn, t.source)
  ctx.emit({phase: 'verify', message: `change capture: ${pending} change${pending === 1 ? '' : 's'} queued (drained at the cut-over)`})
}

async function rollbackSync(ctx: RunContext, step: PlanStep): Promise<void> {
  const spec = splitSpecOf(step)
  requireServer(ctx.conn)
  if (await isSwitched(ctx.conn, spec)) {
    throw new CarveError('rollback.order', `context ${spec.context} is cut over: roll back the cut-over step first`)
  }
  if (spec.mode !== 'logical-replication') return
  const target = await ctx.connectDatabase(spec.target_database)
  const s = await subscriptionState(target, spec.subscription)
  // The slot keeps its position: applying this step again resumes exactly where it stopped.
  if (s.exists && s.enabled) await target.exec(`ALTER SUBSCRIPTION ${ident(spec.subscription)} DISABLE`)
  ctx.emit({phase: 'rollback', message: `subscription ${spec.subscription} disabled; the slot keeps WAL on the source until the sync is applied again or split-prepare is rolled back`})
}

function describeSync(step: PlanStep): string {
  const spec = splitSpecOf(step)
  return spec.mode === 'logical-replication'
    ? `-- in ${spec.target_database}:
ALTER SUBSCRIPTION ${ident(spec.subscription)} ENABLE;
ALTER SUBSCRIPTION ${ident(spec.subscription)} SET PUBLICATION ${ident(spec.publication)}, ${ident(spec.sync_publication)} WITH (copy_data = true);
-- wait for the initial table sync and a heartbeat; compare every table, repair; then target-constraints.sql`
    : `-- drain the change-capture queues into ${spec.target_database}; compare every table, repair; then target-constraints.sql`
}

/**
 * The cut-over of a split and its undo, each behind a bounded write pause (write-pause.ts).
 *
 * The pause: one session takes `LOCK TABLE … IN EXCLUSIVE MODE` on the tables (writers queue,
 * readers go on) with `lock_timeout`; the clock starts when the lock is *requested*, since
 * writers queue behind a waiting lock too. Everything that must happen with writes stopped —
 * final catch-up, exact parity of the rows changed since the full comparison that ran before the
 * pause (pause-parity.ts), sequences, the switch — runs against a deadline of `maxPauseMs`
 * from that instant. Past it, or when the lock is not granted in time, the attempt is aborted:
 * the lock transaction rolls back (nothing was switched, the tables are writable again), what
 * the attempt did elsewhere is undone, and after a jittered backoff the next attempt starts — as
 * gh-ost does when it cannot get its cut-over lock within 3 s.
 *
 * Forward and reverse replication never run at once (before PostgreSQL 16 a subscription cannot
 * skip changes that were themselves replicated, so they would echo back and forth). The slot of
 * the direction about to start is created *before* the pause — creating a slot waits for every
 * running transaction, and inside the pause that could be a writer waiting for our lock — and is
 * advanced, inside the pause, to the WAL position where both sides are equal: it then holds
 * exactly the writes made after the switch. The WAL up to there is flushed first and the position
 * reached checked (advanceSlot): the server stops a slot at its flush position, which lags behind
 * the apply worker's asynchronous commits — a slot left there sends those back. On PostgreSQL 16+
 * the reverse subscription also takes only the target's own changes (origin = none).
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {guardFunctionSql, guardTriggerSql, HEARTBEAT_TABLE, RETIRED_GUARD_TRIGGER, type SplitSpec} from '../steps/split/generate.js'
import {ident, qualified} from '../plan/quote.js'
import {installCapture, removeCapture} from './change-capture.js'
import type {RunContext} from './runner.js'
import {advanceSlot, conninfoFor, createSlot, createSubscription, dropSlot, dropSubscription, publicationExists, relationExists, requireLogical, requireServer, setSubscriptionEnabled, subscriptionState, waitWorkerStopped, walInsertLsn} from './replication.js'
import {captureFollower, captureTables, type Follower, heartbeatFollower, replicaSession} from './split-follow.js'
import {setCarriedTriggers, syncSequences} from './split-carry.js'
import {reconcile, type ReconcileReport} from './reconcile.js'
import {type IncrementalReport, pausedParity, prepareParity, refuseSlowParity, remark, settleChanges} from './pause-parity.js'
import {type PauseAttempt, withWritePause} from './write-pause.js'
import {sleep} from '../util/sleep.js'

export {PauseAborted, PauseBudgetExceeded, withWritePause, type PauseAttempt, type PauseClock, type PauseOptions, type PauseResult} from './write-pause.js'

// ——— the cut-over ——————————————————————————————————————————————————————————————————

export interface CutoverCheckpoint {
  phase: 'switched' | 'done'
  pauseMs: number
  attempts: PauseAttempt[]
  catchUpMs: number
  /** The full comparison before the pause (writes running): what it found and repaired. */
  rehearsal: ReconcileReport | null
  /** The comparison inside the pause, of what changed since the last pass before it: exact. */
  parity: IncrementalReport | ReconcileReport
  sequences: number
}

function targetTables(spec: SplitSpec): RelationRef[] {
  return spec.tables.map((t) => t.target)
}

/** Guarded on the source = switched to the target. */
export async function isSwitched(source: Connection, spec: SplitSpec): Promise<boolean> {
  const first = spec.tables[0]
  if (!first) return false
  const rows = await source.query(`SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2`, [qualified(first.source.schema, first.source.name), RETIRED_GUARD_TRIGGER])
  return rows.length > 0
}

/** The source copies are gone (split-decommission ran): the target is all there is. */
export async function isDecommissioned(source: Connection, spec: SplitSpec): Promise<boolean> {
  const first = spec.tables[0]
  return first !== undefined && !(await relationExists(source, first.source))
}

async function requireMode(conn: Connection, spec: SplitSpec): Promise<void> {
  if (spec.mode === 'logical-replication') await requireLogical(conn)
  else requireServer(conn)
}

async function dropGuards(conn: Connection, rels: RelationRef[]): Promise<void> {
  for (const r of rels) {
    if (await relationExists(conn, r)) await conn.exec(`DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${qualified(r.schema, r.name)}`)
  }
}

/** FKs the sync added NOT VALID: validated once the target is the live copy (no write lock taken). */
async function validateForeignKeys(target: Connection, spec: SplitSpec): Promise<number> {
  const rows = await target.query<{rel: string; name: string}>(
    `SELECT conrelid::regclass::text AS rel, conname AS name FROM pg_constraint
      WHERE contype = 'f' AND NOT convalidated AND conrelid = ANY(SELECT to_regclass(x) FROM unnest($1::text[]) x)`,
    [targetTables(spec).map((t) => qualified(t.schema, t.name))],
  )
  for (const r of rows) await target.exec(`ALTER TABLE ${r.rel} VALIDATE CONSTRAINT ${ident(r.name)}`)
  return rows.length
}

/** The reverse publication in the target: the context's tables, its outbox and the heartbeat. */
async function ensureReversePublication(target: Connection, spec: SplitSpec): Promise<void> {
  if (await publicationExists(target, spec.reverse.publication)) return
  const rels = [...targetTables(spec), {schema: spec.meta_schema, name: HEARTBEAT_TABLE}]
  if (await relationExists(target, spec.outbox)) rels.push(spec.outbox)
  await target.exec(`CREATE PUBLICATION ${ident(spec.reverse.publication)} FOR TABLE ${rels.map((r) => qualified(r.schema, r.name)).join(', ')}`)
}

async function waitWorker(conn: Connection, name: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const s = await subscriptionState(conn, name)
    if (s.enabled && s.pid !== null) return
    if (performance.now() > deadline) {
      throw new CarveError('split.not-streaming', `subscription ${name} in ${conn.database} is ${s.exists ? (s.enabled ? 'enabled but its worker is not running' : 'disabled') : 'missing'}`, {
        hint: 'the server log says why the apply worker stops (a conflict, a missing table, connection refused)',
      })
    }
    await sleep(100)
  }
}

/** How `to` catches up with `from` in this split's mode. */
async function followerOf(ctx: RunContext, spec: SplitSpec, direction: 'forward' | 'reverse', target: Connection): Promise<Follower> {
  const [fromDb, toConn] = direction === 'forward' ? [spec.source_database, target] : [spec.target_database, ctx.conn]
  const fromConn = direction === 'forward' ? ctx.conn : target
  if (spec.mode === 'logical-replication') return heartbeatFollower(await ctx.connectDatabase(fromDb), toConn, spec, ctx.signal)
  const writer = await replicaSession(() => ctx.connectDatabase(direction === 'forward' ? spec.target_database : spec.source_database))
  return captureFollower(fromConn, writer, await captureTables(fromConn, spec, direction), ctx.signal)
}

/**
 * Test seams: `beforeParity` runs just before the comparisons before the pause (after the
 * reverse slot exists: creating it waits for every open transaction of the server);
 * `beforePause` once they are done (differences it makes must be found inside).
 */
export interface CutoverHooks {
  beforeParity?: () => Promise<void>
  beforePause?: () => Promise<void>
}

export async function cutOver(ctx: RunContext, spec: SplitSpec, upSql: string, hooks: CutoverHooks = {}): Promise<CutoverCheckpoint> {
  await requireMode(ctx.conn, spec)
  const logical = spec.mode === 'logical-replication'
  const source = ctx.conn
  const target = await ctx.connectDatabase(spec.target_database)
  const lockRels = spec.tables.map((t) => t.source)
  if (await relationExists(source, spec.outbox)) lockRels.push(spec.outbox)
  const carried = [...targetTables(spec), spec.outbox]

  if (!(await isSwitched(source, spec))) {
    // Before the pause: the forward stream must be running; the reverse path is made ready.
    await dropGuards(target, carried)
    if (logical) {
      await waitWorker(target, spec.subscription, 15_000)
      await ensureReversePublication(target, spec)
      await createSlot(target, spec.reverse.slot)
      await createSubscription(source, {
        name: spec.reverse.subscription,
        conninfo: await conninfoFor(source, spec.target_database),
        publications: [spec.reverse.publication],
        slot: spec.reverse.slot,
        enabled: false,
        // The target's only replicated changes are the forward stream's: never send those back.
        localOnly: true,
      })
    }
    const follow = await followerOf(ctx, spec, 'forward', target)
    const lag = await follow.catchUp(performance.now() + 60_000, false)
    ctx.emit({phase: 'sync', message: `target caught up in ${Math.round(lag)} ms before the pause (${follow.how})`})
    // The full comparison and the incremental passes, with writes running: the pause then only
    // compares what changed since (pause-parity.ts), and its cost is estimated from the last pass.
    const catchUp = async () => void (await follow.catchUp(performance.now() + 60_000, false))
    const prepare = () => prepareParity(source, target, spec.tables, {truth: 'source', catchUp, maxPauseMs: ctx.options.maxPauseMs, streamed: logical, emit: ctx.emit})
    await hooks.beforeParity?.()
    const prepared = await prepare()
    const rehearsal = prepared.full
    let mark = prepared.mark
    refuseSlowParity(prepared, ctx.options.maxPauseMs)
    await hooks.beforePause?.()
    const reverseTables = logical ? [] : await captureTables(target, spec, 'reverse')

    const holder = await ctx.connectDatabase(spec.source_database)
    const result = await withWritePause(
      {
        holder,
        tables: lockRels,
        maxPauseMs: ctx.options.maxPauseMs,
        lockTimeoutMs: ctx.options.lockTimeoutMs,
        retries: ctx.options.lockRetries,
        signal: ctx.signal,
        emit: ctx.emit,
        what: `cut-over of ${spec.context}`,
        beforeRetry: async (previous) => {
          mark = await remark(previous, prepare, () => settleChanges(source, target, spec.tables, mark, {truth: 'source', rounds: 3, catchUp, streamed: logical, targetMs: ctx.options.maxPauseMs / 4}))
        },
      },
      async (clock, onAbort) => {
        // 1. Final catch-up: with the source frozen, everything committed before the lock arrives.
        const catchUpMs = await follow.catchUp(clock.deadline, true)
        clock.check('catch-up')
        // 2. Exact parity of what changed since the mark: repairs from the frozen source, then
        //    nothing may differ; a row lost outside the changed keys gives the attempt up.
        const parity = await pausedParity(source, target, spec.tables, mark, 'source', clock)
        if (parity.remaining > 0) {
          throw new CarveError('cutover.parity', `${parity.remaining} row${parity.remaining === 1 ? '' : 's'} still differ after repair with writes paused; nothing was switched`, {
            hint: 'something else writes to the target tables, or a type does not round-trip through its text form; compare the tables with carve verify',
          })
        }
        clock.check('parity')
        // 3. Sequences past the source's.
        const sequences = await syncSequences(source, target, spec, 'forward')
        // 4. The reverse path starts exactly here: the slot moved to the point where both sides
        //    are equal (logical), or capture installed on the target before it takes a write.
        if (logical) {
          await advanceSlot(target, spec.reverse.slot, await walInsertLsn(target), () => clock.check('reverse slot'))
        } else {
          onAbort(async () => {
            for (const t of reverseTables) await target.exec(removeCapture(t))
          })
          for (const t of reverseTables) await target.exec(installCapture(t))
        }
        // 5. The target's own triggers (the outbox) fire from its first write.
        onAbort(() => setCarriedTriggers(target, carried, false))
        await setCarriedTriggers(target, carried, true)
        clock.check('switch')
        // 6. The switch (up.sql) inside the lock transaction: committed with the release.
        await holder.exec(upSql)
        return {catchUpMs, parity, sequences}
      },
    )
    const checkpoint: CutoverCheckpoint = {phase: 'switched', pauseMs: Math.round(result.pauseMs), attempts: result.attempts, rehearsal, ...result.value}
    await ctx.saveCheckpoint(checkpoint)
    ctx.emit({
      phase: 'cutover',
      message: `switched: pause ${checkpoint.pauseMs} ms (catch-up ${Math.round(result.value.catchUpMs)} ms, parity ${Math.round(result.value.parity.ms)} ms: ${result.value.parity.changed} changed keys compared, ${result.value.parity.rows} rows counted, ${result.value.parity.repaired} repaired, ${result.value.parity.remaining} different)`,
    })
  }

  // After the switch (also where an interrupted cut-over resumes): forward off, reverse on.
  if (logical) {
    await setSubscriptionEnabled(target, spec.subscription, false)
    await waitWorkerStopped(target, spec.subscription)
    await dropSubscription(target, spec.subscription)
    await dropSlot(source, spec.slot)
    await setSubscriptionEnabled(source, spec.reverse.subscription, true)
    await waitWorker(source, spec.reverse.subscription, 15_000)
  }
  const validated = await validateForeignKeys(target, spec)
  if (validated) ctx.emit({phase: 'cutover', message: `${validated} foreign key${validated === 1 ? '' : 's'} validated in ${spec.target_database}`})
  const saved = await ctx.loadCheckpoint<CutoverCheckpoint>()
  const done: CutoverCheckpoint = {...(saved ?? {pauseMs: 0, attempts: [], catchUpMs: 0, sequences: 0, rehearsal: null, parity: {tables: 0, rows: 0, diffMs: 0, found: 0, repaired: 0, remaining: 0, ms: 0}}), phase: 'done'}
  await ctx.saveCheckpoint(done)
  ctx.emit({phase: 'cutover', message: logical ? `reverse replication ${spec.reverse.subscription} streams ${spec.target_database} → ${spec.source_database}` : `writes to ${spec.target_database} are captured for the source copies (drained by verify and rollback)`})
  return done
}

// ——— the switch back (rollback of the cut-over) ————————————————————————————————————

export interface SwitchBackReport {
  pauseMs: number
  attempts: PauseAttempt[]
  parity: ReconcileReport | null
}

export async function switchBack(ctx: RunContext, spec: SplitSpec, downSql: string): Promise<SwitchBackReport> {
  await requireMode(ctx.conn, spec)
  const logical = spec.mode === 'logical-replication'
  const source = ctx.conn
  const target = await ctx.connectDatabase(spec.target_database)
  const tgtRels = targetTables(spec)
  const carried = [...tgtRels, spec.outbox]
  if (!(await isSwitched(source, spec))) {
    // Never switched (an aborted or interrupted cut-over): remove what the attempt prepared.
    if (logical) {
      await dropSubscription(source, spec.reverse.subscription)
      await dropSlot(target, spec.reverse.slot)
      await target.exec(`DROP PUBLICATION IF EXISTS ${ident(spec.reverse.publication)}`)
      await setSubscriptionEnabled(target, spec.subscription, true)
    } else {
      for (const t of await captureTables(target, spec, 'reverse')) await target.exec(removeCapture(t))
    }
    await setCarriedTriggers(target, carried, false)
    ctx.emit({phase: 'rollback', message: 'the cut-over had not switched: its preparations were removed, the forward sync goes on'})
    return {pauseMs: 0, attempts: [], parity: null}
  }
  const lockRels = [...tgtRels]
  if (await relationExists(target, spec.outbox)) lockRels.push(spec.outbox)
  const reverseTables = logical ? [] : await captureTables(target, spec, 'reverse')

  if (logical) {
    // The reverse stream must run so the last writes on the target reach the source.
    await setSubscriptionEnabled(source, spec.reverse.subscription, true)
    await waitWorker(source, spec.reverse.subscription, 15_000)
    // A fresh forward slot and subscription, made before the pause (see the module comment).
    await dropSubscription(target, spec.subscription)
    await dropSlot(source, spec.slot)
    await createSlot(source, spec.slot)
    await createSubscription(target, {
      name: spec.subscription,
      conninfo: await conninfoFor(source, spec.source_database),
      publications: [spec.publication, spec.sync_publication],
      slot: spec.slot,
      enabled: false,
    })
  }
  const follow = await followerOf(ctx, spec, 'reverse', target)
  await follow.catchUp(performance.now() + 60_000, false)
  // As for the cut-over: the full comparison before the pause, the changed keys inside it.
  const catchUp = async () => void (await follow.catchUp(performance.now() + 60_000, false))
  const prepare = () => prepareParity(source, target, spec.tables, {truth: 'target', catchUp, maxPauseMs: ctx.options.maxPauseMs, streamed: logical, emit: ctx.emit})
  const prepared = await prepare()
  let mark = prepared.mark
  refuseSlowParity(prepared, ctx.options.maxPauseMs, 'rollback.parity-too-slow')

  const holder = await ctx.connectDatabase(spec.target_database)
  const switcher = await ctx.connectDatabase(spec.source_database)
  const result = await withWritePause(
    {
      holder,
      tables: lockRels,
      maxPauseMs: ctx.options.maxPauseMs,
      lockTimeoutMs: ctx.options.lockTimeoutMs,
      retries: ctx.options.lockRetries,
      signal: ctx.signal,
      emit: ctx.emit,
      what: `switch-back of ${spec.context}`,
      beforeRetry: async (previous) => {
        mark = await remark(previous, prepare, () => settleChanges(source, target, spec.tables, mark, {truth: 'target', rounds: 3, catchUp, streamed: logical, targetMs: ctx.options.maxPauseMs / 4}))
      },
    },
    async (clock, onAbort) => {
      await follow.catchUp(clock.deadline, true)
      clock.check('catch-up')
      const parity = await pausedParity(source, target, spec.tables, mark, 'target', clock)
      if (parity.remaining > 0) {
        throw new CarveError('rollback.parity', `${parity.remaining} row${parity.remaining === 1 ? '' : 's'} still differ between the target and the source copies with writes paused; nothing was switched back`)
      }
      clock.check('parity')
      await syncSequences(target, source, spec, 'reverse')
      if (logical) await advanceSlot(source, spec.slot, await walInsertLsn(source), () => clock.check('forward slot'))
      // The source side of the switch in its own transaction, committed just before the release.
      await switcher.exec('BEGIN')
      onAbort(() => switcher.exec('ROLLBACK'))
      await switcher.exec(`SET LOCAL lock_timeout = '${Math.max(1, Math.round(clock.deadline - performance.now()))}ms'`)
      await switcher.exec(downSql)
      // The target stops taking writes, inside the lock transaction: carried triggers off,
      // reverse capture gone, the guard on (a stray writer fails loudly instead of being lost).
      await setCarriedTriggers(holder, carried, false)
      for (const t of reverseTables) await holder.exec(removeCapture(t))
      await holder.exec(guardFunctionSql(spec))
      for (const r of lockRels) await holder.exec(guardTriggerSql(spec, r, spec.source_database))
      clock.check('switch')
      await switcher.exec('COMMIT')
      return parity
    },
  )
  if (logical) {
    // Reverse off, forward on: the new forward slot holds exactly the source's writes since the switch-back.
    await dropSubscription(source, spec.reverse.subscription)
    await dropSlot(target, spec.reverse.slot)
    await target.exec(`DROP PUBLICATION IF EXISTS ${ident(spec.reverse.publication)}`)
    await setSubscriptionEnabled(target, spec.subscription, true)
    await waitWorker(target, spec.subscription, 15_000)
  }
  ctx.emit({phase: 'rollback', message: `switched back to ${spec.source_database}: writes paused ${Math.round(result.pauseMs)} ms, ${result.value.rows} rows compared, ${result.value.repaired} repaired; the forward sync goes on`})
  return {pauseMs: result.pauseMs, attempts: result.attempts, parity: result.value}
}

// ——— verification ————————————————————————————————————————————————————————————————————

export async function verifyCutover(ctx: RunContext, spec: SplitSpec, verifySql: string): Promise<void> {
  requireServer(ctx.conn)
  const source = ctx.conn
  const target = await ctx.connectDatabase(spec.target_database)
  if (await isDecommissioned(source, spec)) {
    for (const t of spec.tables) {
      if (!(await relationExists(target, t.target))) throw new CarveError('verify.cutover', `${t.target.schema}.${t.target.name} is missing in ${spec.target_database}`)
    }
    return
  }
  await source.exec(verifySql)
  if (spec.mode === 'logical-replication') {
    if ((await subscriptionState(target, spec.subscription)).exists) {
      throw new CarveError('verify.cutover', `forward subscription ${spec.subscription} still exists in ${spec.target_database}`)
    }
    await waitWorker(source, spec.reverse.subscription, 15_000)
  }
  const follow = await followerOf(ctx, spec, 'reverse', target)
  const lag = await follow.catchUp(performance.now() + 30_000, false)
  const parity = await reconcile(source, target, spec.tables, {truth: 'target', rounds: 3, repair: false, catchUp: async () => void (await follow.catchUp(performance.now() + 30_000, false))})
  ctx.emit({phase: 'verify', message: `reverse ${follow.how}: caught up in ${Math.round(lag)} ms; ${parity.rows} rows compared, ${parity.remaining} differing`})
  if (parity.remaining > 0) {
    throw new CarveError('verify.parity', `${parity.remaining} row${parity.remaining === 1 ? '' : 's'} of context ${spec.context} differ between ${spec.target_database} and the source copies`)
  }
}

/**
 * split-decommission: after the soak period, the reverse replication, the read-only source
 * copies and the publications go. Irreversible: the runner refuses before the soak period has
 * passed unless forced, and its rollback always refuses.
 */
import {CarveError} from '../../errors.js'
import type {PlanStep} from '../../plan/model.js'
import {HEARTBEAT_TABLE, UPSERT_TRIGGER, type SplitSpec} from '../split/generate.js'
import {ident, qualified} from '../../plan/quote.js'
import {removeCapture} from '../../execute/change-capture.js'
import {isSwitched} from '../../execute/cutover.js'
import type {RunContext, RunOptions, StepProgram} from '../../execute/runner.js'
import type {Connection} from '../../db/connection.js'
import {dropSlot, dropSubscription, fileOf, relationExists, requireServer, splitSpecOf, subscriptionState} from '../../execute/replication.js'
import {runScript} from '../../execute/lock-retry.js'
import {captureTables} from '../../execute/split-follow.js'

/** RunOptions as the executor may extend them: `force` (decommission during the soak period). */
export type SplitRunOptions = RunOptions & {force?: boolean}

const DAY_MS = 24 * 60 * 60 * 1000

/** When the context was cut over, from the heartbeat row (null if never). */
async function cutoverAt(conn: Connection, spec: SplitSpec): Promise<Date | null> {
  if (!(await relationExists(conn, {schema: spec.meta_schema, name: HEARTBEAT_TABLE}))) return null
  const [row] = await conn.query<{at: Date | null}>(`SELECT cutover_at AS at FROM ${qualified(spec.meta_schema, HEARTBEAT_TABLE)} WHERE context = $1`, [spec.context])
  return row?.at ? new Date(row.at) : null
}

/** Throws unless the soak period since the cut-over has passed (or force is given). */
export async function checkSoak(conn: Connection, spec: SplitSpec, force: boolean, now = Date.now()): Promise<void> {
  if (!(await isSwitched(conn, spec))) {
    throw new CarveError('decommission.not-cut-over', `context ${spec.context} has not been cut over to ${spec.target_database}: there is nothing to decommission yet`, {hint: 'apply the split-cutover step first'})
  }
  const at = await cutoverAt(conn, spec)
  const until = at ? at.getTime() + spec.soak_days * DAY_MS : Number.POSITIVE_INFINITY
  if (now >= until || force) return
  throw new CarveError(
    'decommission.soak',
    `the source copy of ${spec.context} is in its soak period${at ? ` (cut over ${at.toISOString()}, decommission allowed from ${new Date(until).toISOString()})` : ''}; decommissioning is irreversible`,
    {hint: 'wait for the soak period to end (readers of the compatibility views should be gone), or run it with force to decommission now'},
  )
}

async function dropUpsertTriggers(target: Connection, spec: SplitSpec): Promise<void> {
  const rows = await target.query<{rel: string; fn: string}>(
    `SELECT t.tgrelid::regclass::text AS rel, t.tgfoid::regprocedure::text AS fn FROM pg_trigger t
      WHERE t.tgname = $1 AND t.tgrelid = ANY(SELECT to_regclass(x) FROM unnest($2::text[]) x)`,
    [UPSERT_TRIGGER, spec.tables.map((t) => qualified(t.target.schema, t.target.name))],
  )
  for (const r of rows) await target.exec(`DROP TRIGGER IF EXISTS ${ident(UPSERT_TRIGGER)} ON ${r.rel}; DROP FUNCTION IF EXISTS ${r.fn};`)
}

export const splitDecommissionRunner: StepProgram = {
  async apply(ctx: RunContext, step: PlanStep): Promise<void> {
    const spec = splitSpecOf(step)
    const source = ctx.conn
    requireServer(source)
    if (spec.tables.length && !(await relationExists(source, spec.tables[0]!.source))) return // done already
    await checkSoak(source, spec, (ctx.options as SplitRunOptions).force === true)
    const target = await ctx.connectDatabase(spec.target_database)
    if (spec.mode === 'logical-replication') {
      await dropSubscription(source, spec.reverse.subscription)
      await dropSlot(target, spec.reverse.slot)
      await target.exec(`DROP PUBLICATION IF EXISTS ${ident(spec.reverse.publication)}`)
    } else {
      for (const t of await captureTables(target, spec, 'reverse')) await target.exec(removeCapture(t))
      for (const t of await captureTables(source, spec, 'forward')) await source.exec(removeCapture(t))
    }
    await dropUpsertTriggers(target, spec)
    if (await relationExists(target, {schema: spec.meta_schema, name: HEARTBEAT_TABLE})) {
      await target.query(`DELETE FROM ${qualified(spec.meta_schema, HEARTBEAT_TABLE)} WHERE context = $1`, [spec.context])
    }
    await runScript(source, fileOf(ctx.files, 'up', step), ctx.options)
    ctx.emit({phase: 'apply', message: `the source copy of ${spec.context} is gone; ${spec.target_database} is its only home`})
  },

  async verify(ctx: RunContext, step: PlanStep): Promise<void> {
    const spec = splitSpecOf(step)
    requireServer(ctx.conn)
    await ctx.conn.exec(fileOf(ctx.files, 'verify', step))
    if ((await subscriptionState(ctx.conn, spec.reverse.subscription)).exists) {
      throw new CarveError('verify.decommission', `reverse subscription ${spec.reverse.subscription} still exists in ${spec.source_database}`)
    }
  },

  async rollback(_ctx: RunContext, step: PlanStep): Promise<void> {
    const spec = splitSpecOf(step)
    throw new CarveError('rollback.irreversible', `step ${step.id} dropped the source copy of ${spec.context}; it cannot be rolled back`, {
      hint: `restore the tables from a backup taken before the decommission, or split ${spec.context} back out of ${spec.target_database} with a new plan`,
    })
  },

  describe(step: PlanStep, files: Partial<Record<string, string>>): string {
    const spec = splitSpecOf(step)
    return `-- refused before ${spec.soak_days} days after the cut-over unless forced (irreversible)
-- ${spec.mode === 'logical-replication' ? `drop subscription ${spec.reverse.subscription} (source), slot ${spec.reverse.slot} and publication ${spec.reverse.publication} (target)` : 'remove change capture on both sides'}
${(files.up ?? '').trim()}`
  },
}

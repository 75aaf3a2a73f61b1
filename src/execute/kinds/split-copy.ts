/**
 * Step kind `split-copy`: copy the rows existing at start of each listed table into the target
 * database (or another schema of the same one), resumably, then check parity.
 *
 * spec (plan.yml, snake_case):
 *   target_database: orders            # the plan's own database name = a copy within it
 *   tables:
 *     - {source: {schema: public, name: orders}, target: {schema: orders, name: orders},
 *        key: [id], columns: [id, customer_id, total, created_at]}
 *   max_replication_lag_bytes: 67108864  # optional: pause while replicas/slots lag more
 *   max_active_sessions: 40              # optional: pause while the server is busier
 *
 * Checkpoint (in the ledger): {"<source table>": BackfillCheckpoint, …}, saved after every batch.
 *
 * Verify, and the parity check ending apply — the choice: every difference between source and
 * target must be explained, or the step fails. A difference on a key with an entry waiting in
 * the change-capture queue is a write on its way (split-sync drains it), so it is reported and
 * accepted; any other difference — above all a row missing on the target — fails, after two
 * re-checks half a second apart (with logical replication instead of capture, a fresh write may be a
 * moment away from the target). Row counts alone would accept a lost row hidden by a stray one;
 * failing on every difference would make verify useless while writes continue.
 *
 * Rollback empties the target tables (they themselves belong to split-prepare's down) and
 * forgets the checkpoints.
 */
import {z} from 'zod'

import type {Connection} from '../../db/connection.js'
import {CarveError, EXIT} from '../../errors.js'
import type {PlanStep} from '../../plan/model.js'
import {qualified} from '../../plan/quote.js'
import {
  backfillTable,
  combineThrottles,
  copyLabel,
  loadThrottle,
  replicationLagThrottle,
  type BackfillCheckpoint,
  type CopyTable,
} from '../backfill.js'
import {captureInstalled, pendingKeys} from '../change-capture.js'
import {diffTables, type DifferenceKind} from '../parity.js'
import type {RunContext, StepRunner} from '../runner.js'

const relation = z.object({schema: z.string().min(1), name: z.string().min(1)}).strict()

export const splitCopySpecSchema = z.object({
  target_database: z.string().min(1),
  tables: z
    .array(
      z
        .object({source: relation, target: relation, key: z.array(z.string().min(1)).min(1), columns: z.array(z.string().min(1)).min(1)})
        .strict(),
    )
    .min(1),
  max_replication_lag_bytes: z.number().int().positive().optional(),
  max_active_sessions: z.number().int().positive().optional(),
})

export type SplitCopySpec = z.infer<typeof splitCopySpecSchema>

type Checkpoints = Record<string, BackfillCheckpoint>

/** Differences listed in a failure message. */
const LISTED = 10
/** Differences examined before giving up on explaining them one by one. */
const EXAMINED = 100_000
const RECHECKS = 2
const RECHECK_MS = 500

export function parseSplitCopySpec(step: Pick<PlanStep, 'id' | 'spec'>): SplitCopySpec {
  const parsed = splitCopySpecSchema.safeParse(step.spec ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new CarveError('plan.spec', `step ${step.id}: spec.${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      hint: 'a split-copy spec is {target_database, tables: [{source: {schema, name}, target: {schema, name}, key: [...], columns: [...]}]}',
      exitCode: EXIT.usage,
    })
  }
  return parsed.data
}

/** The target's session, or null when the target is the plan's own database (INSERT … SELECT). */
async function openTarget(ctx: RunContext, spec: SplitCopySpec): Promise<Connection | null> {
  if (spec.target_database === ctx.conn.database) return null
  return ctx.connectDatabase(spec.target_database)
}

function interrupted(): CarveError {
  return new CarveError('interrupted', 'copy interrupted; the checkpoint is saved — apply again to resume where it stopped', {exitCode: EXIT.interrupted})
}

function keyText(key: unknown[]): string {
  return key.length === 1 ? String(key[0]) : `(${key.map(String).join(', ')})`
}

/** Every difference of one table must be a change waiting in the capture queue; returns a summary or throws. */
async function checkParity(ctx: RunContext, target: Connection | null, t: CopyTable, phase: 'apply' | 'verify'): Promise<string> {
  const label = copyLabel(t)
  const capture = await captureInstalled(ctx.conn, t.source)
  let last: {unexplained: [DifferenceKind, string[]][]; explained: number; examined: number; rows: number; targetRows: number} | null = null
  for (let attempt = 0; attempt <= RECHECKS; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, RECHECK_MS))
    const found: [DifferenceKind, string[]][] = []
    const summary = await diffTables(ctx.conn, target ?? ctx.conn, t.source, t.target, t.key, t.columns, {
      onDifference: (kind, key) => {
        found.push([kind, key])
        return found.length < EXAMINED
      },
    })
    // Read after the comparison: a write it saw on the source had queued its key by then.
    const pending = capture && found.length ? await pendingKeys(ctx.conn, t) : new Set<string>()
    const unexplained = found.filter(([, key]) => !pending.has(JSON.stringify(key)))
    last = {unexplained, explained: found.length - unexplained.length, examined: found.length, rows: summary.sourceRows, targetRows: summary.targetRows}
    if (!unexplained.length && found.length < EXAMINED) break
  }
  const r = last!
  if (r.unexplained.length || r.examined >= EXAMINED) {
    const byKind = (k: DifferenceKind) => r.unexplained.filter(([kind]) => kind === k)
    const parts = (['missing', 'differing', 'extra'] as const)
      .map((k) => [k, byKind(k)] as const)
      .filter(([, list]) => list.length)
      .map(([k, list]) => `${list.length}${r.examined >= EXAMINED ? '+' : ''} ${k === 'missing' ? 'missing on the target' : k === 'extra' ? 'extra on the target' : 'differing'} (${list.slice(0, LISTED).map(([, key]) => keyText(key)).join(', ')}${list.length > LISTED ? ', …' : ''})`)
    throw new CarveError('copy.parity', `${label} → ${qualified(t.target.schema, t.target.name)}: ${parts.join('; ') || `more than ${EXAMINED} differences`}`, {
      hint: capture
        ? 'these rows differ and no change to them is queued: apply the step again (copies are idempotent), then look at what writes the target'
        : 'these rows differ with no change capture to explain them: apply the step again, or check the replication into the target',
    })
  }
  const message = r.explained
    ? `${label}: ${r.rows} source rows, ${r.targetRows} target rows; ${r.explained} differences, each a change queued for sync`
    : `${label}: equal (${r.rows} rows)`
  ctx.emit({phase: 'parity', message: phase === 'apply' ? `after copy: ${message}` : message, done: r.rows, total: r.rows})
  return message
}

export const splitCopyRunner: StepRunner = {
  async apply(ctx, step) {
    const spec = parseSplitCopySpec(step)
    const target = await openTarget(ctx, spec)
    const state: Checkpoints = {...((await ctx.loadCheckpoint<Checkpoints>()) ?? {})}
    const throttle = combineThrottles(
      ...(spec.max_replication_lag_bytes ? [replicationLagThrottle(ctx.conn, spec.max_replication_lag_bytes)] : []),
      ...(spec.max_active_sessions ? [loadThrottle(ctx.conn, spec.max_active_sessions)] : []),
    )
    for (const t of spec.tables) {
      const label = copyLabel(t)
      const cp = await backfillTable(
        ctx.conn,
        target,
        t,
        {
          load: async () => state[label] ?? null,
          save: async (c) => {
            state[label] = c
            await ctx.saveCheckpoint(state)
          },
        },
        {
          batchSize: ctx.options.batchSize,
          maxBatchSize: ctx.options.maxBatchSize,
          batchTargetMs: ctx.options.batchTargetMs,
          throttle,
          signal: ctx.signal,
          onBatch: (p) => ctx.emit({phase: 'copy', message: `${p.table}: ${p.done} of ~${p.total} rows (batch ${p.batchSize})`, done: p.done, total: p.total, rate: p.rate}),
        },
      )
      if (!cp.done) throw interrupted()
      ctx.emit({phase: 'copy', message: `${label}: copied ${cp.rows} rows`, done: cp.rows, total: cp.rows})
    }
    for (const t of spec.tables) {
      if (ctx.signal.aborted) throw interrupted()
      await checkParity(ctx, target, t, 'apply')
    }
  },

  async verify(ctx, step) {
    const spec = parseSplitCopySpec(step)
    const target = await openTarget(ctx, spec)
    for (const t of spec.tables) await checkParity(ctx, target, t, 'verify')
  },

  async rollback(ctx, step) {
    const spec = parseSplitCopySpec(step)
    const target = await openTarget(ctx, spec)
    for (const t of spec.tables) {
      if (!target && t.source.schema === t.target.schema && t.source.name === t.target.name) {
        throw new CarveError('copy.same-table', `${copyLabel(t)}: the source and target are the same table; refusing to empty it`)
      }
    }
    const conn = target ?? ctx.conn
    const names = spec.tables.map((t) => qualified(t.target.schema, t.target.name))
    try {
      // One statement for all: tables referencing each other are emptied together.
      await conn.query(`TRUNCATE ${names.join(', ')}`)
    } catch (error) {
      // Referenced by a table outside the step: delete instead (the FK then decides).
      if ((error as {code?: string}).code !== '0A000') throw error
      for (const n of [...names].reverse()) await conn.query(`DELETE FROM ${n}`)
    }
    await ctx.saveCheckpoint({})
    ctx.emit({phase: 'rollback', message: `emptied ${names.length} target table${names.length === 1 ? '' : 's'} in ${spec.target_database}`})
  },

  describe(step) {
    const spec = parseSplitCopySpec(step)
    const lines = [
      `copy the rows existing at start of ${spec.tables.length} table${spec.tables.length === 1 ? '' : 's'} into database ${spec.target_database}:`,
      ...spec.tables.map((t) => `  ${copyLabel(t)} → ${qualified(t.target.schema, t.target.name)}  key (${t.key.join(', ')}), ${t.columns.length} columns`),
      'keyset batches over the key (sized toward the target time per batch), ON CONFLICT DO NOTHING, a checkpoint after every batch;',
      'then parity: chunked hashes on both sides; every difference must be a change queued in change capture, else the step fails.',
    ]
    const throttles = [
      spec.max_replication_lag_bytes ? `replication lag above ${spec.max_replication_lag_bytes} bytes` : null,
      spec.max_active_sessions ? `more than ${spec.max_active_sessions} active sessions` : null,
    ].filter(Boolean)
    if (throttles.length) lines.push(`pauses while: ${throttles.join('; ')}`)
    return lines.join('\n')
  },
}

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
 * Verify, and the parity check ending apply — the choice: the copy's promise is that every row
 * existing at start reached the target, and writes may go on meanwhile. So every difference
 * between source and target must be explained, or the step fails naming the keys:
 *   - a key with a change waiting in the change-capture queue: a write on its way (split-sync
 *     drains it);
 *   - a row missing on the target or differing whose source row was written since the copy
 *     started (its xmin is not older than the oldest transaction running at start, kept in the
 *     checkpoint): the copy may have read it before that write; the sync brings it;
 *   - a row extra on the target when no change capture is installed: with logical replication a
 *     delete still travelling cannot be told from a stray row (split-sync's parity repair and the
 *     cut-over's exact parity are the gates for those).
 * A row that existed unchanged before the copy started and is missing or different on the target
 * is a lost row: always a failure, after two re-checks half a second apart (a drain may be
 * between applying a change and dequeuing it). Row counts alone would accept a lost row hidden
 * by a stray one; failing on every difference would make verify useless while writes continue.
 *
 * Rollback empties the target tables (they themselves belong to split-prepare's down) and
 * forgets the checkpoints.
 */
import type {Connection} from '../../db/connection.js'
import {CarveError, EXIT} from '../../errors.js'
import type {PlanStep} from '../../plan/model.js'
import {ident, qualified} from '../../plan/quote.js'
import {sleep} from '../../util/sleep.js'
import {sqlstateOf} from '../../util/sqlstate.js'
import {
  backfillTable,
  combineThrottles,
  copyLabel,
  loadThrottle,
  replicationLagThrottle,
  type BackfillCheckpoint,
  type CopyTable,
} from '../../execute/backfill.js'
import {captureInstalled, pendingChanges, pendingKeys} from '../../execute/change-capture.js'
import {diffTables, type DifferenceKind} from '../../execute/parity.js'
import {readShape, withStableSession} from '../../execute/pg-table.js'
import type {RunContext, StepProgram} from '../../execute/runner.js'
import {splitCopySpecSchema, type SplitCopySpec} from './settings.js'
import {RETIRED_GUARD_TRIGGER} from '../split/spec.js'

export {splitCopySpecSchema, type SplitCopySpec} from './settings.js'

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

/**
 * A switch-back leaves the target tables guarded (read-only, the source serves again), and the
 * guard refuses TRUNCATE too: emptying them is this rollback's job, so the guards go first —
 * unless the source itself is guarded, i.e. the target is the live copy (the cut-over must be
 * rolled back before its copy is emptied).
 */
async function dropRetiredGuards(source: Connection, target: Connection, spec: SplitCopySpec): Promise<void> {
  const guarded = (conn: Connection, rels: {schema: string; name: string}[]) =>
    conn.query<{rel: string}>(
      `SELECT tgrelid::regclass::text AS rel FROM pg_trigger WHERE tgname = $1 AND tgrelid = ANY(SELECT to_regclass(x) FROM unnest($2::text[]) x)`,
      [RETIRED_GUARD_TRIGGER, rels.map((r) => qualified(r.schema, r.name))],
    )
  const live = await guarded(source, spec.tables.map((t) => t.source))
  if (live.length) {
    throw new CarveError('rollback.switched', `the source tables are read-only (${live.map((r) => r.rel).join(', ')}): ${spec.target_database} is the live copy, and emptying it would lose its writes`, {
      hint: 'roll back the split-cutover step first (it switches writes back to the source), then this one',
    })
  }
  for (const r of await guarded(target, spec.tables.map((t) => t.target))) await target.exec(`DROP TRIGGER IF EXISTS ${ident(RETIRED_GUARD_TRIGGER)} ON ${r.rel}`)
}

function interrupted(): CarveError {
  return new CarveError('interrupted', 'copy interrupted; the checkpoint is saved — apply again to resume where it stopped', {exitCode: EXIT.interrupted})
}

function keyText(key: unknown[]): string {
  return key.length === 1 ? String(key[0]) : `(${key.map(String).join(', ')})`
}

/** A PostgreSQL text[] literal (every element quoted), for keys passed as one parameter. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`
}

/**
 * Of these keys, those whose source row was written since the copy's transaction horizon
 * (xmin at or after it): rows the copy may not have seen, which the sync brings. A row whose
 * xmin is older existed, unchanged, before the copy started.
 *
 * Both sides are ages from the same reference (the next xid), so the comparison is exact. An
 * earlier form compared age(xmin) with the snapshot's xmax minus the horizon; xmax lags the
 * next xid by the transactions still open above it, so a write that began just as the copy
 * did (xmin within that lag of the horizon) was taken for an old row and failed the step.
 */
async function writtenSince(conn: Connection, t: CopyTable, keys: string[][], since: string): Promise<Set<string>> {
  const found = new Set<string>()
  if (!keys.length) return found
  const shape = await readShape(conn, t.source)
  const types = t.key.map((k) => shape.columns.get(k)!.type)
  const cols = t.key.map((k) => `t.${ident(k)}`)
  const names = t.key.map((_, i) => `k${i}`)
  await withStableSession([conn], async () => {
    for (let i = 0; i < keys.length; i += 10_000) {
      const slice = keys.slice(i, i + 10_000)
      const rows = await conn.query<{k: string[]}>(
        `SELECT ARRAY[${cols.map((c) => `${c}::text`).join(', ')}] AS k FROM ${qualified(t.source.schema, t.source.name)} t
          WHERE (${cols.join(', ')}) IN (SELECT ${names.map((n, j) => `u.${n}::${types[j]}`).join(', ')} FROM unnest(${names.map((_, j) => `$${j + 1}::text[]`).join(', ')}) AS u(${names.join(', ')}))
            AND age(t.xmin) <= age(($${names.length + 1}::bigint % 4294967296)::text::xid)`,
        [...names.map((_, j) => textArray(slice.map((k) => k[j]!))), since],
      )
      for (const r of rows) found.add(JSON.stringify(r.k))
    }
  })
  return found
}

interface ParityOutcome {
  unexplained: [DifferenceKind, string[]][]
  queued: number
  since: number
  untold: number
  examined: number
  rows: number
  targetRows: number
}

/**
 * Compare one table and explain each difference, or throw. Explained: a key with a change
 * queued in change capture; a missing or differing row whose source row was written since the
 * copy started; an extra row when no change capture is installed (a delete still travelling
 * through replication cannot be told from a stray row — the sync's parity repair and the
 * cut-over's exact parity catch those). Anything else fails.
 */
async function checkParity(ctx: RunContext, target: Connection | null, t: CopyTable, cp: BackfillCheckpoint | undefined, phase: 'apply' | 'verify'): Promise<void> {
  const label = copyLabel(t)
  const capture = await captureInstalled(ctx.conn, t.source)
  let last: ParityOutcome | null = null
  for (let attempt = 0; attempt <= RECHECKS; attempt++) {
    if (attempt > 0) await sleep(RECHECK_MS)
    const found: [DifferenceKind, string[]][] = []
    let recent = new Set<string>()
    // Nothing queued: the sides should be equal, and one whole-table hash per side proves it
    // fastest. Changes on their way (or logical replication's stream, which cannot be counted
    // here) make the sides differ, and the chunked pass alone is then the faster one.
    const wholeFirst = capture && (await pendingChanges(ctx.conn, t.source)) === 0
    const summary = await diffTables(ctx.conn, target ?? ctx.conn, t.source, t.target, t.key, t.columns, {
      wholeFirst,
      onDifference: (kind, key) => {
        found.push([kind, key])
        return found.length < EXAMINED
      },
      // In the comparison's snapshot (when it has one): a row deleted or rewritten since is still
      // the row the comparison saw, so "written since the copy started" is judged on that row.
      whileSnapshot: async () => {
        const rowsOnSource = found.filter(([kind]) => kind !== 'extra').map(([, key]) => key)
        if (cp?.since && rowsOnSource.length) recent = await writtenSince(ctx.conn, t, rowsOnSource, cp.since)
      },
    })
    // Read after the comparison: a write it saw on the source had queued its key by then.
    const pending = capture && found.length ? await pendingKeys(ctx.conn, t) : new Set<string>()
    const open = found.filter(([, key]) => !pending.has(JSON.stringify(key)))
    const unexplained = open.filter(([kind, key]) => (kind === 'extra' ? capture : !recent.has(JSON.stringify(key))))
    last = {
      unexplained,
      queued: found.length - open.length,
      since: open.filter(([kind, key]) => kind !== 'extra' && recent.has(JSON.stringify(key))).length,
      untold: open.filter(([kind]) => kind === 'extra' && !capture).length,
      examined: found.length,
      rows: summary.sourceRows,
      targetRows: summary.targetRows,
    }
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
      hint: 'no queued change and no write since the copy started explains these rows: apply the step again (the copy is idempotent), then look at what else writes the target',
    })
  }
  const why = [
    r.queued ? `${r.queued} with a change queued for sync` : null,
    r.since ? `${r.since} written since the copy started` : null,
    r.untold ? `${r.untold} extra on the target (deleted since, on their way through replication)` : null,
  ].filter(Boolean)
  const message = r.examined
    ? `${label}: ${r.rows} source rows, ${r.targetRows} target rows; ${r.examined} differences, each explained: ${why.join(', ')}`
    : `${label}: equal (${r.rows} rows)`
  ctx.emit({phase: 'parity', message: phase === 'apply' ? `after copy: ${message}` : message, done: r.rows, total: r.rows})
}

export const splitCopyRunner: StepProgram = {
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
      await checkParity(ctx, target, t, state[copyLabel(t)], 'apply')
    }
  },

  async verify(ctx, step) {
    const spec = parseSplitCopySpec(step)
    const target = await openTarget(ctx, spec)
    const state = (await ctx.loadCheckpoint<Checkpoints>()) ?? {}
    for (const t of spec.tables) await checkParity(ctx, target, t, state[copyLabel(t)], 'verify')
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
    if (target) await dropRetiredGuards(ctx.conn, target, spec)
    try {
      // One statement for all: tables referencing each other are emptied together.
      await conn.query(`TRUNCATE ${names.join(', ')}`)
    } catch (error) {
      // Referenced by a table outside the step: delete instead (the FK then decides).
      if (sqlstateOf(error) !== '0A000') throw error
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
      'keyset batches over the key (sized toward the target time per batch; across databases each a streamed COPY), idempotent (a repeated batch goes through ON CONFLICT DO NOTHING), a checkpoint after every batch;',
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

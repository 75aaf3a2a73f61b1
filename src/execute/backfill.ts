/**
 * Backfill: copy the rows a table holds when the copy starts into another table — in the same
 * database (another schema) or in another database — in keyset batches over the primary key,
 * with a checkpoint after every batch so a killed copy resumes where it stopped.
 *
 * Rules, and why:
 * - Rows are copied, never "touched" with a no-op UPDATE on the source (pgroll's way): that runs
 *   at ~15% of bulk speed and doubles the source table with dead tuples.
 * - Only rows existing at start: the largest key is captured before the first batch and stored in
 *   the checkpoint, so concurrent inserts never make the copy chase its tail. Rows written after
 *   the start reach the target through change capture (change-capture.ts) or replication.
 * - A batch is the next `limit` rows in key order after the last key copied. Within one
 *   database one INSERT … SELECT … ORDER BY key LIMIT n moves them and returns their keys;
 *   across databases the range's end is found first (the key `limit` rows on, by an index scan)
 *   and the range streams by a plain range scan.
 * - Every batch is idempotent, so the batch a kill interrupted — committed on the target,
 *   checkpoint not yet saved — is simply copied again, and a row change capture already wrote is
 *   never overwritten by an older copy. Batches are written optimistically as plain INSERTs or
 *   COPYs (`ON CONFLICT DO NOTHING` costs ~60% more: 292 vs 180 ms per 100k rows with two
 *   indexes, PostgreSQL 15); a unique violation, possible only when part of the batch is on the
 *   target already, rolls the statement back and the batch is written again with
 *   `ON CONFLICT (key) DO NOTHING` — as are the first batch after a resume and the few after any
 *   violation. The key is the arbiter: a clash on another unique index fails loudly instead of
 *   silently skipping a row.
 * - Same database: one `INSERT … SELECT` per batch. Across databases: the batch streams as
 *   `COPY (SELECT …) TO STDOUT` on the source piped into `COPY … FROM STDIN` on the target
 *   (copy-stream.ts), in the binary format when every column has the same built-in type on both
 *   sides, else in text — the types' own text I/O, so numeric, timestamptz, jsonb (including JSON
 *   null), bytea, arrays, enums and NULLs arrive exactly. A safe batch is COPYed into a temporary
 *   table and inserted from there with ON CONFLICT. (Connections without a driver client of their
 *   own fall back to text arrays: one SELECT returning each column as a text array, one
 *   `INSERT … SELECT FROM unnest(…)` casting them back, the next batch read while one is written.)
 * - Batch size adapts toward `batchTargetMs` per batch (at most ×2 or ÷2 per step, capped at
 *   `maxBatchSize`), like pt-online-schema-change's chunk-time; `throttle` (replication lag,
 *   server load) is consulted before every batch, like gh-ost.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {ident} from '../plan/quote.js'
import {crossDatabase, sameDatabase} from './backfill-copiers.js'
import {sameKey, type BatchCopier, type ReadBatch, type ResolvedCopy} from './backfill-model.js'
import {column, hasUniqueKey, readShape, relationLabel, requirePostgres, withStableSession, type TableShape} from './pg-table.js'
import {sleep} from '../util/sleep.js'
import {sqlstateOf} from '../util/sqlstate.js'

export type {ResolvedCopy} from './backfill-model.js'
export {combineThrottles, loadThrottle, replicationLagThrottle} from './throttles.js'

export interface CopyTable {
  source: RelationRef
  target: RelationRef
  key: string[]
  columns: string[]
}

export interface BackfillCheckpoint {
  table: string
  /** Key (text forms) of the last row existing at start; null when the table was empty. */
  upper: unknown[] | null
  /** Key (text forms) of the last row copied; null before the first batch. */
  after: unknown[] | null
  rows: number
  done: boolean
  /**
   * The oldest transaction (txid, as text) still running when the copy started: a source row
   * whose xmin is not older than this may have been written after the start, so a difference
   * on it is a write for the sync to bring, not a row the copy lost. Absent in checkpoints
   * written before it existed.
   */
  since?: string
}

export interface BackfillOptions {
  batchSize: number
  maxBatchSize: number
  batchTargetMs: number
  /** Called before each batch: ms to wait before asking again, 0 = go. */
  throttle?: () => Promise<number>
  /** Stop at the next batch boundary; the checkpoint returned is then not done. */
  signal?: AbortSignal
  onBatch?: (p: {table: string; done: number; total: number; rate: number; batchSize: number}) => void
}

export interface CheckpointStore {
  load(): Promise<BackfillCheckpoint | null>
  save(c: BackfillCheckpoint): Promise<void>
}

/** The label a table's checkpoint is stored under: the source table, quoted and qualified. */
export function copyLabel(table: CopyTable): string {
  return relationLabel(table.source)
}

/** Read both tables and check the copy can be done exactly and idempotently. */
export async function resolveCopy(source: Connection, target: Connection | null, table: CopyTable): Promise<ResolvedCopy> {
  requirePostgres(source, target)
  const label = copyLabel(table)
  if (!table.key.length) throw new CarveError('copy.no-key', `${label}: a copy needs the table's primary key (no key columns given)`)
  for (const k of table.key) {
    if (!table.columns.includes(k)) throw new CarveError('copy.key-column', `${label}: key column ${ident(k)} is not among the copied columns`)
  }
  if (new Set(table.columns).size !== table.columns.length) throw new CarveError('copy.columns', `${label}: a column is listed twice`)
  if (!target && table.source.schema === table.target.schema && table.source.name === table.target.name) {
    throw new CarveError('copy.same-table', `${label}: the source and target are the same table`)
  }
  const src = await readShape(source, table.source)
  const tgt = await readShape(target ?? source, table.target)
  for (const c of table.columns) {
    column(src, c, source)
    column(tgt, c, target ?? source)
  }
  if (!hasUniqueKey(tgt, table.key)) {
    throw new CarveError('copy.target-key', `${relationLabel(tgt)} has no primary key or unique index on (${table.key.map(ident).join(', ')})`, {
      hint: 'without it a resumed copy would duplicate rows; create the target table with the source\'s primary key',
    })
  }
  const insertColumns = table.columns.filter((c) => !tgt.columns.get(c)!.generated)
  return {
    label,
    source: src,
    target: tgt,
    key: table.key,
    keyTypes: table.key.map((k) => src.columns.get(k)!.type),
    insertColumns,
    insertTypes: insertColumns.map((c) => tgt.columns.get(c)!.type),
    overriding: insertColumns.some((c) => tgt.columns.get(c)!.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : '',
    binary: insertColumns.every((c) => {
      const [a, b] = [src.columns.get(c)!, tgt.columns.get(c)!]
      return a.portableBinary && b.portableBinary && a.typeOid === b.typeOid
    }),
  }
}

export async function backfillTable(
  source: Connection,
  target: Connection | null,
  table: CopyTable,
  checkpoint: CheckpointStore,
  options: BackfillOptions,
): Promise<BackfillCheckpoint> {
  const copy = await resolveCopy(source, target, table)
  return withStableSession([source, target], async () => {
    let cp = await checkpoint.load()
    const resumed = Boolean(cp && cp.table === copy.label)
    if (!cp || cp.table !== copy.label) {
      // The transaction horizon first, then the upper bound: every row the bound's snapshot
      // misses was written by a transaction at or after the horizon.
      const [{since}] = (await source.query<{since: string}>(`SELECT txid_snapshot_xmin(txid_current_snapshot())::text AS since`)) as [{since: string}]
      const upper = await lastKey(source, copy.source, copy.key)
      cp = {table: copy.label, upper, after: null, rows: 0, done: upper === null, since}
      await checkpoint.save(cp)
    }
    if (cp.done) return cp
    const total = Math.max(await estimateRows(source, copy.source), cp.rows)
    const batches = target ? crossDatabase(source, target, copy) : sameDatabase(source, copy)
    return run(cp, total, batches, checkpoint, options, resumed)
  })
}

interface Issued {
  batch: Promise<ReadBatch>
  limit: number
  after: unknown[] | null
  /** Issued with ON CONFLICT (same database, where the read is the write). */
  safe?: boolean
}

/** After a unique violation, this many batches are written with ON CONFLICT before trying plain INSERTs again. */
const CONFLICT_SAFE_BATCHES = 8

function isUniqueViolation(error: unknown): boolean {
  return sqlstateOf(error) === '23505'
}

async function run(
  start: BackfillCheckpoint,
  total: number,
  copier: BatchCopier,
  checkpoint: CheckpointStore,
  options: BackfillOptions,
  resumed: boolean,
): Promise<BackfillCheckpoint> {
  const maxBatch = Math.max(1, Math.floor(options.maxBatchSize))
  let size = Math.min(maxBatch, Math.max(1, Math.floor(options.batchSize)))
  // A floor: on a loaded server no size meets the target, and tiny batches only add overhead.
  const minBatch = Math.min(size, MIN_BATCH)
  let cp = start
  const upper = cp.upper!
  const began = performance.now()
  let copiedNow = 0
  let batchStart = began
  // A read issued ahead (across databases), with the limit it was issued with.
  let ahead: Issued | null = null
  // Batches still to write with ON CONFLICT: the first after a resume (a kill may have come
  // between its commit and its checkpoint), and a few after any unique violation.
  let safeBatches = resumed ? 1 : 0
  try {
    for (;;) {
      if (options.signal?.aborted) break
      let current: Issued | null = ahead
      ahead = null
      if (!current) {
        await waitForThrottle(options)
        if (options.signal?.aborted) break
        batchStart = performance.now()
        current = {batch: copier.read(cp.after, upper, size, safeBatches > 0), limit: size, after: cp.after, safe: safeBatches > 0}
      }
      let batch: ReadBatch
      try {
        batch = await current.batch
      } catch (error) {
        if (!isUniqueViolation(error) || current.safe) throw error
        safeBatches = CONFLICT_SAFE_BATCHES
        batch = await copier.read(current.after, upper, current.limit, true)
      }
      const finished = batch.finished ?? (batch.rows < current.limit || (batch.last !== null && sameKey(batch.last, upper)))
      if (!finished && copier.overlap) {
        // Read the next batch while this one is written; the throttle still gates every read.
        await waitForThrottle(options)
        if (!options.signal?.aborted) {
          ahead = {batch: copier.read(batch.last, upper, size, false), limit: size, after: batch.last}
          ahead.batch.catch(() => {})
        }
      }
      try {
        await batch.write(safeBatches > 0)
      } catch (error) {
        if (!isUniqueViolation(error) || safeBatches > 0) throw error
        safeBatches = CONFLICT_SAFE_BATCHES
        await batch.write(true)
      }
      if (safeBatches > 0) safeBatches--
      // The checkpoint is often saved on the source's session (the ledger): let the read ahead
      // finish first, one statement at a time per session.
      if (ahead) await ahead.batch.catch(() => {})
      cp = {...cp, upper, after: batch.last ?? cp.after, rows: cp.rows + batch.rows, done: finished}
      await checkpoint.save(cp)
      copiedNow += batch.rows
      const now = performance.now()
      const elapsed = now - batchStart
      batchStart = now
      const seconds = (now - began) / 1000
      options.onBatch?.({table: cp.table, done: cp.rows, total: Math.max(total, cp.rows), rate: seconds > 0 ? copiedNow / seconds : 0, batchSize: current.limit})
      if (finished) break
      size = nextBatchSize(current.limit, elapsed, options.batchTargetMs, maxBatch, minBatch)
    }
  } finally {
    // A read issued ahead is only a read: wait for it so the session is idle when we return.
    if (ahead) await ahead.batch.catch(() => {})
  }
  return cp
}

/** Adaptation never shrinks a batch below this many rows (or the initial size, if smaller). */
export const MIN_BATCH = 100

/**
 * The next batch size: proportional to how far the last batch was from the target time, at
 * most doubling or halving per batch (one slow batch — a checkpoint, a lock — must not collapse
 * it), within [min, max].
 */
export function nextBatchSize(size: number, elapsedMs: number, targetMs: number, max: number, min = 1): number {
  const wanted = elapsedMs > 0 ? (size * targetMs) / elapsedMs : size * 2
  const bounded = Math.min(size * 2, Math.max(size / 2, wanted))
  return Math.max(min, 1, Math.min(max, Math.round(bounded)))
}

async function waitForThrottle(options: BackfillOptions): Promise<void> {
  if (!options.throttle) return
  for (;;) {
    if (options.signal?.aborted) return
    const wait = await options.throttle()
    if (!(wait > 0)) return
    await sleep(wait, options.signal)
  }
}

/** Text forms of the key of the table's last row in key order, or null when it is empty. */
async function lastKey(conn: Connection, shape: TableShape, key: string[]): Promise<string[] | null> {
  const [row] = await conn.query<{k: string[]}>(
    `SELECT ARRAY[${key.map((k) => `${ident(k)}::text`).join(', ')}] AS k FROM ${relationLabel(shape)} ORDER BY ${key.map((k) => `${ident(k)} DESC`).join(', ')} LIMIT 1`,
  )
  return row ? row.k : null
}

/**
 * Rows to copy, for progress only: the planner's estimate (leaf partitions summed, as
 * readShape reads it) when the table has been analyzed — counting a billion rows to draw a
 * progress bar would cost a full scan — else a count.
 */
async function estimateRows(conn: Connection, shape: TableShape): Promise<number> {
  if (shape.estimatedRows > 0) return Math.round(shape.estimatedRows)
  const [count] = await conn.query<{n: number}>(`SELECT count(*)::float8 AS n FROM ${relationLabel(shape)}`)
  return Number(count?.n ?? 0)
}

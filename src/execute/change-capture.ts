/**
 * Change capture: the "dual-write by triggers" way of keeping a copy in sync when logical
 * replication is not available (wal_level is not logical, no replication privilege, or the copy
 * is in the same database).
 *
 * On the source, AFTER INSERT/UPDATE/DELETE triggers append the written rows' KEYS — not the
 * rows — to a queue table `carve.changes_<hash>`, in the writer's own transaction: a write and
 * its queue entry commit together or not at all, so no write is ever missed. (A trigger that
 * upserts the row into the copy itself loses writes under load — 2% of UPDATEs when
 * commit-bound, 40–55% when CPU-bound in the figures of ../shared/docs/prior-art.md — and
 * couples every write to the copy's availability.)
 *
 * `applyChanges` drains the queue: for each queued key it re-reads the row's CURRENT state on the
 * source and upserts it on the target, or deletes it there when the row is gone. Applying "the
 * current state of key K" is idempotent and order-free, so a drain killed half-way is simply run
 * again, a key written ten times costs one upsert, and the queue needs no order (no id, no
 * index, no sequence: each costs the writers; see capture-sql.ts). The one thing order mattered
 * for is TRUNCATE: its markers live in their own small table and every batch reads all of them,
 * so a batch that applies a key written after a TRUNCATE also applies the TRUNCATE (a writer
 * waits for the TRUNCATE's lock, so a snapshot that sees its entry sees the marker), and a
 * marker's batch deletes every target row except the batch's current ones.
 *
 * Queue entries are removed by the ctids read, in the transaction that read them (one statement
 * within one database; across databases the source transaction stays open while the target is
 * written, so no VACUUM FULL or CLUSTER can move an entry in between).
 *
 * While a backfill of the same table is running, entries whose key lies in the part of the key
 * range the backfill has not copied yet are left in the queue (pass its checkpoint as
 * `backfill`): otherwise a delete applied before the backfill copies the (then stale) row would
 * be undone by the copy. Once the backfill has passed them they are applied.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {sqlstateOf} from '../util/sqlstate.js'
import {retryLostRaces, runScript} from './lock-retry.js'
import {DEFAULT_RUN_OPTIONS} from './runner.js'
import {followKeyTypes} from './capture-key-types.js'
import {ident, literal, qualified} from '../plan/quote.js'
import {resolveCopy, type BackfillCheckpoint, type CopyTable, type ResolvedCopy} from './backfill.js'
import {column, keyParams, readShape, relationLabel, rowCompare, withStableSession} from './pg-table.js'

// The SQL text of capture lives in a leaf the split-prepare step shares (issue 13: no upward import).
export {CAPTURE_SCHEMA, CAPTURE_TRIGGER, CAPTURE_TRUNCATE_TRIGGER, captureNames, captureQueue, captureTruncates, installCapture, queueKeyColumn, removeCapture, type CaptureNames} from '../steps/split/capture-sql.js'
import {captureQueue, captureTruncates, installCapture, queueKeyColumn} from '../steps/split/capture-sql.js'

/** Whether the capture queue of this source table exists. */
export async function captureInstalled(conn: Connection, source: RelationRef): Promise<boolean> {
  const q = captureQueue(source)
  const [row] = await conn.query<{ok: boolean}>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [qualified(q.schema, q.name)])
  return Boolean(row?.ok)
}

/**
 * Whether the queue has the layout of an earlier Carve (id, "table", op, key jsonb), written by
 * its triggers until capture is installed again (installCapture converts it, entries kept).
 */
async function earlierLayout(conn: Connection, source: RelationRef): Promise<boolean> {
  const q = captureQueue(source)
  const [row] = await conn.query<{ok: boolean}>(
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'key' AND NOT attisdropped) AS ok`,
    [qualified(q.schema, q.name)],
  )
  return Boolean(row?.ok)
}

/** Entries waiting in the queue, TRUNCATE markers included (0 when capture is not installed). */
export async function pendingChanges(conn: Connection, source: RelationRef): Promise<number> {
  if (!(await captureInstalled(conn, source))) return 0
  const q = captureQueue(source)
  const t = captureTruncates(source)
  const markers = (await earlierLayout(conn, source)) ? '0' : `(SELECT count(*) FROM ${qualified(t.schema, t.name)})`
  const [row] = await conn.query<{n: string}>(`SELECT (SELECT count(*) FROM ${qualified(q.schema, q.name)}) + ${markers} AS n`)
  return Number(row?.n ?? 0)
}

/**
 * The keys with a queued change, as text forms (the same forms parity reports): a difference
 * between source and target on one of these keys is a change on its way, not a loss.
 */
export async function pendingKeys(conn: Connection, table: {source: RelationRef; key: string[]}): Promise<Set<string>> {
  if (!(await captureInstalled(conn, table.source))) return new Set()
  const q = captureQueue(table.source)
  let keys: string[]
  if (await earlierLayout(conn, table.source)) {
    const shape = await readShape(conn, table.source)
    keys = table.key.map((k, i) => `((key->>${i})::${column(shape, k, conn).type})::text`)
  } else {
    keys = table.key.map((_, i) => `${ident(queueKeyColumn(i))}::text`)
  }
  const rows = await withStableSession([conn], () =>
    conn.query<{k: string[]}>(`SELECT DISTINCT ARRAY[${keys.join(', ')}] AS k FROM ${qualified(q.schema, q.name)} WHERE ${keys[0]} IS NOT NULL`),
  )
  return new Set(rows.map((r) => JSON.stringify(r.k)))
}

export interface ApplyOptions {
  /** Queue entries per batch (default 5,000). */
  batchSize?: number
  /**
   * The checkpoint of a backfill of this table that may still be running: entries for keys it
   * has not copied yet stay queued. null = a backfill is about to start (every keyed entry
   * waits). Leave undefined when no backfill runs (or it has finished).
   */
  backfill?: BackfillCheckpoint | null
  signal?: AbortSignal
  /** Stop after this many batches even if more entries are queued. */
  maxBatches?: number
  /** Converting an earlier Carve's queue locks the source: lock_timeout (ms) and retries for it. */
  lockTimeoutMs?: number
  lockRetries?: number
}

export interface ApplyResult {
  /** Queue entries applied and removed. */
  entries: number
  /** Rows written (inserted or updated) on the target. */
  upserted: number
  /** Rows deleted on the target. */
  deleted: number
  batches: number
}

const RETRYABLE = new Set(['40P01', '40001'])

/**
 * Drain the queue of `table` into its target until no applicable entry is left (with writers
 * still running, until a batch comes back short). Deadlocks with other writers of the target
 * are retried. A batch refused by a unique index on the target other than the key (two rows
 * swapped a value in one transaction) is applied again by deleting its keys and inserting
 * their current rows in one transaction.
 */
export async function applyChanges(source: Connection, target: Connection | null, table: CopyTable, options: ApplyOptions = {}): Promise<ApplyResult> {
  const copy = await resolveCopy(source, target, table)
  if (copy.key.some((k) => !copy.insertColumns.includes(k))) {
    throw new CarveError('capture.generated-key', `${copy.label}: a key column is generated on the target; change capture cannot upsert by it`)
  }
  if (!(await captureInstalled(source, table.source))) {
    throw new CarveError('capture.missing', `change capture is not installed on ${copy.label}`, {hint: 'the split-prepare step installs it'})
  }
  // Installed by an earlier Carve: installing again converts the queue (entries kept) and the
  // triggers. That locks the source against writes, so it waits at most lock_timeout and retries
  // rather than queueing the application behind a long transaction.
  const budget = {lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_RUN_OPTIONS.lockTimeoutMs, lockRetries: options.lockRetries ?? DEFAULT_RUN_OPTIONS.lockRetries, signal: options.signal}
  if (await earlierLayout(source, table.source)) await runScript(source, installCapture(table), budget)
  else await followKeyTypes(source, table, budget)
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 5000))
  const drain = target ? crossDatabaseDrain(source, target, copy, table) : sameDatabaseDrain(source, copy, table)
  const result: ApplyResult = {entries: 0, upserted: 0, deleted: 0, batches: 0}
  // One drainer per queue: two could read a key at different moments and write the older state
  // last, after both dequeued it. A second drainer waits (a killed one's lock ends with its session).
  const queue = captureQueue(table.source)
  const lock = `${DRAIN_LOCK_CLASS}, hashtext(${literal(qualified(queue.schema, queue.name))})`
  await source.query(`SELECT pg_advisory_lock(${lock})`)
  try {
    const replace = crossDatabaseDrain(source, target ?? source, copy, table, 'replace')
    return await drainAll(drain, replace, [source, target], result, batchSize, options)
  } finally {
    await source.query(`SELECT pg_advisory_unlock(${lock})`).catch(() => {})
  }
}

/** First half of the two-int advisory lock keys of queue drains (objsubid 2: apart from bigint keys). */
const DRAIN_LOCK_CLASS = 0x43617276 // 'Carv'

async function drainAll(drain: Drain, replace: Drain, conns: (Connection | null)[], result: ApplyResult, batchSize: number, options: ApplyOptions): Promise<ApplyResult> {
  return withStableSession(conns, async () => {
    const deferral = deferralOf(options.backfill)
    for (;;) {
      if (options.signal?.aborted) break
      if (options.maxBatches !== undefined && result.batches >= options.maxBatches) break
      let got
      try {
        got = await retrying(() => drain(deferral, batchSize))
      } catch (error) {
        if (sqlstateOf(error) !== '23505') throw error
        got = await retrying(() => replace(deferral, batchSize))
      }
      result.batches++
      result.entries += got.entries
      result.upserted += got.upserted
      result.deleted += got.deleted
      if (got.entries < batchSize) break
    }
    return result
  })
}

/** Deadlock with another writer of the target: the batch is idempotent, run it again (up to 4 times). */
function retrying<T>(work: () => Promise<T>): Promise<T> {
  return retryLostRaces(work, {
    retries: 4,
    backoffMs: (n) => 20 * (n + 1) + Math.random() * 30,
    lostRace: (error): error is unknown => RETRYABLE.has(sqlstateOf(error) ?? ''),
  })
}

type Deferral = {mode: 'none'} | {mode: 'all'} | {mode: 'range'; after: unknown[] | null; upper: unknown[]}

function deferralOf(backfill: BackfillCheckpoint | null | undefined): Deferral {
  if (backfill === undefined) return {mode: 'none'}
  if (backfill === null) return {mode: 'all'}
  if (backfill.done || backfill.upper === null) return {mode: 'none'}
  return {mode: 'range', after: backfill.after, upper: backfill.upper}
}

/** Applies one batch of queue entries; returns what it did. */
type Drain = (deferral: Deferral, limit: number) => Promise<{entries: number; upserted: number; deleted: number}>

/**
 * `q` (the batch of entries, with their ctids as `at`), `t` (every TRUNCATE marker) and `k` (the
 * batch's distinct keys): both drains start so.
 */
function queueCtes(copy: ResolvedCopy, table: CopyTable, deferral: Deferral, limit: number): {sql: string; params: unknown[]} {
  const queue = captureQueue(table.source)
  const truncates = captureTruncates(table.source)
  const typed = copy.key.map((_, i) => `e.${ident(queueKeyColumn(i))}`)
  const params: unknown[] = [limit]
  let where = ''
  if (deferral.mode === 'all') where = 'WHERE false'
  if (deferral.mode === 'range') {
    const parts = [rowCompare(typed, '<=', keyParams(copy.keyTypes, params.length + 1))]
    params.push(...deferral.upper)
    if (deferral.after) {
      parts.push(rowCompare(typed, '>', keyParams(copy.keyTypes, params.length + 1)))
      params.push(...deferral.after)
    }
    where = `WHERE NOT (${parts.join(' AND ')})`
  }
  const sql = `q AS MATERIALIZED (
  SELECT e.ctid AS at, ${typed.map((c, i) => `${c} AS k${i}`).join(', ')} FROM ${qualified(queue.schema, queue.name)} e ${where} LIMIT $1
), t AS MATERIALIZED (
  SELECT m.ctid AS at FROM ${qualified(truncates.schema, truncates.name)} m
), k AS MATERIALIZED (
  SELECT DISTINCT ${copy.key.map((_, i) => `q.k${i}`).join(', ')} FROM q
)`
  return {sql, params}
}

function keyMatch(copy: ResolvedCopy, left: string, right: string, rightNames?: string[]): string {
  return copy.key.map((k, i) => `${left}.${ident(k)} = ${right}.${rightNames ? rightNames[i] : ident(k)}`).join(' AND ')
}

/** Upsert of the current rows (`cur`) and deletion of the keys (`keys`) gone from the source. */
function writeCtes(copy: ResolvedCopy, cur: string, keys: string, keyNames: string[], truncated: string): string {
  const target = relationLabel(copy.target)
  const cols = copy.insertColumns.map(ident).join(', ')
  const updatable = copy.insertColumns.filter((c) => !copy.key.includes(c) && !copy.target.columns.get(c)!.identityAlways)
  const onConflict = updatable.length
    ? `ON CONFLICT (${copy.key.map(ident).join(', ')}) DO UPDATE SET ${updatable.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ')}`
    : 'ON CONFLICT DO NOTHING'
  return `del AS (
  DELETE FROM ${target} t USING ${keys} kk
   WHERE ${keyMatch(copy, 't', 'kk', keyNames)}
     AND NOT EXISTS (SELECT 1 FROM ${cur} c WHERE ${keyMatch(copy, 'c', 'kk', keyNames)})
  RETURNING 1
), del_all AS (
  -- After a TRUNCATE of the source, every target row the source no longer holds goes.
  DELETE FROM ${target} t WHERE ${truncated} AND NOT EXISTS (SELECT 1 FROM ${cur} c WHERE ${keyMatch(copy, 'c', 't')})
  RETURNING 1
), up AS (
  INSERT INTO ${target} (${cols})${copy.overriding}
  SELECT ${cols} FROM ${cur} ORDER BY ${copy.key.map(ident).join(', ')}
  ${onConflict}
  RETURNING 1
)`
}

/** Same database: read, write and dequeue in one statement, so one transaction. */
function sameDatabaseDrain(conn: Connection, copy: ResolvedCopy, table: CopyTable): Drain {
  const queue = captureQueue(table.source)
  const truncates = captureTruncates(table.source)
  const selected = copy.insertColumns.map((c) => `s.${ident(c)}`).join(', ')
  const keyNames = copy.key.map((_, i) => `k${i}`)
  return async (deferral, limit) => {
    const ctes = queueCtes(copy, table, deferral, limit)
    const sql = `WITH ${ctes.sql}, cur AS MATERIALIZED (
  SELECT ${selected} FROM ${relationLabel(copy.source)} s JOIN k ON ${keyMatch(copy, 's', 'k', keyNames)}
), ${writeCtes(copy, 'cur', 'k', keyNames, `EXISTS (SELECT 1 FROM t)`)}, done AS (
  DELETE FROM ${qualified(queue.schema, queue.name)} e WHERE e.ctid = ANY (ARRAY(SELECT at FROM q)) RETURNING 1
), done_t AS (
  DELETE FROM ${qualified(truncates.schema, truncates.name)} m WHERE m.ctid = ANY (ARRAY(SELECT at FROM t)) RETURNING 1
)
SELECT ((SELECT count(*) FROM done) + (SELECT count(*) FROM done_t))::int AS entries, (SELECT count(*) FROM up)::int AS upserted,
       ((SELECT count(*) FROM del) + (SELECT count(*) FROM del_all))::int AS deleted`
    const [row] = await conn.query<{entries: number; upserted: number; deleted: number}>(sql, ctes.params)
    return row!
  }
}

/**
 * Across databases: in one transaction on the source, one statement reads the entries, the
 * TRUNCATE markers, the keys and the keys' current rows (as text arrays, like the backfill);
 * one on the target upserts and deletes; then the entries read are removed by ctid — the
 * source transaction held the queue's lock all along, so they are where they were read.
 *
 * `replace` (after a unique violation on another index of the target — two rows swapped a
 * value in one transaction, and an upsert row by row meets the other row's old value): in one
 * transaction on the target, every key of the batch is deleted, then the current rows are
 * inserted. Used within one database too (target = source).
 */
function crossDatabaseDrain(source: Connection, target: Connection, copy: ResolvedCopy, table: CopyTable, mode: 'upsert' | 'replace' = 'upsert'): Drain {
  const queue = captureQueue(table.source)
  const truncates = captureTruncates(table.source)
  const keyNames = copy.key.map((_, i) => `k${i}`)
  const colNames = copy.insertColumns.map((_, i) => `c${i}`)
  const targetKeyTypes = copy.key.map((k) => copy.target.columns.get(k)!.type)
  const n = colNames.length
  const m = keyNames.length
  const readTail = `, cur AS MATERIALIZED (
  SELECT ${copy.insertColumns.map((c) => `s.${ident(c)}`).join(', ')} FROM ${relationLabel(copy.source)} s JOIN k ON ${keyMatch(copy, 's', 'k', keyNames)}
)
SELECT qq.entries + tq.markers AS entries, qq.ids, tq.marker_ids, tq.markers > 0 AS truncated, cq.present, ${keyNames.map((k) => `kq.${k}`).join(', ')}, ${colNames.map((c) => `cq.${c}`).join(', ')}
  FROM (SELECT count(*)::int AS entries, array_agg(q.at)::text AS ids FROM q) qq,
       (SELECT count(*)::int AS markers, array_agg(t.at)::text AS marker_ids FROM t) tq,
       (SELECT ${keyNames.map((k) => `array_agg(k.${k}::text)::text AS ${k}`).join(', ')} FROM k) kq,
       (SELECT count(*)::int AS present, ${colNames.map((c, i) => `array_agg(s.${ident(copy.insertColumns[i]!)}::text)::text AS ${c}`).join(', ')} FROM cur s) cq`
  const rowsCte = (first: number) => `rows AS (
  SELECT ${colNames.map((c, i) => `u.${c}::${copy.insertTypes[i]} AS ${ident(copy.insertColumns[i]!)}`).join(', ')}
    FROM unnest(${colNames.map((_, i) => `$${first + i}::text[]`).join(', ')}) AS u(${colNames.join(', ')})
)`
  const keysCte = (first: number) => `keys AS (
  SELECT ${keyNames.map((k, i) => `kk.${k}::${targetKeyTypes[i]} AS ${k}`).join(', ')}
    FROM unnest(${keyNames.map((_, i) => `$${first + i}::text[]`).join(', ')}) AS kk(${keyNames.join(', ')})
)`
  const writeSql = `WITH ${rowsCte(1)}, ${keysCte(n + 1)}, ${writeCtes(copy, 'rows', 'keys', keyNames, `$${n + m + 1}::boolean`)}
SELECT (SELECT count(*) FROM up)::int AS upserted, ((SELECT count(*) FROM del) + (SELECT count(*) FROM del_all))::int AS deleted`
  const targetName = relationLabel(copy.target)
  const replaceDeleteSql = `WITH ${keysCte(1)}
DELETE FROM ${targetName} t WHERE $${m + 1}::boolean OR EXISTS (SELECT 1 FROM keys kk WHERE ${keyMatch(copy, 't', 'kk', keyNames)})`
  const replaceInsertSql = `WITH ${rowsCte(1)}
INSERT INTO ${targetName} (${copy.insertColumns.map(ident).join(', ')})${copy.overriding} SELECT * FROM rows`
  const removeSql = `WITH markers AS (DELETE FROM ${qualified(truncates.schema, truncates.name)} WHERE ctid = ANY($2::tid[]))
DELETE FROM ${qualified(queue.schema, queue.name)} WHERE ctid = ANY($1::tid[])`
  // Within one database (replace after a unique violation): the target's writes join the source transaction.
  const separate = target !== source
  const drain: Drain = async (deferral, limit) => {
    const ctes = queueCtes(copy, table, deferral, limit)
    const [row] = await source.query<Record<string, unknown>>(`WITH ${ctes.sql}${readTail}`, ctes.params)
    const entries = Number(row!.entries)
    if (!entries) return {entries: 0, upserted: 0, deleted: 0}
    // Only TRUNCATE entries: empty arrays rather than NULL, so the CTEs see no rows.
    const rows = colNames.map((c) => row![c] ?? '{}')
    const keys = keyNames.map((k) => row![k] ?? '{}')
    const truncated = Boolean(row!.truncated)
    let written: {upserted: number; deleted: number}
    if (mode === 'upsert') {
      ;[written] = (await target.query<{upserted: number; deleted: number}>(writeSql, [...rows, ...keys, truncated])) as [typeof written]
    } else {
      if (separate) await target.query('BEGIN')
      try {
        await target.query(replaceDeleteSql, [...keys, truncated])
        await target.query(replaceInsertSql, rows)
        if (separate) await target.query('COMMIT')
      } catch (error) {
        if (separate) await target.query('ROLLBACK').catch(() => {})
        throw error
      }
      written = {upserted: Number(row!.present ?? 0), deleted: 0}
    }
    // Only once the target has committed: a kill in between re-applies these entries, harmlessly.
    await source.query(removeSql, [row!.ids, row!.marker_ids])
    return {entries, upserted: written.upserted, deleted: written.deleted}
  }
  return async (deferral, limit) => {
    await source.query('BEGIN')
    try {
      const got = await drain(deferral, limit)
      await source.query('COMMIT')
      return got
    } catch (error) {
      await source.query('ROLLBACK').catch(() => {})
      throw error
    }
  }
}

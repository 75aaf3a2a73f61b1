/**
 * Parity: are two tables (same database or not) equal, row for row? Exact, never sampled.
 *
 * The source's key order is cut into chunks of `chunkSize` rows (the boundary is the key of the
 * chunk's last row, found by an index scan on the source); each side hashes each chunk as
 * `md5(string_agg(ROW(columns)::text, '|' ORDER BY key))` plus a row count. Columns are listed
 * in the same order on both sides and both sessions use the same text forms (withStableSession),
 * so equal rows give equal text. A chunk whose count or hash differs is bisected — split at the
 * middle key of whichever side has more rows in it, both halves hashed again — until a piece is
 * small enough to compare row by row (key and md5 of each row), which names each key missing on
 * the target, extra on the target, or differing. The last chunk is open-ended, so rows the
 * target holds beyond the source's last key are found too.
 *
 * Equal tables are the usual case, so each side is first hashed whole, in one statement per side
 * (`count(*)` and the sum of every row's 64-bit hash of the same row text): what a whole-table
 * hash costs, and the server may run it with its own parallel workers as it would any aggregate
 * (min_parallel_table_scan_size, max_parallel_workers_per_gather decide, by the table's size).
 * Equal counts and sums end the comparison: one piece, equal. Otherwise the tables are compared
 * chunk by chunk as above (a second read, paid only when something differs).
 *
 * In that chunked pass, a table of less than PARALLEL_MIN_BYTES (heap size, the bigger side) is
 * read on one session per side: with integer keys that is one scan per side yielding every
 * chunk's count and hash, a single statement, so consistent by itself. From that size on, each
 * side's chunks are hashed on two sessions that share one exported snapshot (pg_dump's parallel
 * technique), so a side is read consistently and on two backends; the snapshot is held for the
 * comparison (as pg_dump holds its own).
 *
 * pt-table-checksum does the same chunk by chunk (CRC32/BIT_XOR); whole-table hashing can only
 * say "different", not where.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import {ident} from '../plan/quote.js'
import {column, keyParams, readShape, relationLabel, requirePostgres, rowCompare, stabilize, withStableSession} from './pg-table.js'

type Query = Connection['query']

export interface ParityReport {
  table: string
  sourceRows: number
  targetRows: number
  chunks: number
  differingChunks: number
  /** Keys (text forms) on the source but not on the target. */
  missing: unknown[][]
  /** Keys on the target but not on the source. */
  extra: unknown[][]
  /** Keys on both sides whose rows differ (first N). */
  differing: unknown[][]
  equal: boolean
  /** Sessions that hashed chunks (see DiffSummary). */
  sessions: number
}

export type DifferenceKind = 'missing' | 'extra' | 'differing'

export interface DiffOptions {
  chunkSize?: number
  /** Called for each differing key, in key order within a chunk; return false to stop drilling down. */
  onDifference?: (kind: DifferenceKind, key: string[]) => boolean | void
  /**
   * Called once every difference has been reported, while the comparison's snapshot is still
   * held: queries on the source connection then read the rows as the comparison saw them.
   */
  whileSnapshot?: () => Promise<void>
  /** Heap size (bytes) from which each side gets a second session; PARALLEL_MIN_BYTES unless given. */
  parallelMinBytes?: number
  /**
   * Hash each side whole first and stop there when they match (default true). One statement per
   * side is as fast as any hash of the table (the server's parallel workers take part, which the
   * chunked pass's grouping prevents), but when the sides differ it is wasted: the chunked pass
   * then costs ~1.8x what it costs alone. Callers comparing beside live writes, where rows on
   * their way make the sides differ, pass false unless nothing is on its way.
   */
  wholeFirst?: boolean
}

export interface DiffSummary {
  table: string
  sourceRows: number
  targetRows: number
  chunks: number
  differingChunks: number
  /** Sessions that hashed chunks, both sides together (two per side share one snapshot when parallel). */
  sessions: number
}

const DEFAULT_CHUNK = 10_000

/** Integer keys (the usual surrogate keys) are bucketed by value in one pass instead of chunked by position. */
const INTEGER_KEY = /^(smallint|integer|bigint)$/

/**
 * Upper bounds of key-range buckets of about `chunkSize` rows each, from the source's min and max
 * key and its row estimate: two index look-ups instead of a walk over the whole index. Buckets
 * need not be equal — a differing one is bisected by position anyway — they must only be the
 * same on both sides, and they are (both sides use these bounds).
 */
async function integerBuckets(side: Side, estimatedRows: number, keyCol: string, chunkSize: number): Promise<string[]> {
  const [ext] = await side.conn.query<{lo: string | null; hi: string | null}>(`SELECT min(${keyCol})::text AS lo, max(${keyCol})::text AS hi FROM ${side.rel} t`)
  if (!ext?.lo || !ext.hi) return []
  const lo = BigInt(ext.lo)
  const span = BigInt(ext.hi) - lo + 1n
  const rows = estimatedRows > 0 ? BigInt(Math.ceil(estimatedRows)) : span
  const size = BigInt(chunkSize)
  const count = rows < 1n ? 1n : (rows + size - 1n) / size
  const n = count > 100_000n ? 100_000n : count
  const step = (span + n - 1n) / n
  const bounds: string[] = []
  for (let j = 1n; j < n; j++) bounds.push((lo + step * j - 1n).toString())
  return bounds
}
/** Below this many rows on each side, a differing piece is compared row by row. */
const LEAF_ROWS = 2_000

export async function compareTables(
  source: Connection,
  target: Connection,
  a: RelationRef,
  b: RelationRef,
  key: string[],
  columns: string[],
  options: {chunkSize?: number; maxKeys?: number; parallelMinBytes?: number; wholeFirst?: boolean} = {},
): Promise<ParityReport> {
  const maxKeys = options.maxKeys ?? 100
  const found: Record<DifferenceKind, string[][]> = {missing: [], extra: [], differing: []}
  let listed = 0
  const summary = await diffTables(source, target, a, b, key, columns, {
    chunkSize: options.chunkSize,
    parallelMinBytes: options.parallelMinBytes,
    wholeFirst: options.wholeFirst,
    onDifference(kind, k) {
      if (listed >= maxKeys) return false
      found[kind].push(k)
      listed++
      return listed < maxKeys
    },
  })
  return {
    ...summary,
    ...found,
    equal: summary.sourceRows === summary.targetRows && summary.differingChunks === 0,
  }
}

interface Side {
  conn: Connection
  rel: string
  keyTypes: string[]
  /** Sessions hashing this side's chunks, all in one snapshot (the first is conn's own). */
  sessions: Query[]
}

/**
 * From this heap size (bytes, the bigger of the two sides) on, the chunked pass hashes each side
 * on two sessions sharing one snapshot. Sized by bytes, not rows: the scan's cost follows the
 * bytes read and turned into text. The second sessions cost a backend start, a snapshot export
 * and import and the pinned settings (10–20 ms together, more on a busy machine); a 64 MB heap
 * takes about half a second of CPU per side to hash, so from there halving the scan gains.
 */
export const PARALLEL_MIN_BYTES = 64 * 2 ** 20

/** Heap bytes of a table (every leaf partition of a partitioned one), from the relation files. */
async function heapBytes(conn: Connection, rel: string): Promise<number> {
  // pg_partition_tree lists nothing for a plain table: then the table's own file.
  const [row] = await conn.query<{b: string | null}>(
    `SELECT coalesce((SELECT sum(pg_relation_size(p.relid)) FROM pg_partition_tree(c.oid) p WHERE p.isleaf), pg_relation_size(c.oid))::text AS b FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [rel],
  )
  return Number(row?.b ?? 0)
}

/**
 * Run `work` with a second session per side, each side's sessions sharing one exported snapshot
 * (pg_export_snapshot + SET TRANSACTION SNAPSHOT, in read-only repeatable-read transactions, as
 * pg_dump's parallel mode does), so the chunks of a side are hashed in parallel and consistently.
 * Within one database, the source and the target are hashed on the two sessions of one snapshot.
 * Not when a connection is inside a transaction of its caller's (the cut-over's lock holder):
 * the snapshot transaction would commit it. Nor where no second session exists (PGlite).
 */
async function withSessions<T>(source: Side, target: Side, parallel: boolean, work: () => Promise<T>): Promise<T> {
  const open = async (conn: Connection, run: (second: Query) => Promise<T>): Promise<T> => {
    const [row] = await conn.query<{block: boolean}>(`SELECT now() <> statement_timestamp() AS block`)
    if (!conn.withSecondSession || row?.block) return run(conn.query.bind(conn))
    return conn.withSecondSession(async (second) => {
      await stabilize(second)
      return run(second)
    })
  }
  if (!parallel) return work()
  if (source.conn === target.conn) {
    return open(source.conn, (second) => {
      target.sessions = [second]
      return work()
    })
  }
  return open(source.conn, (s2) =>
    open(target.conn, (t2) => {
      source.sessions.push(s2)
      target.sessions.push(t2)
      return work()
    }),
  )
}

/** Run `tasks` on a pool of sessions, one task at a time per session. */
async function onSessions<R>(sessions: Query[], tasks: ((q: Query) => Promise<R>)[]): Promise<R[]> {
  const results: R[] = new Array(tasks.length)
  let next = 0
  await Promise.all(
    [...new Set(sessions)].map(async (q) => {
      while (next < tasks.length) {
        const i = next++
        results[i] = await tasks[i]!(q)
      }
    }),
  )
  return results
}

interface Piece {
  n: number
  hash: string | null
}

export async function diffTables(
  source: Connection,
  target: Connection,
  a: RelationRef,
  b: RelationRef,
  key: string[],
  columns: string[],
  options: DiffOptions = {},
): Promise<DiffSummary> {
  requirePostgres(source, target)
  if (!key.length) throw new CarveError('parity.no-key', `${relationLabel(a)}: comparing needs the key columns`)
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK))
  // Both shapes at once when the sides are two sessions: each round trip before the hashing counts on a small table.
  const [sa, sb] = source === target ? [await readShape(source, a), await readShape(target, b)] : await Promise.all([readShape(source, a), readShape(target, b)])
  for (const c of [...new Set([...key, ...columns])]) {
    column(sa, c, source)
    column(sb, c, target)
  }
  const sourceQuery: Query = source.query.bind(source)
  const targetQuery: Query = source === target ? sourceQuery : target.query.bind(target)
  const src: Side = {conn: source, rel: relationLabel(a), keyTypes: key.map((k) => sa.columns.get(k)!.type), sessions: [sourceQuery]}
  const tgt: Side = {conn: target, rel: relationLabel(b), keyTypes: key.map((k) => sb.columns.get(k)!.type), sessions: [targetQuery]}
  const keyCols = key.map((k) => `t.${ident(k)}`)
  const keyText = `ARRAY[${keyCols.map((k) => `${k}::text`).join(', ')}]`
  const order = keyCols.join(', ')
  const rowText = `ROW(${columns.map((c) => `t.${ident(c)}`).join(', ')})::text`

  const range = (side: Side, lo: string[] | null, hi: string[] | null, first = 1) => {
    const parts: string[] = []
    const params: unknown[] = []
    if (lo) {
      parts.push(rowCompare(keyCols, '>', keyParams(side.keyTypes, first + params.length)))
      params.push(...lo)
    }
    if (hi) {
      parts.push(rowCompare(keyCols, '<=', keyParams(side.keyTypes, first + params.length)))
      params.push(...hi)
    }
    return {where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params}
  }

  const hashPiece = async (side: Side, lo: string[] | null, hi: string[] | null, query: Query = side.conn.query.bind(side.conn)): Promise<Piece> => {
    const {where, params} = range(side, lo, hi)
    const [row] = await query<{n: string; h: string | null}>(
      `SELECT count(*) AS n, md5(string_agg(${rowText}, '|' ORDER BY ${order})) AS h FROM ${side.rel} t ${where}`,
      params,
    )
    return {n: Number(row!.n), hash: row!.h}
  }

  /** The key `offset` rows past `lo` (0 = the first after lo), below or at hi; null past the end. */
  const keyAt = async (side: Side, lo: string[] | null, hi: string[] | null, offset: number): Promise<string[] | null> => {
    const {where, params} = range(side, lo, hi)
    const [row] = await side.conn.query<{k: string[]}>(
      `SELECT ${keyText} AS k FROM ${side.rel} t ${where} ORDER BY ${order} OFFSET ${Math.max(0, Math.floor(offset))} LIMIT 1`,
      params,
    )
    return row?.k ?? null
  }

  const rowHashes = async (side: Side, lo: string[] | null, hi: string[] | null) => {
    const {where, params} = range(side, lo, hi)
    return side.conn.query<{k: string[]; h: string}>(`SELECT ${keyText} AS k, md5(${rowText}) AS h FROM ${side.rel} t ${where} ORDER BY ${order}`, params)
  }

  // One query at a time per session: when both sides are one session (same database), in turn.
  const pair = async <A, B>(f: () => Promise<A>, g: () => Promise<B>): Promise<[A, B]> =>
    source === target ? [await f(), await g()] : Promise.all([f(), g()])

  let drilling = true
  const report = (kind: DifferenceKind, k: string[]) => {
    if (drilling && options.onDifference?.(kind, k) === false) drilling = false
  }

  /** Name the differing keys of (lo, hi], whose pieces were hashed as ps and pt. */
  const drill = async (lo: string[] | null, hi: string[] | null, ps: Piece, pt: Piece): Promise<void> => {
    if (!drilling) return
    if (ps.n <= LEAF_ROWS && pt.n <= LEAF_ROWS) {
      const [rs, rt] = await pair(() => rowHashes(src, lo, hi), () => rowHashes(tgt, lo, hi))
      const onTarget = new Map(rt.map((r) => [JSON.stringify(r.k), r.h]))
      for (const r of rs) {
        const id = JSON.stringify(r.k)
        const h = onTarget.get(id)
        if (h === undefined) report('missing', r.k)
        else if (h !== r.h) report('differing', r.k)
        onTarget.delete(id)
      }
      for (const r of rt) if (onTarget.has(JSON.stringify(r.k))) report('extra', r.k)
      return
    }
    // Bisect at the middle of the fuller side, so extra rows bunched on one side split too.
    const [fuller, n] = ps.n >= pt.n ? [src, ps.n] : [tgt, pt.n]
    const mid = await keyAt(fuller, lo, hi, Math.floor(n / 2) - 1)
    if (!mid) return
    const halves: [string[] | null, string[] | null][] = [[lo, mid], [mid, hi]]
    for (const [l, h] of halves) {
      const [s, t] = await pair(() => hashPiece(src, l, h), () => hashPiece(tgt, l, h))
      if (s.n !== t.n || s.hash !== t.hash) await drill(l, h, s, t)
      if (!drilling) return
    }
  }

  const compare = async (summary: DiffSummary, pieces: [string[] | null, string[] | null][], hs: Piece[], ht: Piece[]) => {
    for (let j = 0; j < pieces.length; j++) {
      const [ps, pt] = [hs[j]!, ht[j]!]
      summary.chunks++
      summary.sourceRows += ps.n
      summary.targetRows += pt.n
      if (ps.n !== pt.n || ps.hash !== pt.hash) {
        summary.differingChunks++
        await drill(pieces[j]![0], pieces[j]![1], ps, pt)
      }
    }
  }

  /** Both sides' pieces, each side's tasks on its own sessions, both sides at once. */
  const bothSides = <R>(task: (side: Side, i: number, q: Query) => Promise<R>, count: number): Promise<[R[], R[]]> => {
    const run = (side: Side) => onSessions(side.sessions, Array.from({length: count}, (_, i) => (q: Query) => task(side, i, q)))
    return Promise.all([run(src), run(tgt)])
  }

  // The whole-table pass: one statement per side (both in one statement within one database, so
  // the server can still hash the two at once: each branch of the UNION ALL may get its workers).
  const whole = (side: Side, tag: number) => `SELECT ${tag} AS s, count(*)::text AS n, sum(hashtextextended(${rowText}, 0))::text AS h FROM ${side.rel} t`
  const wholeHashes = async (): Promise<[Piece, Piece]> => {
    const rows = source === target
      ? await source.query<{s: number; n: string; h: string | null}>(`${whole(src, 0)} UNION ALL ${whole(tgt, 1)}`)
      : (await Promise.all([source.query<{s: number; n: string; h: string | null}>(whole(src, 0)), target.query<{s: number; n: string; h: string | null}>(whole(tgt, 1))])).flat()
    const piece = (tag: number): Piece => {
      const r = rows.find((x) => Number(x.s) === tag)!
      return {n: Number(r.n), hash: r.h}
    }
    return [piece(0), piece(1)]
  }

  return withStableSession([source, target], async () => {
    if (options.wholeFirst ?? true) {
      const [ws, wt] = await wholeHashes()
      if (ws.n === wt.n && ws.hash === wt.hash) {
        await options.whileSnapshot?.()
        return {table: src.rel, sourceRows: ws.n, targetRows: wt.n, chunks: 1, differingChunks: 0, sessions: source === target ? 1 : 2}
      }
    }
    const bytes = Math.max(await heapBytes(source, src.rel), await heapBytes(target, tgt.rel))
    const parallel = bytes >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)
    return withSessions(src, tgt, parallel, async () => {
      const summary: DiffSummary = {table: src.rel, sourceRows: 0, targetRows: 0, chunks: 0, differingChunks: 0, sessions: new Set([...src.sessions, ...tgt.sessions]).size}
      if (key.length === 1 && INTEGER_KEY.test(src.keyTypes[0]!) && INTEGER_KEY.test(tgt.keyTypes[0]!)) {
        // One scan per side: every row is hashed into its key-range bucket in a single GROUP BY —
        // per session when a side has two: each takes a half of the key range.
        const buckets = await integerBuckets(src, sa.estimatedRows, keyCols[0]!, chunkSize)
        const thresholds = buckets.map((x) => (BigInt(x) + 1n).toString())
        const sessions = Math.max(src.sessions.length, tgt.sessions.length)
        const cuts = sessions > 1 && buckets.length > 1 ? [buckets[Math.floor(buckets.length / 2)]!] : []
        const parts: [string | null, string | null][] = [...cuts, null].map((hi, i) => [i === 0 ? null : cuts[i - 1]!, hi])
        const hashPart = async (side: Side, i: number, q: Query) => {
          const [lo, hi] = parts[i]!
          const where = [lo !== null ? `${keyCols[0]} > $2::text::${side.keyTypes[0]}` : null, hi !== null ? `${keyCols[0]} <= $${lo !== null ? 3 : 2}::text::${side.keyTypes[0]}` : null].filter(Boolean)
          // OFFSET 0 keeps the bucket an opaque expression: the planner then expects few groups and
          // hashes them, instead of sorting every row's text (it takes the key's distinct count).
          return q<{b: number; n: string; h: string | null}>(
            `SELECT b, count(*) AS n, sum(h)::text AS h FROM (
               SELECT width_bucket(${keyCols[0]}, $1::text[]::${side.keyTypes[0]}[]) AS b, hashtextextended(${rowText}, 0) AS h
                 FROM ${side.rel} t ${where.length ? `WHERE ${where.join(' AND ')}` : ''} OFFSET 0) x GROUP BY b`,
            [thresholds, ...[lo, hi].filter((v) => v !== null)],
          )
        }
        const [rs, rt] = await bothSides(hashPart, parts.length)
        const byBucket = (rows: {b: number; n: string; h: string | null}[][]) => new Map(rows.flat().map((r) => [Number(r.b), {n: Number(r.n), hash: r.h}]))
        const [hs, ht] = [byBucket(rs), byBucket(rt)]
        // width_bucket counts thresholds <= key, i.e. bounds < key: bucket j holds (bounds[j-1], bounds[j]].
        const pieces = Array.from({length: buckets.length + 1}, (_, j) => [j === 0 ? null : [buckets[j - 1]!], j === buckets.length ? null : [buckets[j]!]] as [string[] | null, string[] | null])
        const empty: Piece = {n: 0, hash: null}
        await compare(summary, pieces, pieces.map((_, j) => hs.get(j) ?? empty), pieces.map((_, j) => ht.get(j) ?? empty))
        await options.whileSnapshot?.()
        return summary
      }
      // Other keys: the chunk boundaries in one walk of the source's key index, then every chunk
      // hashed on both sides, on each side's sessions. The last chunk is open-ended.
      const bounds = await src.conn.query<{k: string[]}>(
        `SELECT k FROM (SELECT ${keyText} AS k, row_number() OVER (ORDER BY ${order}) AS rn FROM ${src.rel} t) x WHERE x.rn % ${chunkSize} = 0 ORDER BY x.rn`,
      )
      const ends = [...bounds.map((r) => r.k), null]
      const pieces = ends.map((hi, j) => [j === 0 ? null : ends[j - 1]!, hi] as [string[] | null, string[] | null])
      const [hs, ht] = await bothSides((side, j, q) => hashPiece(side, pieces[j]![0], pieces[j]![1], q), pieces.length)
      await compare(summary, pieces, hs, ht)
      await options.whileSnapshot?.()
      return summary
    })
  })
}

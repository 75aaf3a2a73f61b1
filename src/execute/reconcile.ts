/**
 * Row-level reconciliation between source and target: compare (a multiset hash per table, then
 * the differing keys), then repair what differs, keyed or keyless.
 */
import type {Connection} from '../db/connection.js'
import type {RelationRef} from '../introspect/model.js'
import {type SplitTable} from '../steps/split/generate.js'
import {ident, qualified} from '../plan/quote.js'
import {compareTables} from './parity.js'
import {readShape, relationLabel, withStableSession, type TableShape} from './pg-table.js'
import type {RunContext} from './runner.js'

// ——— reconciliation: compare and repair ————————————————————————————————————————————

export interface TableDiff {
  table: string
  rows: number
  /** Keys (text forms) that differ; for a table without a key, a single [] when the contents differ. */
  keys: string[][]
  /** More keys differ than were listed. */
  truncated: boolean
}

/** Compare one table exactly (parity.ts for keyed tables; a multiset hash for the others). */
export async function diffTable(source: Connection, target: Connection, t: SplitTable, from: 'source' | 'target' = 'source', maxKeys = 10_000): Promise<TableDiff> {
  const [a, b, ra, rb] = from === 'source' ? [source, target, t.source, t.target] : [target, source, t.target, t.source]
  if (!t.key.length) {
    const [ha, hb] = await withStableSession([a, b], () => Promise.all([multisetHash(a, ra, t.columns), multisetHash(b, rb, t.columns)]))
    const equal = ha.n === hb.n && ha.hash === hb.hash
    return {table: relationLabel(t.target), rows: ha.n, keys: equal ? [] : [[]], truncated: false}
  }
  // Repairs run while writes go on: the sides differ by design, a whole-table pass would be wasted.
  const report = await compareTables(a, b, ra, rb, t.key, t.columns, {maxKeys, wholeFirst: false})
  const keys = [...report.missing, ...report.differing, ...report.extra].map((k) => k.map((v) => (v === null ? null : String(v))) as string[])
  return {table: report.table, rows: report.sourceRows, keys, truncated: keys.length >= maxKeys}
}

async function multisetHash(conn: Connection, r: RelationRef, columns: string[]): Promise<{n: number; hash: string | null}> {
  const row = `ROW(${columns.map((c) => `t.${ident(c)}`).join(', ')})::text`
  const [res] = await conn.query<{n: string; h: string | null}>(`SELECT count(*)::text AS n, md5(string_agg(h, '' ORDER BY h)) AS h FROM (SELECT md5(${row}) AS h FROM ${qualified(r.schema, r.name)} t) x`)
  return {n: Number(res!.n), hash: res!.h}
}

interface KeyedRows {
  shape: TableShape
  /** JSON of the key → [row hash, column text forms]. */
  rows: Map<string, {hash: string; values: (string | null)[]}>
}

export function keyFilter(key: string[], types: string[], from: number): string {
  const cols = key.map((k) => `t.${ident(k)}`)
  const sel = key.map((_, i) => `u.k${i}::${types[i]}`)
  return `(${cols.join(', ')}) IN (SELECT ${sel.join(', ')} FROM unnest(${key.map((_, i) => `$${from + i}::text[]`).join(', ')}) AS u(${key.map((_, i) => `k${i}`).join(', ')}))`
}

export function keyColumnsParams(keys: string[][], width: number): (string | null)[][] {
  return Array.from({length: width}, (_, i) => keys.map((k) => k[i] ?? null))
}

async function rowsByKeys(conn: Connection, r: RelationRef, key: string[], columns: string[], keys: string[][]): Promise<KeyedRows> {
  const shape = await readShape(conn, r)
  const types = key.map((k) => shape.columns.get(k)!.type)
  const out = new Map<string, {hash: string; values: (string | null)[]}>()
  if (!keys.length) return {shape, rows: out}
  const rows = await conn.query<{k: string[]; h: string; v: (string | null)[]}>(
    `SELECT ARRAY[${key.map((k) => `t.${ident(k)}::text`).join(', ')}] AS k, md5(ROW(${columns.map((c) => `t.${ident(c)}`).join(', ')})::text) AS h,
            ARRAY[${columns.map((c) => `t.${ident(c)}::text`).join(', ')}] AS v
       FROM ${qualified(r.schema, r.name)} t WHERE ${keyFilter(key, types, 1)}`,
    keyColumnsParams(keys, key.length),
  )
  for (const row of rows) out.set(JSON.stringify(row.k), {hash: row.h, values: row.v})
  return {shape, rows: out}
}

/** Of `keys`, those whose row differs between the two sides right now (missing on one side counts). */
export async function differingKeys(a: Connection, b: Connection, ra: RelationRef, rb: RelationRef, t: SplitTable, keys: string[][]): Promise<string[][]> {
  if (!keys.length) return []
  return withStableSession([a, b], async () => {
    const [x, y] = [await rowsByKeys(a, ra, t.key, t.columns, keys), await rowsByKeys(b, rb, t.key, t.columns, keys)]
    return keys.filter((k) => {
      const id = JSON.stringify(k)
      return x.rows.get(id)?.hash !== y.rows.get(id)?.hash
    })
  })
}

/**
 * Make the rows of `keys` on `to` what they are on `from`: delete them on `to`, insert `from`'s
 * rows (their text forms cast back to the column types); the rows of `deleteOnly` are only
 * deleted on `to` (see repairHoldingTruth). The session runs as a replica
 * (session_replication_role): foreign keys, guard triggers and carried triggers do not fire —
 * this restores a copy, it is not an application write.
 */
export async function repairKeys(from: Connection, to: Connection, rf: RelationRef, rt: RelationRef, t: SplitTable, keys: string[][], deleteOnly: string[][] = []): Promise<number> {
  if (!keys.length && !deleteOnly.length) return 0
  return withStableSession([from, to], async () => {
    const src = await rowsByKeys(from, rf, t.key, t.columns, keys)
    const shape = await readShape(to, rt)
    const types = t.key.map((k) => shape.columns.get(k)!.type)
    const cols = t.columns.filter((c) => !shape.columns.get(c)?.generated)
    const colIndex = cols.map((c) => t.columns.indexOf(c))
    const present = [...src.rows.values()]
    const overriding = cols.some((c) => shape.columns.get(c)!.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : ''
    await to.exec(`BEGIN; SET LOCAL session_replication_role = replica;`)
    try {
      await to.query(`DELETE FROM ${qualified(rt.schema, rt.name)} t WHERE ${keyFilter(t.key, types, 1)}`, keyColumnsParams([...keys, ...deleteOnly], t.key.length))
      if (present.length) {
        await to.query(
          `INSERT INTO ${qualified(rt.schema, rt.name)} (${cols.map(ident).join(', ')})${overriding}
           SELECT ${cols.map((c, i) => `u.c${i}::${shape.columns.get(c)!.type}`).join(', ')}
             FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${cols.map((_, i) => `c${i}`).join(', ')})`,
          colIndex.map((ci) => present.map((r) => r.values[ci] ?? null)),
        )
      }
      await to.exec('COMMIT')
    } catch (error) {
      await to.exec('ROLLBACK').catch(() => {})
      throw error
    }
    return keys.length + deleteOnly.length
  })
}

/**
 * Repair `keys` while a logical replication stream applies the truth side's changes to the copy
 * (writes running, before a pause). A plain repair races that stream: it copies a row the truth
 * side inserted a moment ago, the stream then applies the same INSERT, hits the duplicate key,
 * and its apply worker fails on that change again and again — the copy stops following. The
 * switch-back's reverse stream did (test/split-races.test.ts: lines removed and added back on
 * the target). The target's replica upsert triggers (split/target.ts) absorb a duplicate
 * primary key in the forward direction, but not another unique key; the source copies have
 * none at all. So the repair first holds the truth rows still (FOR SHARE, in a transaction on
 * the truth side), then waits until the copy has every change committed so far: no change of a
 * held row is then on its way, and none can start until the repair is done. Per key:
 *   - held (present on the truth side): compared again and rewritten on the copy if it differs;
 *   - absent on the truth side: only deleted on the copy — an INSERT of it may be on its way,
 *     and the stream's INSERT must find no row. A row the stream inserts just before this
 *     delete is lost on the copy, but its truth row was written after the pass's mark: a
 *     changed key, compared again by the next pass and, at the latest, inside the pause;
 *   - busy (present, locked by a writer right now: SKIP LOCKED, so an application transaction
 *     never waits for or deadlocks with the repair): left for the next round, and its row on
 *     the copy is touched (rewritten as it is, which the stream never minds): a writer may
 *     hold the lock through every round and change nothing, and the touch makes the key a
 *     changed one, so the next pass and, at the latest, the pause compare it (a row missing
 *     on the copy has nothing to touch: the pause's key sums find it).
 * The held rows keep their writers waiting for one catch-up (a heartbeat round trip).
 */
async function repairHoldingTruth(truth: Connection, copy: Connection, rt: RelationRef, rc: RelationRef, t: SplitTable, keys: string[][], catchUp: () => Promise<void>): Promise<{repaired: number; differing: string[][]}> {
  if (!keys.length) return {repaired: 0, differing: []}
  const shape = await readShape(truth, rt)
  const filter = keyFilter(t.key, t.key.map((k) => shape.columns.get(k)!.type), 1)
  const params = keyColumnsParams(keys, t.key.length)
  const keyText = `ARRAY[${t.key.map((k) => `t.${ident(k)}::text`).join(', ')}]`
  const rel = qualified(rt.schema, rt.name)
  await truth.exec('BEGIN')
  try {
    // Held first, then what is present: a key inserted in between counts as busy, never as absent.
    const held = new Set((await truth.query<{k: string[]}>(`SELECT ${keyText} AS k FROM ${rel} t WHERE ${filter} ORDER BY ${t.key.map((k) => `t.${ident(k)}`).join(', ')} FOR SHARE SKIP LOCKED`, params)).map((r) => JSON.stringify(r.k)))
    const present = new Set((await truth.query<{k: string[]}>(`SELECT ${keyText} AS k FROM ${rel} t WHERE ${filter}`, params)).map((r) => JSON.stringify(r.k)))
    await catchUp()
    const of = (k: string[]) => JSON.stringify(k)
    const busy = keys.filter((k) => !held.has(of(k)) && present.has(of(k)))
    const differing = await differingKeys(truth, copy, rt, rc, t, keys.filter((k) => !busy.includes(k)))
    const repaired = await repairKeys(truth, copy, rt, rc, t, differing.filter((k) => held.has(of(k))), differing.filter((k) => !held.has(of(k))))
    await touchKeys(copy, rc, t, busy)
    await truth.exec('COMMIT')
    return {repaired, differing: [...differing, ...busy]}
  } catch (error) {
    await truth.exec('ROLLBACK').catch(() => {})
    throw error
  }
}

/** Rewrite the rows of `keys` on `conn` as they are (as a replica: no trigger of the application fires), so their xmin is new. */
async function touchKeys(conn: Connection, r: RelationRef, t: SplitTable, keys: string[][]): Promise<void> {
  if (!keys.length) return
  const shape = await readShape(conn, r)
  // Any column an UPDATE may set (not generated, not GENERATED ALWAYS AS IDENTITY), set to itself.
  const column = t.columns.find((c) => !shape.columns.get(c)?.generated && !shape.columns.get(c)?.identityAlways)
  if (column === undefined) return
  const col = ident(column)
  await conn.exec(`BEGIN; SET LOCAL session_replication_role = replica;`)
  try {
    await conn.query(`UPDATE ${qualified(r.schema, r.name)} t SET ${col} = t.${col} WHERE ${keyFilter(t.key, t.key.map((k) => shape.columns.get(k)!.type), 1)}`, keyColumnsParams(keys, t.key.length))
    await conn.exec('COMMIT')
  } catch (error) {
    await conn.exec('ROLLBACK').catch(() => {})
    throw error
  }
}

/**
 * One round over a keyed table's `pending` keys with writes running: wait until the copy caught
 * up (a difference may be a change on its way), then repair what still differs. Returns the
 * keys found differing (repaired, or left for the next round). `streamed`: a logical replication
 * stream applies changes to the copy meanwhile (repairHoldingTruth).
 */
export async function liveRepairRound(truth: Connection, copy: Connection, rt: RelationRef, rc: RelationRef, t: SplitTable, pending: string[][], how: {catchUp: () => Promise<void>; streamed?: boolean}): Promise<{repaired: number; differing: string[][]}> {
  if (how.streamed) return repairHoldingTruth(truth, copy, rt, rc, t, pending, how.catchUp)
  await how.catchUp()
  const differing = await differingKeys(truth, copy, rt, rc, t, pending)
  return {repaired: await repairKeys(truth, copy, rt, rc, t, differing), differing}
}

/** Replace the whole content of a table without a key on `to` with `from`'s (small tables: the rows pass through memory). */
export async function replaceKeyless(from: Connection, to: Connection, rf: RelationRef, rt: RelationRef, t: SplitTable): Promise<number> {
  return withStableSession([from, to], async () => {
    const shape = await readShape(to, rt)
    const cols = t.columns.filter((c) => !shape.columns.get(c)?.generated)
    const [row] = await from.query<Record<string, string | null>>(
      `SELECT count(*)::text AS n, ${cols.map((c, i) => `array_agg(t.${ident(c)}::text)::text AS c${i}`).join(', ')} FROM ${qualified(rf.schema, rf.name)} t`,
    )
    const overriding = cols.some((c) => shape.columns.get(c)!.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : ''
    await to.exec(`BEGIN; SET LOCAL session_replication_role = replica;`)
    try {
      await to.exec(`DELETE FROM ${qualified(rt.schema, rt.name)}`)
      if (Number(row!.n) > 0) {
        await to.query(
          `INSERT INTO ${qualified(rt.schema, rt.name)} (${cols.map(ident).join(', ')})${overriding}
           SELECT ${cols.map((c, i) => `u.c${i}::${shape.columns.get(c)!.type}`).join(', ')}
             FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${cols.map((_, i) => `c${i}`).join(', ')})`,
          cols.map((_, i) => row![`c${i}`]),
        )
      }
      await to.exec('COMMIT')
    } catch (error) {
      await to.exec('ROLLBACK').catch(() => {})
      throw error
    }
    return Number(row!.n)
  })
}

export interface ReconcileReport {
  tables: number
  rows: number
  /** Milliseconds of the first full comparison alone (what a comparison with writes paused costs). */
  diffMs: number
  /** Rows found different at first comparison (lag included when the source is live). */
  found: number
  /** Rows still different after catch-up, repaired from the truth side. */
  repaired: number
  /** Rows still different at the end (0 means exact). */
  remaining: number
  ms: number
}

export interface ReconcileOptions {
  /** Which side holds the truth: 'source' before the cut-over, 'target' after it. */
  truth: 'source' | 'target'
  /** Wait until the other side has every change committed so far (a heartbeat round). */
  catchUp: () => Promise<void>
  /** Rounds of recheck-and-repair before giving up (differences left are reported, not thrown). */
  rounds: number
  /**
   * Writes are paused and the copy has caught up: differences are real, and a table without a
   * key may be replaced whole. Live, such a table is only compared (replacing it while rows
   * stream in would duplicate them).
   */
  frozen?: boolean
  /** Repair what still differs after a catch-up (false: only report it — verification). */
  repair?: boolean
  /** A logical replication stream applies the truth side's changes to the copy meanwhile: live repairs hold the truth rows (liveRepairRound). */
  streamed?: boolean
  /** Called between tables and rounds: throws to stop (a pause budget). */
  check?: () => void
  emit?: RunContext['emit']
}

/**
 * Compare every table; keys that differ are re-checked after a catch-up (a live source differs
 * from a lagging target by the lag), and those still different are repaired from the truth side
 * and checked again. With writes paused, one round makes the target exact.
 */
export async function reconcile(source: Connection, target: Connection, tables: SplitTable[], options: ReconcileOptions): Promise<ReconcileReport> {
  const started = performance.now()
  const report: ReconcileReport = {tables: tables.length, rows: 0, diffMs: 0, found: 0, repaired: 0, remaining: 0, ms: 0}
  const [truth, copy] = options.truth === 'source' ? [source, target] : [target, source]
  const side = (t: SplitTable) => (options.truth === 'source' ? {rt: t.source, rc: t.target} : {rt: t.target, rc: t.source})
  for (const t of tables) {
    options.check?.()
    const {rt, rc} = side(t)
    const diffStarted = performance.now()
    let diff = await diffTable(source, target, t, options.truth)
    report.diffMs += performance.now() - diffStarted
    report.rows += diff.rows
    report.found += diff.keys.length
    let pending = diff.keys
    for (let round = 0; pending.length && round < options.rounds; round++) {
      options.check?.()
      let still: string[][]
      if (t.key.length && !options.frozen && options.repair !== false) {
        const live = await liveRepairRound(truth, copy, rt, rc, t, pending, options)
        report.repaired += live.repaired
        still = live.differing
      } else {
        await options.catchUp()
        options.check?.()
        if (!t.key.length) {
          const again = await diffTable(source, target, t, options.truth)
          if (!again.keys.length || options.repair === false || !options.frozen) {
            pending = again.keys
            if (!pending.length) break
            continue
          }
          report.repaired += await replaceKeyless(truth, copy, rt, rc, t)
          pending = (await diffTable(source, target, t, options.truth)).keys
          continue
        }
        still = await differingKeys(truth, copy, rt, rc, t, pending)
        if (options.repair === false) {
          pending = still
          continue
        }
        if (still.length) report.repaired += await repairKeys(truth, copy, rt, rc, t, still)
      }
      pending = await differingKeys(truth, copy, rt, rc, t, still)
      if (!pending.length && diff.truncated) {
        // More keys differed than one pass lists: compare the table again.
        diff = await diffTable(source, target, t, options.truth)
        pending = diff.keys
      }
    }
    report.remaining += pending.length
    if (pending.length) options.emit?.({phase: 'parity', message: `${diff.table}: ${pending.length} row${pending.length === 1 ? '' : 's'} still differ${pending.length === 1 ? 's' : ''} (rows changing faster than the comparison)`})
  }
  report.ms = performance.now() - started
  return report
}

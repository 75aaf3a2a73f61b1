/**
 * Parity inside a write pause, proportional to what changed since the last full comparison —
 * not to the table (gh-ost and pgroll never re-verify a whole table while writes wait either).
 *
 * A full comparison with repair (reconcile.ts) runs first, with writes running, after a *mark*:
 * each side's transaction horizon (markChanges), taken before the comparison reads anything.
 * Every transaction of this database not finished at the mark has an xid at or after it, so a row whose
 * xmin is at or after the mark was inserted or updated since — judged exactly as split-copy
 * does, `age(t.xmin) <= age(mark::xid)`. A later pass then only needs:
 *
 * 1. the *changed keys*: rows with such an xmin on either side (the source's writers, the
 *    replication or drain on the target, a repair, anyone writing where they should not). For
 *    each, the rows are compared and repaired from the side holding the truth. This covers
 *    change capture and logical replication alike, and writes that bypassed either.
 * 2. what xmin cannot show, a DELETE: outside the changed keys a row on one side only can only be
 *    one deleted since the mark on the other side. Each side's count and sum of 64-bit key
 *    hashes, minus those of the changed keys, must agree; a row lost on either side changes
 *    them (two opposite losses cancelling needs two 64-bit sums to collide). Found in the pause,
 *    the attempt is given up (PauseRetry): the full comparison, which names such keys, runs
 *    again with writes running, and the next attempt follows.
 *
 * Why that is complete: a key outside the changed keys has no row version written since the
 * mark on either side, so each side's row (or its absence, unless deleted since) is what the
 * full comparison saw; a difference seen there was repaired — a write on the target, hence a
 * changed key — or rechecked after the row changed — a changed key too. What is left is a row
 * present on one side and deleted since the mark on the other: step 2.
 *
 * Both steps read each table once per side without formatting or hashing its rows (the key's
 * hash and its xmin only): 0.2–0.5 s per million rows (idle / loaded machine), against tens of
 * seconds for a full comparison on the loaded machine. Tables without a key are compared whole, as before.
 */
import type {Connection} from '../db/connection.js'
import {CarveError} from '../errors.js'
import type {RelationRef} from '../introspect/model.js'
import type {SplitTable} from '../steps/split/spec.js'
import {ident, qualified} from '../plan/quote.js'
import {readShape, withStableSession} from './pg-table.js'
import type {RunContext} from './runner.js'
import {type PauseAttempt, type PauseClock, PauseRetry} from './write-pause.js'
import {differingKeys, keyColumnsParams, keyFilter, liveRepairRound, reconcile, type ReconcileReport, repairKeys} from './reconcile.js'

/** Each side's transaction horizon (a txid, as text) before a comparison read anything. */
export interface ChangeMark {
  source: string
  target: string
}

/**
 * The oldest transaction still running that could write this database: the snapshot's running
 * transactions, less those pg_stat_activity places in another database (a long report elsewhere
 * on the server would otherwise make every row written since it a "changed" row), else the next
 * xid. A subtransaction's xid is above its parent's, so it is covered by it. Without the
 * privilege to see other sessions' xids nothing is left out: the mark is only older, never wrong.
 */
const HORIZON_SQL = `SELECT least(txid_snapshot_xmax(s), (
    SELECT min(x) FROM txid_snapshot_xip(s) x
     WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                        WHERE a.backend_xid::text = (x % 4294967296)::text AND a.datname IS NOT NULL AND a.datname <> current_database())
  ))::text AS x
  FROM txid_current_snapshot() s`

export async function markChanges(source: Connection, target: Connection): Promise<ChangeMark> {
  const horizon = async (conn: Connection) => (await conn.query<{x: string}>(HORIZON_SQL))[0]!.x
  return {source: await horizon(source), target: await horizon(target)}
}

export interface IncrementalReport extends ReconcileReport {
  /** Keys written since the mark on either side: the rows compared. */
  changed: number
  /** Tables whose rows outside the changed keys differ in count or key hashes (a row lost on one side). */
  lost: string[]
  /** Milliseconds of reading and comparing (catch-up waits excluded): what the same pass costs in a pause. */
  workMs: number
  /** Of `repaired`, the rows of keyed tables (the rest: tables without a key, replaced whole). */
  repairedKeys: number
}

export interface IncrementalOptions {
  truth: 'source' | 'target'
  /** Writes are paused and the copy caught up: check the key sums, repair in one round. */
  frozen: boolean
  /** Wait until the copy has every change committed so far (live passes, between rounds). */
  catchUp: () => Promise<void>
  rounds: number
  check?: () => void
  /** A logical replication stream applies the truth side's changes to the copy meanwhile: live repairs hold the truth rows (reconcile.ts, liveRepairRound). */
  streamed?: boolean
}

interface Scan {
  rows: bigint
  sum: bigint
  changed: string[][]
}

const keyText = (key: string[]) => `ARRAY[${key.map((k) => `t.${ident(k)}::text`).join(', ')}]`

/**
 * A 64-bit hash of the key, each column's hash seeding the next. Integers are hashed as bigint
 * without a text form: formatting every key as text tripled the cost of the read (1M rows,
 * loaded machine: 1.1 s against 0.49 s). Both sides hash the same types the same way.
 */
function keyHash(key: string[], types: string[]): string {
  return key.reduce((seed, k, i) => (/^(smallint|integer|bigint)$/.test(types[i]!) ? `hashint8extended(t.${ident(k)}::bigint, ${seed})` : `hashtextextended(t.${ident(k)}::text, ${seed})`), '0')
}

async function keyTypes(conn: Connection, rel: RelationRef, key: string[]): Promise<string[]> {
  const shape = await readShape(conn, rel)
  return key.map((k) => shape.columns.get(k)!.type)
}

/** One read of a side: its count, the sum of its key hashes, and the keys written since `since`. */
async function scanSide(conn: Connection, rel: RelationRef, key: string[], since: string): Promise<Scan> {
  // The mark's age in a sub-select: computed once, not for every row.
  const [row] = await conn.query<{n: string; s: string; k: string[][] | null}>(
    `SELECT count(*)::text AS n, coalesce(sum(${keyHash(key, await keyTypes(conn, rel, key))}), 0)::text AS s,
            jsonb_agg(to_jsonb(${keyText(key)})) FILTER (WHERE age(t.xmin) <= (SELECT age(($1::bigint % 4294967296)::text::xid))) AS k
       FROM ${qualified(rel.schema, rel.name)} t`,
    [since],
  )
  return {rows: BigInt(row!.n), sum: BigInt(row!.s), changed: row!.k ?? []}
}

/** Count and key-hash sum of the rows of `keys` present on a side. */
async function keysPart(conn: Connection, rel: RelationRef, key: string[], keys: string[][]): Promise<{rows: bigint; sum: bigint}> {
  if (!keys.length) return {rows: 0n, sum: 0n}
  const types = await keyTypes(conn, rel, key)
  const [row] = await conn.query<{n: string; s: string}>(
    `SELECT count(*)::text AS n, coalesce(sum(${keyHash(key, types)}), 0)::text AS s FROM ${qualified(rel.schema, rel.name)} t WHERE ${keyFilter(key, types, 1)}`,
    keyColumnsParams(keys, key.length),
  )
  return {rows: BigInt(row!.n), sum: BigInt(row!.s)}
}

/** Compare (and repair) the tables from `mark` on: see the module comment. */
export async function incrementalParity(source: Connection, target: Connection, tables: SplitTable[], mark: ChangeMark, options: IncrementalOptions): Promise<IncrementalReport> {
  const started = performance.now()
  const report: IncrementalReport = {tables: tables.length, rows: 0, diffMs: 0, found: 0, repaired: 0, remaining: 0, ms: 0, changed: 0, lost: [], workMs: 0, repairedKeys: 0}
  let waited = 0
  const catchUp = async () => {
    const t0 = performance.now()
    await options.catchUp()
    waited += performance.now() - t0
  }
  const [truth, copy] = options.truth === 'source' ? [source, target] : [target, source]
  for (const t of tables.filter((x) => x.key.length)) {
    options.check?.()
    const [rt, rc] = options.truth === 'source' ? [t.source, t.target] : [t.target, t.source]
    const diffStarted = performance.now()
    const [a, b] = await withStableSession([source, target], () => Promise.all([scanSide(source, t.source, t.key, mark.source), scanSide(target, t.target, t.key, mark.target)]))
    report.rows += Number(a.rows)
    const keys = [...new Map([...a.changed, ...b.changed].map((k) => [JSON.stringify(k), k])).values()]
    report.changed += keys.length
    options.check?.()
    if (options.frozen) {
      const [pa, pb] = await withStableSession([source, target], () => Promise.all([keysPart(source, t.source, t.key, keys), keysPart(target, t.target, t.key, keys)]))
      if (a.rows - pa.rows !== b.rows - pb.rows || a.sum - pa.sum !== b.sum - pb.sum) report.lost.push(qualified(t.target.schema, t.target.name))
    }
    let pending = await differingKeys(truth, copy, rt, rc, t, keys)
    report.diffMs += performance.now() - diffStarted
    report.found += pending.length
    for (let round = 0; pending.length && round < options.rounds; round++) {
      options.check?.()
      let still = pending
      if (!options.frozen) {
        // Live, a difference may be a change still on its way: look again once the copy caught up.
        const live = await liveRepairRound(truth, copy, rt, rc, t, pending, {catchUp, streamed: options.streamed})
        report.repairedKeys += live.repaired
        still = live.differing
      } else {
        if (round > 0) still = await differingKeys(truth, copy, rt, rc, t, pending)
        if (still.length) report.repairedKeys += await repairKeys(truth, copy, rt, rc, t, still)
      }
      pending = await differingKeys(truth, copy, rt, rc, t, still)
    }
    report.remaining += pending.length
  }
  report.repaired = report.repairedKeys
  // Tables without a key have no key to follow: compared whole (small by nature: no key, no lookups).
  const keyless = tables.filter((x) => !x.key.length)
  if (keyless.length) {
    const whole = await reconcile(source, target, keyless, {truth: options.truth, rounds: options.rounds, frozen: options.frozen, catchUp, check: options.check})
    report.rows += whole.rows
    report.diffMs += whole.diffMs
    report.found += whole.found
    report.repaired += whole.repaired
    report.remaining += whole.remaining
  }
  report.ms = performance.now() - started
  report.workMs = report.ms - waited
  return report
}

export interface SettleOptions extends Omit<IncrementalOptions, 'frozen'> {
  /** Passes stop once one costs less than this (what the pause can afford), or stops shrinking. */
  targetMs: number
  maxPasses?: number
}

/**
 * With writes running, compare from `mark` on until the changed set is as small as the write
 * rate allows: each pass marks first, then compares the keys changed since the previous mark, so
 * the next pass (the one in the pause) only sees what was written during this one. Returns the
 * new mark and the last pass, whose cost is what the pause will pay.
 */
export async function settleChanges(source: Connection, target: Connection, tables: SplitTable[], mark: ChangeMark, options: SettleOptions): Promise<{mark: ChangeMark; last: IncrementalReport; passes: number}> {
  const max = options.maxPasses ?? 4
  let last: IncrementalReport | null = null
  for (let pass = 1; ; pass++) {
    const next = await markChanges(source, target)
    const report = await incrementalParity(source, target, tables, mark, {...options, frozen: false})
    mark = next
    const shrinking = !last || report.workMs < last.workMs * 0.8
    last = report
    if (pass >= max || report.workMs <= options.targetMs || !shrinking) return {mark, last, passes: pass}
  }
}

export interface PreparedParity {
  /** Where the pause's comparison starts from. */
  mark: ChangeMark
  /** The full comparison (with repair). */
  full: ReconcileReport
  /** The last incremental pass before the pause: its cost estimates the pause's. */
  settled: IncrementalReport
  passes: number
}

/**
 * Before a pause, with writes running and no lock: the full comparison with repair from a mark,
 * then incremental passes (settleChanges) until the changed set is small.
 */
export async function prepareParity(
  source: Connection,
  target: Connection,
  tables: SplitTable[],
  options: {truth: 'source' | 'target'; catchUp: () => Promise<void>; maxPauseMs: number; streamed: boolean; emit?: RunContext['emit']},
): Promise<PreparedParity> {
  const mark = await markChanges(source, target)
  const full = await reconcile(source, target, tables, {truth: options.truth, rounds: 3, catchUp: options.catchUp, streamed: options.streamed, emit: options.emit})
  options.emit?.({phase: 'parity', message: `full comparison (writes running): ${full.rows} rows in ${Math.round(full.diffMs)} ms, ${full.found} differing at first look (in flight), ${full.repaired} repaired`})
  const settled = await settleChanges(source, target, tables, mark, {truth: options.truth, rounds: 3, catchUp: options.catchUp, streamed: options.streamed, targetMs: options.maxPauseMs / 4})
  options.emit?.({
    phase: 'parity',
    message: `incremental comparison (writes running, ${settled.passes} pass${settled.passes === 1 ? '' : 'es'}): the last read ${settled.last.rows} rows' keys and compared ${settled.last.changed} changed in ${Math.round(settled.last.workMs)} ms, ${settled.last.repaired} repaired`,
  })
  return {mark: settled.mark, full, settled: settled.last, passes: settled.passes}
}

/** Refuse a pause that could not afford the incremental comparison (estimated from the last pass); nothing was switched. */
export function refuseSlowParity(p: PreparedParity, maxPauseMs: number, code = 'cutover.parity-too-slow'): void {
  const ms = p.settled.workMs
  if (ms <= maxPauseMs * 0.8) return
  throw new CarveError(
    code,
    `comparing the ${p.settled.changed} rows written during the last pass (and reading the keys of ${p.settled.rows} rows) takes ${Math.round(ms)} ms, too long for a write pause of at most ${maxPauseMs} ms; nothing was switched`,
    {hint: `raise the pause budget (maxPauseMs) to about ${Math.ceil((ms * 1.5 + 200) / 100) * 100} ms, or try again when fewer rows are being written`},
  )
}

/** The mark for the next attempt: after one given up (a row lost), the full comparison again; otherwise one more pass. */
export async function remark(previous: PauseAttempt, full: () => Promise<PreparedParity>, pass: () => Promise<{mark: ChangeMark}>): Promise<ChangeMark> {
  return previous.outcome === 'stale' ? (await full()).mark : (await pass()).mark
}

/** The comparison inside the pause: exact for what changed since `mark`; a row lost outside it gives the attempt up. */
export async function pausedParity(source: Connection, target: Connection, tables: SplitTable[], mark: ChangeMark, truth: 'source' | 'target', clock: PauseClock): Promise<IncrementalReport> {
  const parity = await incrementalParity(source, target, tables, mark, {truth, frozen: true, rounds: 3, catchUp: async () => {}, check: () => clock.check('parity')})
  if (parity.lost.length) {
    throw new PauseRetry(`parity: rows lost outside the changed keys of ${parity.lost.join(', ')} (${parity.changed} changed keys compared, ${parity.repairedKeys} changed rows repaired); the full comparison runs again`)
  }
  return parity
}

/**
 * backfill: Carve's copy, change capture and parity engines (in-process, the library calls the
 * split-copy step makes) against what the same server does in one statement, measured in the
 * same run on the same freshly generated table (id bigint PK, text, numeric, timestamptz, jsonb,
 * int, text[] + a secondary index):
 *
 * - copy, same database: backfillTable (keyset batches as key ranges, one INSERT … SELECT per
 *   batch, checkpoint per batch) vs one bulk `INSERT INTO copy SELECT * FROM t` — the fastest a
 *   copy can be, with no batching, resumption or idempotency.
 * - copy, another database: backfillTable across databases (each batch a streamed
 *   `COPY … TO STDOUT` → `COPY … FROM STDIN` between the two sessions) vs the same bulk
 *   INSERT … SELECT (a copy across databases cannot be one statement), and vs
 *   `psql -c 'COPY t TO STDOUT' | psql -c 'COPY t FROM STDIN'` — how people copy by hand, one
 *   transaction, nothing to resume.
 * - change capture: single-row UPDATEs (one per transaction) and one bulk UPDATE of every row,
 *   on two identical tables, Carve's capture triggers on one (ratio = time without / time with);
 *   each single-row update goes to both tables in turn, so load drifts hit both alike.
 * - parity: compareTables (a whole-table pass per side, then, only when something differs, chunk
 *   hashes that name the differing keys) vs a whole-table hash on both sides
 *   (`count(*), sum(hashtextextended(t::text, 0))`, one session per side, which can only say
 *   "different"), in alternating order; the time to name one changed row is in the notes.
 *
 * Results are checked before timing: the copies are compared row by row with parity, and
 * parity must find a row changed on purpose.
 */
import type {Connection} from '../../src/db/connection.js'
import {openPostgres} from '../../src/db/postgres.js'
import {backfillTable, resolveCopy, type BackfillCheckpoint, type CopyTable} from '../../src/execute/backfill.js'
import {installCapture, removeCapture} from '../../src/execute/change-capture.js'
import {compareTables} from '../../src/execute/parity.js'
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {loadavg} from 'node:os'

import {trackChild} from '../lib/cleanup.js'
import {createScratchDatabase} from '../lib/postgres.js'
import {commandOutput} from '../lib/process.js'
import {BenchError, defineBenchmark, type BenchContext, type Row} from '../lib/registry.js'
import {median} from '../lib/stats.js'
import {group} from '../lib/table.js'

const SIZES = {quick: [100_000], full: [2_000_000]} as const
const SINGLE_ROW_WRITES = {quick: 300, full: 5000} as const
const SERVER_SIDE_WRITES = {quick: 2000, full: 10_000} as const

const DDL = (schema: string) => `CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE ${schema}.t (id bigint PRIMARY KEY, name text NOT NULL, price numeric(12,2), created timestamptz, meta jsonb, qty int, tags text[]);
CREATE INDEX ON ${schema}.t (created);`
const COLUMNS = ['id', 'name', 'price', 'created', 'meta', 'qty', 'tags']

export default defineBenchmark({
  name: 'backfill',
  summary: 'keyset copy (same and cross database), change-capture write overhead, chunked parity — vs bulk INSERT…SELECT, no trigger, whole-table hash',
  order: 40,
  needsPostgres: true,
  async run(ctx) {
    const runs = ctx.runs ?? 3
    const rows: Row[] = []
    for (const n of ctx.sizes ?? SIZES[ctx.mode]) rows.push(...(await runCase(ctx, n, runs)))
    return rows
  },
})

function store(): {load(): Promise<BackfillCheckpoint | null>; save(c: BackfillCheckpoint): Promise<void>; saves: number} {
  let c: BackfillCheckpoint | null = null
  const s = {
    saves: 0,
    load: async () => c,
    save: async (x: BackfillCheckpoint) => {
      c = x
      s.saves++
    },
  }
  return s
}

/**
 * CPU time (ms) the server process behind `conn` has used, read from /proc when the server runs
 * on this machine; null otherwise. Under load, wall time is mostly waiting for a core — the
 * server's CPU shows the work each way costs.
 */
async function backendCpu(conn: Connection): Promise<() => number | null> {
  const [row] = await conn.query<{pid: number}>('SELECT pg_backend_pid() AS pid')
  const tick = 1000 / Number(commandOutput('getconf', ['CLK_TCK'])?.trim() || 100)
  return () => {
    try {
      const fields = readFileSync(`/proc/${row!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) * tick
    } catch {
      return null
    }
  }
}

/**
 * Median server time (µs) of a single-row UPDATE + COMMIT on app.t (captured) and app.u (not),
 * alternating, timed inside one DO block with synchronous_commit off: what the trigger itself
 * costs, without the client round trip and the WAL flush that dominate the latency row (and
 * its noise on a loaded machine). Microsecond resolution.
 */
async function serverTimePerUpdate(conn: Connection, writes: number, rows: number): Promise<{captured: number; plain: number; writes: number}> {
  await conn.exec(`SET synchronous_commit = off; CREATE TEMP TABLE server_times (captured float8[], plain float8[])`)
  try {
    const step = (table: string, into: string) =>
      `s := clock_timestamp(); UPDATE app.${table} SET qty = qty + 1 WHERE id = k; COMMIT; ${into} := ${into} || extract(epoch FROM clock_timestamp() - s)::float8 * 1e6;`
    await conn.exec(`DO $$DECLARE a float8[] := '{}'; b float8[] := '{}'; s timestamptz; k bigint; BEGIN
      FOR i IN 1..${writes} LOOP
        k := 1 + (i * 7919) % ${rows};
        IF i % 2 = 0 THEN ${step('t', 'a')} ${step('u', 'b')} ELSE ${step('u', 'b')} ${step('t', 'a')} END IF;
      END LOOP;
      INSERT INTO server_times VALUES (a, b); END$$`)
    const [row] = await conn.query<{captured: number; plain: number}>(
      `SELECT (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(captured) x) AS captured, (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(plain) x) AS plain FROM server_times`,
    )
    return {captured: Math.round(row!.captured), plain: Math.round(row!.plain), writes}
  } finally {
    await conn.exec(`DROP TABLE server_times; RESET synchronous_commit`)
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return (performance.now() - started) / 1000
}

/** The way people copy a table between databases by hand: psql COPY … TO STDOUT | psql COPY … FROM STDIN. */
function copyPipe(fromUrl: string, toUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', fromUrl, '-c', 'COPY app.t TO STDOUT'], {stdio: ['ignore', 'pipe', 'pipe']})
    const into = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', toUrl, '-c', 'COPY app.t FROM STDIN'], {stdio: ['pipe', 'ignore', 'pipe']})
    trackChild(out)
    trackChild(into)
    out.stdout.pipe(into.stdin)
    let errors = ''
    out.stderr.on('data', (d) => (errors += d))
    into.stderr.on('data', (d) => (errors += d))
    into.on('error', reject)
    into.on('close', (code) => (code === 0 ? resolve() : reject(new BenchError(`backfill: the COPY pipe failed: ${errors.trim()}`))))
  })
}

async function runCase(ctx: BenchContext, n: number, runs: number): Promise<Row[]> {
  const label = `${group(n)} rows`
  const src = await createScratchDatabase(ctx.pg, `carve_bench_backfill_src_${process.pid}`)
  const tgt = await createScratchDatabase(ctx.pg, `carve_bench_backfill_tgt_${process.pid}`)
  const conns: Connection[] = []
  const open = async (url: string) => {
    const c = await openPostgres(url)
    conns.push(c)
    return c
  }
  try {
    const source = await open(src.url)
    const target = await open(tgt.url)
    const loadSeconds = await timed(async () => {
      await source.exec(DDL('app') + DDL('copy'))
      await source.exec(`INSERT INTO app.t SELECT i, 'name ' || i, (i % 100000) / 100.0, timestamptz '2024-01-01' + i * interval '1 second',
        jsonb_build_object('i', i, 'tag', 'x' || (i % 17)), i % 1000, ARRAY['a', (i % 7)::text] FROM generate_series(1, ${n}) i;
        ANALYZE app.t; CHECKPOINT;`)
      await target.exec(DDL('app'))
    })
    ctx.log(`backfill ${label}: table loaded in ${loadSeconds.toFixed(1)} s`)
    const same: CopyTable = {source: {schema: 'app', name: 't'}, target: {schema: 'copy', name: 't'}, key: ['id'], columns: COLUMNS}
    const cross: CopyTable = {source: {schema: 'app', name: 't'}, target: {schema: 'app', name: 't'}, key: ['id'], columns: COLUMNS}
    const options = {batchSize: 1000, maxBatchSize: 20_000, batchTargetMs: 500}

    // Correctness first (untimed): both copies equal to the source, row by row.
    await backfillTable(source, null, same, store(), options)
    await backfillTable(source, target, cross, store(), options)
    for (const [name, conn, t] of [['same database', source, same], ['another database', target, cross]] as const) {
      const r = await compareTables(source, conn, t.source, t.target, t.key, t.columns)
      if (!r.equal || r.targetRows !== n) throw new BenchError(`backfill ${label}: the copy into ${name} is not equal to the source (${JSON.stringify(r)})`)
    }
    await target.exec(`UPDATE app.t SET qty = qty + 1 WHERE id = ${Math.ceil(n / 3)}`)
    const found = await compareTables(source, target, cross.source, cross.target, cross.key, cross.columns)
    if (JSON.stringify(found.differing) !== JSON.stringify([[String(Math.ceil(n / 3))]])) throw new BenchError(`backfill ${label}: parity did not find the row changed on purpose`)
    await target.exec(`UPDATE app.t SET qty = qty - 1 WHERE id = ${Math.ceil(n / 3)}`)

    const copyFormat = (await resolveCopy(source, target, cross)).binary ? 'binary' : 'text'
    const serverCpu = await backendCpu(source)
    const bulkCpu: number[] = []
    const sameCpu: number[] = []
    const bulk: number[] = []
    const carveSame: number[] = []
    const carveCross: number[] = []
    const pipe: number[] = []
    const batches: number[] = []
    const psql = commandOutput('psql', ['--version']) !== null
    for (let r = 0; r < runs; r++) {
      if (psql) {
        await target.exec('TRUNCATE app.t')
        pipe.push(await timed(() => copyPipe(src.url, tgt.url)))
      }
      await source.exec('TRUNCATE copy.t')
      let cpu0 = serverCpu()
      bulk.push(await timed(() => source.exec('INSERT INTO copy.t SELECT * FROM app.t')))
      if (cpu0 !== null) bulkCpu.push(serverCpu()! - cpu0)
      await source.exec('TRUNCATE copy.t')
      const s1 = store()
      cpu0 = serverCpu()
      carveSame.push(await timed(() => backfillTable(source, null, same, s1, options)))
      if (cpu0 !== null) sameCpu.push(serverCpu()! - cpu0)
      await target.exec('TRUNCATE app.t')
      const s2 = store()
      carveCross.push(await timed(() => backfillTable(source, target, cross, s2, options)))
      batches.push(s1.saves - 1, s2.saves - 1)
      ctx.log(`  run ${r + 1}/${runs}: bulk INSERT…SELECT ${bulk[r]!.toFixed(2)} s, Carve same database ${carveSame[r]!.toFixed(2)} s, another database ${carveCross[r]!.toFixed(2)} s${psql ? `, COPY pipe ${pipe[r]!.toFixed(2)} s` : ''}`)
    }
    const bulkS = median(bulk)
    const sameS = median(carveSame)
    const crossS = median(carveCross)
    const rate = (s: number) => `${group(Math.round(n / s))} rows/s`

    // Parity: chunked md5 (names keys) vs whole-table hash on both sides at once.
    const source2 = await open(src.url)
    const wholeHash = (c: Connection) => c.query(`SELECT count(*), sum(hashtextextended(t::text, 0)) FROM app.t t`)
    const parity: number[] = []
    const whole: number[] = []
    // Not the ratio: what finding and naming one changed row costs (the whole pass, then the chunks).
    const differing: number[] = []
    // And rows changed in three places far apart in key order (10%, 50%, 90% of the keys).
    const scattered: number[] = []
    let paritySessions = 0
    // At least 5 rounds, the two in alternating order (AB BA …): the medians are then not one
    // arm's luck with the machine's load.
    const parityRuns = Math.max(runs, 5)
    const changed = Math.ceil(n / 3)
    for (let r = 0; r < parityRuns; r++) {
      const arms = [
        async () => whole.push(await timed(() => Promise.all([wholeHash(source2), wholeHash(target)]))),
        async () => parity.push(await timed(async () => {
          const found = await compareTables(source, target, cross.source, cross.target, cross.key, cross.columns)
          if (!found.equal) throw new BenchError(`backfill ${label}: parity found equal tables different`)
        })),
      ]
      for (const arm of r % 2 ? arms.reverse() : arms) await arm()
      await target.exec(`UPDATE app.t SET qty = qty + 1 WHERE id = ${changed}`)
      differing.push(await timed(async () => {
        const found = await compareTables(source, target, cross.source, cross.target, cross.key, cross.columns)
        paritySessions = found.sessions
        if (JSON.stringify(found.differing) !== JSON.stringify([[String(changed)]])) throw new BenchError(`backfill ${label}: parity did not name the changed row`)
      }))
      await target.exec(`UPDATE app.t SET qty = qty - 1 WHERE id = ${changed}`)
      const three = [Math.ceil(n / 10), Math.ceil(n / 2), Math.ceil((n * 9) / 10)]
      await target.exec(`UPDATE app.t SET qty = qty + 1 WHERE id IN (${three.join(', ')})`)
      scattered.push(await timed(async () => {
        const found = await compareTables(source, target, cross.source, cross.target, cross.key, cross.columns)
        if (JSON.stringify(found.differing) !== JSON.stringify(three.map((k) => [String(k)]))) throw new BenchError(`backfill ${label}: parity did not name the three changed rows`)
      }))
      await target.exec(`UPDATE app.t SET qty = qty - 1 WHERE id IN (${three.join(', ')})`)
      ctx.log(`  parity run ${r + 1}/${parityRuns}: whole-table hash ${whole[r]!.toFixed(2)} s, Carve ${parity[r]!.toFixed(2)} s (equal), ${differing[r]!.toFixed(2)} s naming one changed row, ${scattered[r]!.toFixed(2)} s three scattered`)
    }

    // Change capture: the writers' cost. Two identical tables, capture on one: every single-row
    // UPDATE goes to both in turn (the order alternating), each in its own transaction, so the
    // machine's load drifts over both alike; the bulk UPDATEs alternate which table goes first.
    await source.exec(`CREATE TABLE app.u (LIKE app.t INCLUDING ALL); INSERT INTO app.u SELECT * FROM app.t`)
    await source.exec('VACUUM ANALYZE app.u')
    await source.exec('VACUUM ANALYZE app.t')
    await source.exec(installCapture(same))
    const writes = SINGLE_ROW_WRITES[ctx.mode]
    const plain: number[] = []
    // Every single update's time (ms): the row compares median latencies, robust to load spikes.
    const plainEach: number[] = []
    const capturedEach: number[] = []
    const captured: number[] = []
    const plainBulk: number[] = []
    const capturedBulk: number[] = []
    for (let r = 0; r < runs; r++) {
      const spent = {t: 0, u: 0}
      for (let i = 0; i < writes; i++) {
        const id = 1 + (((r * writes + i) * 7919) % n)
        for (const table of i % 2 ? (['u', 't'] as const) : (['t', 'u'] as const)) {
          const seconds = await timed(() => source.query(`UPDATE app.${table} SET qty = qty + 1 WHERE id = $1`, [id]))
          spent[table] += seconds
          ;(table === 't' ? capturedEach : plainEach).push(seconds * 1000)
        }
      }
      plain.push(spent.u)
      captured.push(spent.t)
      // Untimed: each bulk update leaves a dead copy of every row; both start from a clean table.
      await source.exec('VACUUM app.t')
      await source.exec('VACUUM app.u')
      for (const table of r % 2 ? (['u', 't'] as const) : (['t', 'u'] as const)) {
        const seconds = await timed(() => source.exec(`UPDATE app.${table} SET qty = qty + 1`))
        ;(table === 't' ? capturedBulk : plainBulk).push(seconds)
      }
      ctx.log(`  capture run ${r + 1}/${runs}: ${writes} single-row updates ${plain[r]!.toFixed(2)} s → ${captured[r]!.toFixed(2)} s; bulk update ${plainBulk[r]!.toFixed(2)} s → ${capturedBulk[r]!.toFixed(2)} s`)
    }
    const server = await serverTimePerUpdate(source, SERVER_SIDE_WRITES[ctx.mode], n)
    ctx.log(`  capture, server time per update + commit: ${server.captured} µs vs ${server.plain} µs without`)
    await source.exec(removeCapture(same))

    const details = {rows: n, runs, loadSeconds, loadAverage: loadavg()[0], bulk, carveSame, carveCross, pipe, batches, parity, whole, differing, scattered, paritySessions, copyFormat, bulkCpu, sameCpu, plainEach, capturedEach, plain, captured, plainBulk, capturedBulk, writes, options}
    const row = (c: string, carve: number, unit: string, ref: {name: string; value: number}, target: string, min: number, notes: string[]): Row => {
      const ratio = ref.value / carve
      return {benchmark: 'backfill', case: `${c}, ${label}`, carve: {value: carve, unit}, reference: {...ref, unit}, ratio, target, met: ratio >= min, notes: notes.join('; '), details}
    }
    return [
      row('copy, same database', sameS, 's', {name: 'bulk INSERT…SELECT', value: bulkS}, '≥ 0.90× (keyset, idempotent, resumable)', 0.9, [
        `Carve ${rate(sameS)}, bulk ${rate(bulkS)}`,
        `${median(batches.filter((_, i) => i % 2 === 0))} batches (adaptive, 500 ms target)`,
        ...(sameCpu.length ? [`server CPU ${median(sameCpu).toFixed(0)} ms vs ${median(bulkCpu).toFixed(0)} ms (${(median(bulkCpu) / median(sameCpu)).toFixed(2)}×)`] : []),
      ]),
      row('copy, another database', crossS, 's', {name: 'bulk INSERT…SELECT (same db)', value: bulkS}, '≥ 0.35× (every value through text)', 0.35, [
        `Carve ${rate(crossS)}, bulk ${rate(bulkS)}`,
        `${median(batches.filter((_, i) => i % 2 === 1))} batches, each a streamed COPY (${copyFormat})`,
      ]),
      ...(psql
        ? [
            row('copy, another database', crossS, 's', {name: 'psql COPY TO | COPY FROM', value: median(pipe)}, '≥ 1.0× (batched, resumable, idempotent)', 1.0, [
              `Carve ${rate(crossS)}, COPY pipe ${rate(median(pipe))}; Carve streams ${copyFormat} COPY per batch`,
              'the pipe is one transaction: nothing resumes after a failure',
            ]),
          ]
        : []),
      row('parity, another database', median(parity), 's', {name: 'whole-table hash, both sides', value: median(whole)}, '≥ 1.0× (and names the keys)', 1.0, [
        `Carve ${rate(median(parity))} per side, whole-table hash ${rate(median(whole))}; median of ${parityRuns}, alternating order`,
        'equal tables: one whole-table count + hash statement per side (the server may add its parallel workers, as for the reference)',
        `one changed row found and named in ${median(differing).toFixed(2)} s, three scattered in ${median(scattered).toFixed(2)} s: the whole pass, then the chunked pass on ${paritySessions} sessions (integer keys: one GROUP BY scan per session into ~10k-row key-range buckets; two sessions per side sharing an exported snapshot from 64 MB of heap), bisected to the row`,
      ]),
      row(`capture, ${group(writes)} single-row updates × ${runs}`, median(capturedEach), 'ms', {name: 'no trigger', value: median(plainEach)}, '≥ 0.95× (≤ 5% cost; one transaction per write)', 0.95, [
        `median latency per update over ${group(capturedEach.length)} updates each; totals per run (median) ${median(captured).toFixed(2)} s vs ${median(plain).toFixed(2)} s (${(median(plain) / median(captured)).toFixed(2)}×)`,
        'two identical tables, capture on one, each update sent to both in turn',
        `the trigger's own cost, apart from client round trips and WAL flushes: server time per UPDATE + COMMIT (median of ${group(server.writes)} each, in a DO block, synchronous_commit off) ${server.captured} µs vs ${server.plain} µs (+${server.captured - server.plain} µs)`,
      ]),
      row('capture, one bulk update of every row', median(capturedBulk), 's', {name: 'no trigger', value: median(plainBulk)}, '≥ 0.4× (a key queued per row)', 0.4, [
        `${rate(median(capturedBulk))} vs ${rate(median(plainBulk))} updated`,
      ]),
    ]
  } finally {
    for (const c of conns) await c.close()
    ctx.log(`  dropping ${src.name}, ${tgt.name}`)
    await src.drop()
    await tgt.drop()
  }
}

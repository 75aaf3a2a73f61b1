/**
 * Acceptance: a backfill SIGKILLed at random points — mid-statement, between a batch and its
 * checkpoint, during the read ahead — at least 20 times and resumed each time ends with zero
 * missing, duplicated or differing rows, checked row by row. The copy runs in a child process
 * (test/support/backfill-child.ts) with its checkpoints in a table of the source database, as
 * the executor's ledger keeps them. Two tables: one into another database, one within the source,
 * copied in alternating order from run to run so that kills land in both.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openPostgres} from '../src/db/postgres.js'
import {seededRandom} from '../src/random.js'
import type {CopyTable} from '../src/execute/backfill.js'
import {diffDumps, dumpRows, moodSql, TYPES_COLUMNS, typesRowsSql, typesTableSql} from './support/copy-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const CHILD = fileURLToPath(new URL('./support/backfill-child.ts', import.meta.url))
const KILLS = 20

const pgDescribe = PG_URL ? describe : describe.skip
if (!PG_URL) announceSkip('PostgreSQL')

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  batches: number
  killedAfterBatches: number | null
  /** The table being copied when the last batch line came. */
  lastTable: string | null
  /** Rows found on the target beyond the checkpoint when this run resumed. */
  uncheckpointed: number
}

/** Start the child; kill it `killAfterBatches` batch lines (+ a random delay) in, or let it finish. */
function runChild(args: string[], kill: {afterBatches: number; delayMs: number} | null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let batches = 0
    let killedAfter: number | null = null
    let lastTable: string | null = null
    let uncheckpointed = 0
    let stderr = ''
    let buffered = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stderr!.on('data', (d) => (stderr += d))
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString()
      let nl
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (line.startsWith('resume ')) uncheckpointed += Number(line.split(' ').at(-1))
        if (!line.startsWith('batch ')) continue
        lastTable = line.split(' ')[1]!
        batches++
        if (kill && batches === kill.afterBatches && killedAfter === null) {
          killedAfter = batches
          setTimeout(() => child.kill('SIGKILL'), kill.delayMs)
        }
      }
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child failed (${code}): ${stderr}`))
      else resolve({code, signal, batches, killedAfterBatches: killedAfter, lastTable, uncheckpointed})
    })
  })
}

pgDescribe('backfill killed with SIGKILL at random points (PostgreSQL server)', () => {
  let srcDb: Awaited<ReturnType<typeof createPgDatabase>>
  let tgtDb: Awaited<ReturnType<typeof createPgDatabase>>
  const tables: {cross: boolean; table: CopyTable}[] = [
    {cross: true, table: {source: {schema: 'app', name: 'lines'}, target: {schema: 'split', name: 'lines'}, key: ['id'], columns: TYPES_COLUMNS}},
    {cross: false, table: {source: {schema: 'app', name: 'stock'}, target: {schema: 'moved', name: 'stock'}, key: ['tenant', 'code'], columns: ['tenant', 'code', 'qty', 'note']}},
  ]

  beforeAll(async () => {
    srcDb = await createPgDatabase('kill_src')
    tgtDb = await createPgDatabase('kill_tgt')
    const s = await openPostgres(srcDb.url)
    await s.exec(moodSql() + typesTableSql('app', 'lines') + typesRowsSql('app', 'lines', 40_000))
    await s.exec(`CREATE TABLE app.stock (tenant int, code text, qty int, note text, PRIMARY KEY (tenant, code));
      INSERT INTO app.stock SELECT t, 'c-' || lpad(c::text, 5, '0'), t * c, CASE WHEN c % 4 = 0 THEN NULL ELSE 'n' || c END
        FROM generate_series(1, 20) t, generate_series(1, 1000) c;
      CREATE SCHEMA moved; CREATE TABLE moved.stock (LIKE app.stock INCLUDING ALL);`)
    await s.close()
    const t = await openPostgres(tgtDb.url)
    await t.exec(moodSql() + typesTableSql('split', 'lines'))
    await t.close()
  })
  afterAll(async () => {
    await srcDb?.drop()
    await tgtDb?.drop()
  })

  it(`resumes after ${KILLS}+ kills with zero missing, duplicated or differing rows`, async () => {
    const random = seededRandom(Number(process.env.CARVE_KILL_SEED ?? 20_240_611))
    // Every other run copies the tables in the other order, so kills land in both.
    const args = (n: number) => [srcDb.url, tgtDb.url, JSON.stringify(n % 2 ? [...tables].reverse() : tables)]
    const runs: Run[] = []
    const started = performance.now()
    for (;;) {
      const kills = runs.filter((r) => r.signal === 'SIGKILL').length
      // Kill after 1–3 batches, 0–20 ms later: mid-insert, mid-checkpoint, mid-read-ahead. The
      // 120 batches of 500 rows leave room for well over 20 kills before the copy can finish.
      const kill = kills < KILLS ? {afterBatches: 1 + Math.floor(random() * 3), delayMs: Math.floor(random() * 20)} : null
      const run = await runChild(args(runs.length), kill)
      runs.push(run)
      if (run.code === 0) break
      expect(runs.length).toBeLessThan(200)
    }
    const seconds = (performance.now() - started) / 1000

    const source = await openPostgres(srcDb.url)
    const target = await openPostgres(tgtDb.url)
    try {
      const results = []
      for (const {cross, table} of tables) {
        const a = await dumpRows(source, table.source.schema, table.source.name, table.key, table.columns)
        const b = await dumpRows(cross ? target : source, table.target.schema, table.target.name, table.key, table.columns)
        const [dup] = await (cross ? target : source).query<{n: number}>(
          `SELECT (count(*) - count(DISTINCT ROW(${table.key.map((k) => `"${k}"`).join(', ')})))::int AS n FROM "${table.target.schema}"."${table.target.name}"`,
        )
        results.push({table: `${table.source.schema}.${table.source.name}`, rows: a.length, copied: b.length, ...diffDumps(a, b), duplicateKeys: dup!.n})
      }
      const checkpoints = await source.query<{label: string; state: {rows: number; done: boolean}}>(`SELECT label, state FROM carve_test.checkpoints ORDER BY label`)
      const kills = runs.filter((r) => r.signal === 'SIGKILL')
      const during = (t: string) => kills.filter((r) => r.lastTable === t).length
      const uncheckpointed = runs.filter((r) => r.uncheckpointed > 0)
      console.log(
        `[backfill kill] ${kills.length} SIGKILLs in ${runs.length} runs (${seconds.toFixed(1)} s), ${during('app.lines')} while copying app.lines across databases, ` +
          `${during('app.stock')} while copying app.stock within the source; ${uncheckpointed.length} resumes found a batch committed but not checkpointed ` +
          `(${uncheckpointed.reduce((n, r) => n + r.uncheckpointed, 0)} rows, copied again harmlessly); ` +
          results.map((r) => `${r.table}: ${r.rows} rows, ${r.copied} copied, ${r.missing.length} missing, ${r.extra.length} extra, ${r.differing.length} differing, ${r.duplicates + r.duplicateKeys} duplicated`).join('; ') +
          `; rows read including batches repeated after kills: ${checkpoints.map((c) => `${c.label} ${c.state.rows}`).join(', ')}`,
      )
      expect(kills.length).toBeGreaterThanOrEqual(KILLS)
      expect(checkpoints.map((c) => c.state.done)).toEqual([true, true])
      expect(during('app.lines')).toBeGreaterThan(0)
      expect(during('app.stock')).toBeGreaterThan(0)
      for (const r of results) {
        expect(r).toMatchObject({missing: [], extra: [], differing: [], duplicates: 0, duplicateKeys: 0})
        expect(r.copied).toBe(r.rows)
      }
      expect(results.map((r) => r.rows)).toEqual([40_000, 20_000])
    } finally {
      await source.close()
      await target.close()
    }
  }, 180_000)
})

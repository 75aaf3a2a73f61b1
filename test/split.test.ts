/**
 * The physical split on real PostgreSQL: plan drafts from a live catalog, then the runners —
 * prepare, copy (keyset batches), sync (logical replication), cut-over behind a bounded write
 * pause with writers running, reverse replication, rollback of the cut-over, decommission.
 *
 * Logical replication needs wal_level=logical, which the machine's shared server does not have:
 * both databases live on a private cluster (test/support/pg-cluster.ts). Change capture (the
 * mode for servers without it) runs on the shared server when CARVE_TEST_PG_URL is set.
 */
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {cutOver, isSwitched, PauseAborted, type PauseAttempt, withWritePause} from '../src/execute/cutover.js'
import {advanceSlot, subscriptionOptions, walInsertLsn} from '../src/execute/replication.js'
import {DEFAULT_RUN_OPTIONS, type RunContext} from '../src/execute/runner.js'
import type {PlanStep} from '../src/plan/model.js'
import {splitCopyRunner} from '../src/steps/split-copy/runner.js'
import {splitCutoverRunner} from '../src/steps/split-cutover/runner.js'
import {splitDecommissionRunner} from '../src/steps/split-decommission/runner.js'
import {splitPrepareRunner} from '../src/steps/split-prepare/runner.js'
import {splitSyncRunner} from '../src/steps/split-sync/runner.js'
import {type SplitCopySpec, type SplitSpec, splitSteps} from '../src/steps/split/generate.js'
import {clusterUnavailableReason, type PgCluster, startPgCluster} from './support/pg-cluster.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'
import {buildPlan, seedShop, Harness, LINES, ROOMY, rowCount, runCopy, SCHEMA_SQL, SEED_SQL, snapshot, startWriters, type Step, toStep, waitFor, withLaggingFlush} from './support/split-fixture.js'

// Every test gets a generous budget: a copy with writers running takes a minute or more beside
// a CPU hog, and a test cut short leaves its state to the next one.
vi.setConfig({testTimeout: 600_000})

/** Run statements in one transaction as a replica (no trigger fires: no capture, no guard, no FK). */
async function asReplica(conn: Connection, statements: [string, unknown[]][]): Promise<void> {
  await conn.exec(`BEGIN; SET LOCAL session_replication_role = replica;`)
  for (const [sql, params] of statements) await conn.query(sql, params)
  await conn.exec('COMMIT')
}

/**
 * The pause found what was made after the full comparison: a row lost outside the changed keys
 * gave the first attempt up (its count and key hashes tell), the changed rows were repaired in
 * it; the full comparison ran again and a later attempt switched.
 */
function expectFoundInPause(attempts: PauseAttempt[]): void {
  const stale = attempts.findIndex((a) => a.outcome === 'stale')
  expect(stale).toBeGreaterThanOrEqual(0)
  expect(attempts[stale]!.stage).toMatch(/rows lost outside the changed keys of "orders"\."Order ""Lines"""/)
  // (After an attempt that could not get its lock, the pass before the next one repairs them instead.)
  if (stale === 0) expect(Number(/(\d+) changed rows repaired/.exec(attempts[stale]!.stage ?? '')?.[1])).toBeGreaterThanOrEqual(2)
  expect(attempts.at(-1)!.outcome).toBe('done')
}

// ——— runners refuse what they cannot do —————————————————————————————————————————————

describe('split runners on engines without replication', () => {
  const step = {
    step: {id: '001-split-prepare-x', title: 't', context: 'x', kind: 'split-prepare', level: {from: 2, to: 3}, depends_on: [], transactional: false, locks: [], irreversible: false, files: {}, checksums: {}, spec: {}} as PlanStep,
    files: {},
  }
  const fake = (flavor: Connection['flavor']) =>
    ({engine: flavor === 'mysql' || flavor === 'mariadb' ? 'mysql' : 'postgres', flavor, label: `${flavor}:test`, database: 'x'}) as unknown as Connection

  it('refuse PGlite and MySQL with a message that says why', async () => {
    const spec = {context: 'orders', owner: 'o', mode: 'logical-replication', source_database: 's', target_database: 't', schema: 'orders', tables: [], sequences: [], outbox: {schema: 'orders', name: 'outbox'}, meta_schema: 'carve', publication: 'p', sync_publication: 'p2', subscription: 's', slot: 's', reverse: {publication: 'r', subscription: 'r', slot: 'r'}, compatibility_views: [], soak_days: 7}
    const s = {...step, step: {...step.step, spec}}
    const ctx = (conn: Connection) => ({conn, files: {}, options: DEFAULT_RUN_OPTIONS, signal: new AbortController().signal, emit: () => {}, loadCheckpoint: async () => null, saveCheckpoint: async () => {}}) as unknown as RunContext
    for (const runner of [splitPrepareRunner, splitSyncRunner, splitCutoverRunner]) {
      await expect(runner.apply(ctx(fake('pglite')), s.step)).rejects.toThrow(/physical split needs a PostgreSQL server with wal_level=logical \(or change capture\)/)
      await expect(runner.apply(ctx(fake('mysql')), s.step)).rejects.toThrow(/not supported on MySQL yet/)
    }
    await expect(splitDecommissionRunner.rollback(ctx(fake('postgresql')), s.step)).rejects.toThrow(/cannot be rolled back/)
  })

  it('asks PostgreSQL 16+ for the publisher\'s own changes only (origin = none) where asked, and 15 for nothing it lacks', () => {
    const sub = {name: 'r', conninfo: '', publications: ['p'], slot: 'r', enabled: false}
    expect(subscriptionOptions({...sub, localOnly: true}, 16)).toMatch(/, origin = none$/)
    expect(subscriptionOptions({...sub, localOnly: true}, 15)).not.toMatch(/origin/)
    expect(subscriptionOptions(sub, 17)).not.toMatch(/origin/)
  })

  it('refuse a hand-edited spec before touching anything', async () => {
    const ctx = {conn: fake('postgresql'), files: {}, options: DEFAULT_RUN_OPTIONS} as unknown as RunContext
    await expect(splitPrepareRunner.apply(ctx, {...step.step, spec: {target_database: 3}})).rejects.toThrow(/spec\.\w+/)
  })
})

describe('split-prepare SQL leaves a replica identity it did not set (PGlite)', () => {
  it('sets FULL on a keyless table at the default and restores it; keeps one the team set, before and after', async () => {
    const conn = await openPglite(null)
    try {
      await conn.exec(SCHEMA_SQL)
      const {steps} = await buildPlan(conn, 'logical-replication')
      const prepare = steps.find((s) => s.step.kind === 'split-prepare')!.files
      const identity = async () => (await conn.query<{r: string}>(`SELECT relreplident AS r FROM pg_class WHERE oid = '"orders"."order_audit"'::regclass`))[0]!.r
      await conn.exec(prepare.up!)
      expect(await identity()).toBe('f')
      await conn.exec(prepare.down!)
      expect(await identity()).toBe('d')
      // Set by the team before the plan (their own replication): the split neither records nor resets it.
      await conn.exec(`ALTER TABLE "orders"."order_audit" REPLICA IDENTITY FULL`)
      await conn.exec(prepare.up!)
      await conn.exec(prepare.down!)
      expect(await identity()).toBe('f')
      expect(await conn.query(`SELECT 1 FROM pg_publication`)).toEqual([])
    } finally {
      await conn.close()
    }
  })
})

// ——— logical replication on a private cluster ———————————————————————————————————————

const clusterReason = clusterUnavailableReason()
if (clusterReason) console.warn(`[carve tests] SKIPPING the physical split on a private PostgreSQL cluster (wal_level=logical): ${clusterReason}`)

describe.skipIf(clusterReason !== null)('physical split with logical replication (private cluster, wal_level=logical)', () => {
  let cluster: PgCluster
  let source: Connection
  let h: Harness
  let steps: Step[]
  let spec: SplitSpec
  let target: Connection
  let plan: Awaited<ReturnType<typeof buildPlan>>
  const ORDERS = 20_000
  const report: Record<string, unknown> = {}

  beforeAll(async () => {
    cluster = await startPgCluster({wal_level: 'logical', max_replication_slots: 10, max_wal_senders: 10})
    source = await seedShop(cluster, ORDERS)
    plan = await buildPlan(source, 'logical-replication')
    steps = plan.steps
    spec = steps[0]!.step.spec as unknown as SplitSpec
    h = new Harness(source, (db) => cluster.url(db))
  }, 180_000)

  afterAll(async () => {
    if (process.env.CARVE_TEST_VERBOSE || Object.keys(report).length) console.log('[split figures]', JSON.stringify(report))
    await h?.closeOpened()
    await target?.close()
    await source?.close()
    await cluster?.stop()
  })

  const step = (kind: string) => steps.find((s) => s.step.kind === kind)!

  it('plans five steps whose files hold no connection string and quote every name', () => {
    expect(steps.map((s) => s.step.kind)).toEqual(['split-prepare', 'split-copy', 'split-sync', 'split-cutover', 'split-decommission'])
    expect(steps.map((s) => s.step.level)).toEqual([{from: 2, to: 3}, {from: 2, to: 3}, {from: 2, to: 3}, {from: 2, to: 3}, {from: 3, to: 5}])
    expect(step('split-decommission').step.irreversible).toBe(true)
    expect(spec.target_database).toBe('shop_orders')
    const everything = JSON.stringify(steps.map((s) => [s.files, s.step.spec]))
    expect(everything).not.toMatch(new RegExp(`host=|port=|password=|127\\.0\\.0\\.1|:${cluster.port}\\b`))
    const prepare = step('split-prepare').files
    expect(prepare.target).toContain('CREATE TABLE "orders"."Order ""Lines""" (')
    expect(prepare.target).toContain('"id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL')
    expect(prepare.target).toContain('CREATE TYPE "public"."order_status" AS ENUM')
    expect(prepare.up).toMatch(/ARRAY\['"orders"."order_audit"'\]::text\[\] LOOP[\s\S]*REPLICA IDENTITY FULL/)
    expect(prepare.up).toMatch(/CREATE PUBLICATION "carve_shop_orders_init" FOR TABLE "orders"."order_audit"/)
    const constraints = step('split-sync').files['target-constraints']
    expect(constraints).toContain('ADD CONSTRAINT "orders_ref_key" UNIQUE ("ref")')
    expect(constraints).toContain('CREATE INDEX IF NOT EXISTS "lines_sku" ON "orders"."Order ""Lines""" USING btree (sku)')
    expect(constraints).toContain('REFERENCES "orders"."orders" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID')
    const copy = step('split-copy').step.spec as unknown as SplitCopySpec
    expect(copy.tables.map((t) => t.target.name)).toEqual(['orders', LINES]) // the keyless table is copied by PostgreSQL itself
    expect(copy.tables[1]!.columns).not.toContain('line_total') // generated: computed on each side
    // --dry-run shows what runs, without the connection string.
    expect(splitPrepareRunner.describe(step('split-prepare').step, prepare)).toContain("CONNECTION '<built at run time>'")
    expect(splitCutoverRunner.describe(step('split-cutover').step, step('split-cutover').files)).toContain('IN EXCLUSIVE MODE')
    // Same inputs, same plan, byte for byte.
    expect(JSON.stringify(splitSteps(plan.ctx, plan.input, 'outbox-orders', {mode: 'logical-replication'}).map(toStep))).toBe(JSON.stringify(steps))
  })

  it('advances a slot to exactly the position asked while the WAL before it is not flushed yet', async () => {
    const c = await openPostgres(cluster.url('postgres'))
    try {
      await withLaggingFlush(c, async () => {
        await c.exec(`CREATE TABLE advance_probe (x int)`)
        await c.query(`SELECT pg_create_logical_replication_slot('carve_test_advance', 'pgoutput')`)
        // Committed asynchronously, like an apply worker's transaction: the case at hand is a
        // position the WAL writer has not flushed yet (where the server would stop the slot).
        let lsn = ''
        for (let tries = 0; tries < 5 && !lsn; tries++) {
          await c.exec(`INSERT INTO advance_probe VALUES (1)`)
          const at = await walInsertLsn(c)
          const [row] = await c.query<{flushed: boolean}>(`SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn AS flushed`, [at])
          if (!row!.flushed) lsn = at
        }
        expect(lsn).not.toBe('')
        await advanceSlot(c, 'carve_test_advance', lsn)
        const [slot] = await c.query<{at: string}>(`SELECT confirmed_flush_lsn::text AS at FROM pg_replication_slots WHERE slot_name = 'carve_test_advance'`)
        expect(slot).toEqual({at: lsn})
      })
    } finally {
      await c.query(`SELECT pg_drop_replication_slot('carve_test_advance') FROM pg_replication_slots WHERE slot_name = 'carve_test_advance'`)
      await c.exec(`DROP TABLE IF EXISTS advance_probe`)
      await c.close()
    }
  })

  it('prepare creates the target database and schema, and the slot before any row is copied', async () => {
    const s = step('split-prepare')
    await splitPrepareRunner.apply(h.ctx(s), s.step)
    await splitPrepareRunner.verify(h.ctx(s), s.step)
    target = await openPostgres(cluster.url(spec.target_database))
    const tables = await target.query<{n: string}>(`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_schema = 'orders' AND table_type = 'BASE TABLE'`)
    expect(Number(tables[0]!.n)).toBe(4) // three tables and the outbox
    expect(await target.query(`SELECT 1 FROM "orders"."orders" LIMIT 1`)).toEqual([])
    const slot = await source.query<{slot_name: string; plugin: string}>(`SELECT slot_name, plugin FROM pg_replication_slots WHERE slot_name = $1`, [spec.slot])
    expect(slot).toEqual([{slot_name: spec.slot, plugin: 'pgoutput'}])
    const sub = await target.query<{subenabled: boolean}>(`SELECT subenabled FROM pg_subscription WHERE subname = $1`, [spec.subscription])
    expect(sub).toEqual([{subenabled: false}])
    // The outbox trigger is carried over disabled: copied rows must not emit events again.
    const trig = await target.query<{tgenabled: string}>(`SELECT tgenabled FROM pg_trigger WHERE tgname = 'carve_outbox' AND tgrelid = '"orders"."orders"'::regclass`)
    expect(trig).toEqual([{tgenabled: 'D'}])
    // Applying again changes nothing (every phase checks what exists).
    await splitPrepareRunner.apply(h.ctx(s), s.step)
  })

  let writers: ReturnType<typeof startWriters>
  it('copies in keyset batches and syncs while writers keep writing', async () => {
    const maxId = ORDERS + 2000
    writers = startWriters(cluster.url('shop'), 2, {schema: 'orders', intervalMs: 3, maxId: () => maxId})
    await new Promise((r) => setTimeout(r, 500))
    const started = performance.now()
    const copied = await runCopy(h, step('split-copy'))
    report.copiedRows = copied
    report.copyMs = Math.round(performance.now() - started)
    const s = step('split-sync')
    await splitSyncRunner.apply(h.ctx(s), s.step)
    await splitSyncRunner.verify(h.ctx(s), s.step)
    const sync = h.checkpoints.get(s.step.id) as {compared: number; found: number; repaired: number; remaining: number}
    report.sync = sync
    expect(sync.compared).toBeGreaterThan(ORDERS)
    expect(writers.stats.ok).toBeGreaterThan(100)
    const verify = h.events.filter((e) => e.step === s.step.id && e.phase === 'verify').map((e) => e.message).join('\n')
    expect(verify).toMatch(/heartbeat round trip \d+ ms/)
    const uniques = await target.query(`SELECT 1 FROM pg_constraint WHERE conname = 'orders_ref_key'`)
    expect(uniques.length).toBe(1)
  })

  it('a cut-over whose lock cannot be obtained aborts cleanly and leaves the source writable', async () => {
    const blocker = new pg.Client({connectionString: cluster.url('shop')})
    await blocker.connect()
    await blocker.query('BEGIN')
    await blocker.query(`LOCK TABLE "orders"."order_audit" IN ROW EXCLUSIVE MODE`) // a writer in the middle of its transaction
    const okBefore = writers.stats.ok
    const s = step('split-cutover')
    // A roomy pause budget: on a busy machine the measured parity rate would make the runner
    // refuse up front (budget too small), and this test is about the lock not being granted.
    const error = await splitCutoverRunner.apply(h.ctx(s, {...ROOMY, lockTimeoutMs: 200, lockRetries: 2}), s.step).catch((e: unknown) => e)
    await blocker.query('ROLLBACK')
    await blocker.end()
    expect(error).toBeInstanceOf(PauseAborted)
    const attempts = (error as PauseAborted).attempts
    expect(attempts.map((a) => a.outcome)).toEqual(['lock-timeout', 'lock-timeout', 'lock-timeout'])
    expect((error as Error).message).toMatch(/nothing was switched/)
    expect(await isSwitched(source, spec)).toBe(false)
    // Writers went on (the source is writable) and the forward stream still runs.
    await waitFor('writes after the aborted cut-over', async () => writers.stats.ok > okBefore + 20)
    expect(writers.stats.refused).toBe(0)
    const sub = await target.query<{subenabled: boolean}>(`SELECT subenabled FROM pg_subscription WHERE subname = $1`, [spec.subscription])
    expect(sub).toEqual([{subenabled: true}])
  })

  it('a pause that would exceed its budget is aborted, undone and retried; nothing is switched', async () => {
    const holder = await openPostgres(cluster.url('shop'))
    let undone = 0
    const okBefore = writers.stats.ok
    const error = await withWritePause(
      {holder, tables: [{schema: 'orders', name: 'orders'}], maxPauseMs: 300, lockTimeoutMs: 2000, retries: 1, retryBaseMs: 50, signal: new AbortController().signal, emit: () => {}, what: 'test'},
      async (clock, onAbort) => {
        onAbort(async () => void undone++)
        await new Promise((r) => setTimeout(r, 450)) // a catch-up or parity slower than the budget
        clock.check('parity')
        throw new Error('not reached')
      },
    ).catch((e: unknown) => e)
    await holder.close()
    expect(error).toBeInstanceOf(PauseAborted)
    const attempts = (error as PauseAborted).attempts
    expect(attempts.map((a) => [a.outcome, a.stage])).toEqual([['over-budget', 'parity'], ['over-budget', 'parity']])
    // Each attempt ran past its 300 ms budget before it was aborted (a lower bound: never flaky).
    for (const a of attempts) expect(a.pauseMs).toBeGreaterThanOrEqual(300)
    expect(undone).toBe(2)
    expect(await isSwitched(source, spec)).toBe(false)
    await waitFor('writes after the aborted pause', async () => writers.stats.ok > okBefore + 20)
  })

  it('cuts over behind a bounded write pause: the target equals the source row for row', async () => {
    // Differences replay cannot explain (a row lost, one changed, one extra; a table without a
    // key off by a row): the cut-over must find and repair every one.
    await target.query(`DELETE FROM "orders"."Order ""Lines""" WHERE order_id = 7 AND line_no = 1`)
    await target.query(`UPDATE "orders"."orders" SET note = 'tampered', meta = '{"t": 1}' WHERE id = 8`)
    await target.query(`INSERT INTO "orders"."orders" (id, ref, customer) OVERRIDING SYSTEM VALUE VALUES (999999, 'extra', 'x')`)
    await target.query(`INSERT INTO "orders"."order_audit" (order_id, what) VALUES (-1, 'extra')`)
    const s = step('split-cutover')
    const okBefore = writers.stats.ok
    await new Promise((r) => setTimeout(r, 500))
    // Differences made after the full comparison (and its incremental passes), with writers
    // running: only the pause can find them. On the target, as replication would not: a change
    // of the source that never arrived (it is put back), a row lost, a row extra.
    const beforePause = async () => {
      const [old] = await target.query<{note: string | null}>(`SELECT note FROM "orders"."orders" WHERE id = 20`)
      await source.query(`UPDATE "orders"."orders" SET note = 'changed after the full pass' WHERE id = 20`)
      await waitFor('the change to reach the target', async () => (await target.query(`SELECT 1 FROM "orders"."orders" WHERE id = 20 AND note = 'changed after the full pass'`)).length === 1)
      await asReplica(target, [
        [`UPDATE "orders"."orders" SET note = $1 WHERE id = 20`, [old!.note]],
        [`DELETE FROM "orders"."Order ""Lines""" WHERE order_id = 21 AND line_no = 2`, []],
        [`INSERT INTO "orders"."Order ""Lines""" (order_id, line_no, sku, qty, price) VALUES (22, 9, 'stray', 1, 1)`, []],
      ])
    }
    // Writers run up to the pause, so the forward stream applies their last transactions inside
    // it, just before the reverse slot is moved to the switch point (see withLaggingFlush).
    await withLaggingFlush(source, () => cutOver(h.ctx(s, ROOMY), spec, s.files.up!, {beforePause}))
    const stats = await writers.stop()
    const cp = h.checkpoints.get(s.step.id) as {phase: string; pauseMs: number; catchUpMs: number; attempts: PauseAttempt[]; rehearsal: {found: number; repaired: number}; parity: {rows: number; repaired: number; remaining: number}}
    expect(cp.phase).toBe('done')
    expectFoundInPause(cp.attempts)
    expect(cp.rehearsal.repaired).toBeGreaterThanOrEqual(3) // the keyed rows, repaired before the pause
    // The table without a key (one row extra) was replaced inside a pause — the first one, given
    // up: nothing else repairs such a table; the snapshots below show it done.
    expect(cp.pauseMs).toBeGreaterThan(0) // measured and reported; its size is a benchmark's business
    expect(cp.parity.remaining).toBe(0)
    expect(stats.ok).toBeGreaterThan(okBefore) // writes were running up to the pause
    expect(stats.refused).toBe(2) // and every writer was refused by the switch, none lost silently
    const [a, b] = [await snapshot(source, 'orders'), await snapshot(target, 'orders')]
    expect(b).toEqual(a)
    report.cutover = {rows: rowCount(a), writes: stats.ok, failedWrites: stats.failed, pauseMs: cp.pauseMs, catchUpMs: Math.round(cp.catchUpMs), repairedBeforePause: cp.rehearsal.repaired, repairedUnderPause: cp.parity.repaired, longestWriteMs: Math.round(stats.longestMs), attempts: cp.attempts.length}
    // A write on the target right after the switch reaches the source copies, once: nothing the
    // forward stream applied before the switch comes back with it (a duplicate key would stop
    // the reverse stream, and a row of the table without a key would be doubled).
    const first = (await target.query<{id: string}>(`INSERT INTO "orders"."orders" (ref, customer) VALUES ('right-after-switch', 'r') RETURNING id::text`))[0]!.id
    await target.query(`INSERT INTO "orders"."order_audit" (order_id, what) VALUES ($1, 'right-after-switch')`, [first])
    await waitFor('the first write on the target to reach the source copies', async () => (await source.query(`SELECT 1 FROM "orders"."order_audit" WHERE what = 'right-after-switch'`)).length > 0)
    expect(await source.query(`SELECT id::text FROM "orders"."orders" WHERE ref = 'right-after-switch'`)).toEqual([{id: first}])
    expect(await source.query(`SELECT count(*)::int AS n FROM "orders"."order_audit" WHERE what = 'right-after-switch'`)).toEqual([{n: 1}])
    await splitCutoverRunner.verify(h.ctx(s), s.step) // reverse catch-up, then every row compared: 0 differing
    expect(await snapshot(source, 'orders')).toEqual(await snapshot(target, 'orders'))
    // The source copies are read-only now, through the compatibility view too.
    await expect(source.query(`INSERT INTO public.orders (ref, customer) VALUES ('late', 'x')`)).rejects.toMatchObject({code: '25006'})
    await expect(source.query(`UPDATE "orders"."order_audit" SET what = 'x'`)).rejects.toMatchObject({code: '25006'})
    // The slot of the forward direction is gone; only the reverse one is left.
    const slots = await source.query<{slot_name: string}>(`SELECT slot_name FROM pg_replication_slots ORDER BY 1`)
    expect(slots.map((r) => r.slot_name)).toEqual([spec.reverse.slot])
  })

  it('decommission refuses during the soak period without force', async () => {
    const s = step('split-decommission')
    await expect(splitDecommissionRunner.apply(h.ctx(s), s.step)).rejects.toMatchObject({code: 'decommission.soak'})
    expect((await source.query(`SELECT to_regclass('"orders"."orders"') IS NOT NULL AS ok`))[0]).toEqual({ok: true})
  })

  it('writes on the target reach the source copies, and a rollback of the cut-over keeps every one', async () => {
    // The target takes writes now: ids come from its own sequence, past the source's.
    const outboxBefore = Number((await target.query<{n: string}>(`SELECT count(*)::text AS n FROM "orders"."outbox"`))[0]!.n)
    const id = (await target.query<{id: string}>(`INSERT INTO "orders"."orders" (ref, customer, meta) VALUES ('after-cutover', 'z', '{"x": [1, 2]}') RETURNING id::text`))[0]!.id
    await target.query(`INSERT INTO "orders"."Order ""Lines""" (order_id, line_no, sku, qty, price) VALUES ($1, 1, 'new', 3, 1.5)`, [id])
    await target.query(`UPDATE "orders"."orders" SET note = 'changed after the cut-over', meta = NULL WHERE id IN (SELECT id FROM "orders"."orders" ORDER BY id LIMIT 50)`)
    await target.query(`DELETE FROM "orders"."orders" WHERE id IN (SELECT id FROM "orders"."orders" ORDER BY id DESC OFFSET 5 LIMIT 10)`)
    await target.query(`INSERT INTO "orders"."order_audit" (order_id, what) VALUES ($1, NULL)`, [id])
    const outboxAfter = Number((await target.query<{n: string}>(`SELECT count(*)::text AS n FROM "orders"."outbox"`))[0]!.n)
    expect(outboxAfter).toBeGreaterThan(outboxBefore) // the carried outbox trigger fires in the target
    expect(Number(id)).toBeGreaterThan(ORDERS)
    await waitFor('reverse replication of the target writes', async () => (await source.query(`SELECT 1 FROM "orders"."orders" WHERE ref = 'after-cutover'`)).length === 1)
    await waitFor('the source copies to equal the target', async () => JSON.stringify(await snapshot(source, 'orders', true)) === JSON.stringify(await snapshot(target, 'orders', true)))

    // More writes on the target while the rollback runs, until its pause refuses them.
    const targetWriters = startWriters(cluster.url(spec.target_database), 2, {schema: 'orders', intervalMs: 3, maxId: () => ORDERS + 3000, views: false})
    await new Promise((r) => setTimeout(r, 300))
    const s = step('split-cutover')
    // As at the cut-over: the reverse stream applies the last target writes inside the pause,
    // just before the new forward slot is moved to the switch-back point.
    await withLaggingFlush(source, () => splitCutoverRunner.rollback(h.ctx(s, ROOMY), s.step))
    const stats = await targetWriters.stop()
    const rollbackEvents = h.events.filter((e) => e.step === s.step.id && e.phase === 'rollback').map((e) => e.message)
    const pause = Number(/writes paused (\d+) ms/.exec(rollbackEvents.join('\n'))?.[1])
    expect(pause).toBeGreaterThanOrEqual(0)
    const [a, b] = [await snapshot(source, 'orders', true), await snapshot(target, 'orders', true)]
    expect(a).toEqual(b)
    expect(a.orders!.some((r) => r.includes('after-cutover'))).toBe(true)
    report.rollback = {rows: rowCount(a), targetWrites: stats.ok, targetWritesRefused: stats.refused, pauseMs: pause}
    // The source is writable again, and the forward stream resumed from the switch-back point.
    await source.query(`INSERT INTO public.orders (ref, customer) VALUES ('after-rollback', 'y')`)
    await waitFor('forward replication after the rollback', async () => (await target.query(`SELECT 1 FROM "orders"."orders" WHERE ref = 'after-rollback'`)).length === 1)
    // …once, and nothing the target wrote came back with it (the outbox has no replica upsert
    // trigger: a duplicate would stop the forward stream).
    await waitFor('the target to equal the source after the rollback', async () => JSON.stringify(await snapshot(source, 'orders', true)) === JSON.stringify(await snapshot(target, 'orders', true)))
    await expect(target.query(`INSERT INTO "orders"."orders" (ref, customer) VALUES ('stray', 'x')`)).rejects.toMatchObject({code: '25006'})
    await splitSyncRunner.verify(h.ctx(step('split-sync')), step('split-sync').step)
  })

  it('cuts over again and decommissions with force: only the target is left', async () => {
    const c = step('split-cutover')
    await splitCutoverRunner.apply(h.ctx(c), c.step)
    const before = await snapshot(target, 'orders')
    const d = step('split-decommission')
    await splitDecommissionRunner.apply(h.ctx(d, {force: true}), d.step)
    await splitDecommissionRunner.verify(h.ctx(d), d.step)
    expect((await source.query(`SELECT to_regclass('"orders"."orders"') IS NULL AS gone, to_regclass('public.orders') IS NULL AS view_gone`))[0]).toEqual({gone: true, view_gone: true})
    expect(await source.query(`SELECT slot_name FROM pg_replication_slots`)).toEqual([])
    expect(await source.query(`SELECT pubname FROM pg_publication`)).toEqual([])
    expect(await snapshot(target, 'orders')).toEqual(before)
    await target.query(`INSERT INTO "orders"."orders" (ref, customer) VALUES ('owned now', 'o')`)
    await expect(splitDecommissionRunner.rollback(h.ctx(d), d.step)).rejects.toMatchObject({code: 'rollback.irreversible'})
  })
})

// ——— change capture on the shared server (wal_level=replica) ——————————————————————————

if (!PG_URL) announceSkip('PostgreSQL')
/** Orders of the change-capture split: three lines each, so its largest table has 300,000 rows. */
const CC_ORDERS = 100_000
describe.skipIf(!PG_URL)('physical split with change capture (shared server, no logical replication)', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>
  let source: Connection
  let target: Connection | undefined
  let h: Harness
  let steps: Step[]
  let spec: SplitSpec
  const urlOf = (name: string) => {
    const u = new URL(PG_URL!)
    u.pathname = `/${name}`
    return u.toString()
  }

  beforeAll(async () => {
    db = await createPgDatabase('split_cc')
    source = await openPostgres(db.url)
    await source.exec(SCHEMA_SQL.replace(/CREATE TABLE order_audit \(order_id bigint,/, 'CREATE TABLE order_audit (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, order_id bigint,'))
    await source.exec(SEED_SQL(CC_ORDERS))
    steps = (await buildPlan(source, 'change-capture')).steps
    spec = steps[0]!.step.spec as unknown as SplitSpec
    h = new Harness(source, urlOf)
  }, 120_000)

  afterAll(async () => {
    await h?.closeOpened()
    await target?.close()
    await source?.close()
    if (spec) {
      const admin = new pg.Client({connectionString: PG_URL})
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS "${spec.target_database}" WITH (FORCE)`).catch(() => {})
      await admin.end()
    }
    await db?.drop()
  })

  const step = (kind: string) => steps.find((s) => s.step.kind === kind)!

  it('logical replication is refused with the reason on this server', async () => {
    const [row] = await source.query<{w: string}>(`SELECT current_setting('wal_level') AS w`)
    if (row!.w === 'logical') return // a server with logical replication: nothing to refuse
    const logical = {...step('split-prepare'), step: {...step('split-prepare').step, spec: {...spec, mode: 'logical-replication'}}}
    await expect(splitPrepareRunner.apply(h.ctx(logical), logical.step)).rejects.toThrow(/physical split needs a PostgreSQL server with wal_level=logical \(or change capture\).*wal_level=replica/)
  })

  it('prepares, copies, syncs and cuts over a 300,000-row table with writers running; rollback keeps the target writes', async () => {
    for (const kind of ['split-prepare']) await splitPrepareRunner.apply(h.ctx(step(kind)), step(kind).step)
    target = await openPostgres(urlOf(spec.target_database))
    const writers = startWriters(db.url, 2, {schema: 'orders', intervalMs: 5, maxId: () => CC_ORDERS + 500})
    await new Promise((r) => setTimeout(r, 300))
    await runCopy(h, step('split-copy'))
    await splitSyncRunner.apply(h.ctx(step('split-sync')), step('split-sync').step)
    await splitSyncRunner.verify(h.ctx(step('split-sync')), step('split-sync').step)
    const c = step('split-cutover')
    // Made after the full comparison, on the source, as a replica (capture does not see them):
    // a change that never reaches the target, a row deleted on the source only, one inserted.
    const beforePause = () =>
      asReplica(source, [
        [`UPDATE "orders"."orders" SET note = 'changed after the full pass' WHERE id = 20`, []],
        [`DELETE FROM "orders"."Order ""Lines""" WHERE order_id = 21 AND line_no = 2`, []],
        [`INSERT INTO "orders"."Order ""Lines""" (order_id, line_no, sku, qty, price) VALUES (22, 9, 'stray', 1, 1)`, []],
      ])
    await cutOver(h.ctx(c, ROOMY), spec, c.files.up!, {beforePause})
    const stats = await writers.stop()
    const cp = h.checkpoints.get(c.step.id) as {pauseMs: number; attempts: PauseAttempt[]; parity: {rows: number; changed: number; remaining: number}}
    expect(cp.pauseMs).toBeGreaterThan(0)
    expectFoundInPause(cp.attempts)
    // The pause counted every row but compared only those written since the pass before it.
    expect(cp.parity.rows).toBeGreaterThan(CC_ORDERS * 4)
    expect(cp.parity.changed).toBeLessThan(cp.parity.rows / 10)
    expect(cp.parity.remaining).toBe(0)
    expect(stats.refused).toBe(2)
    expect(await snapshot(target, 'orders')).toEqual(await snapshot(source, 'orders'))
    await target.query(`INSERT INTO "orders"."orders" (ref, customer) VALUES ('cc-after', 'z')`)
    await target.query(`DELETE FROM "orders"."orders" WHERE id IN (SELECT id FROM "orders"."orders" ORDER BY id LIMIT 3)`)
    await splitCutoverRunner.verify(h.ctx(c), c.step) // drains the reverse queue into the source copies
    expect((await source.query(`SELECT 1 FROM "orders"."orders" WHERE ref = 'cc-after'`)).length).toBe(1)
    await target.query(`UPDATE "orders"."orders" SET note = 'before the rollback' WHERE id IN (SELECT id FROM "orders"."orders" ORDER BY id DESC LIMIT 7)`)
    // The copy cannot be emptied while the target is the live copy.
    await expect(splitCopyRunner.rollback(h.ctx(step('split-copy')), step('split-copy').step)).rejects.toMatchObject({code: 'rollback.switched'})
    await splitCutoverRunner.rollback(h.ctx(c, ROOMY), c.step)
    expect(await snapshot(source, 'orders', true)).toEqual(await snapshot(target, 'orders', true))
    await source.query(`INSERT INTO public.orders (ref, customer) VALUES ('cc-after-rollback', 'y')`)
    // The rest of `carve rollback --all`, in its order: the switch-back left the target guarded
    // (read-only, TRUNCATE included), and the copy's rollback still empties it.
    await splitSyncRunner.rollback(h.ctx(step('split-sync')), step('split-sync').step)
    await splitCopyRunner.rollback(h.ctx(step('split-copy')), step('split-copy').step)
    expect(await target.query(`SELECT count(*)::int AS n FROM "orders"."orders"`)).toEqual([{n: 0}])
    await target.close()
    target = undefined
    await splitPrepareRunner.rollback(h.ctx(step('split-prepare')), step('split-prepare').step)
    expect(await source.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [spec.target_database])).toEqual([])
    expect((await source.query(`SELECT 1 FROM "orders"."orders" WHERE ref IN ('cc-after', 'cc-after-rollback')`)).length).toBe(2)
  })
})

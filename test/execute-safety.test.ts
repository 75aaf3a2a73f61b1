/**
 * Execute safety on PostgreSQL (issue 12): Carve never adopts or drops what it did not create
 * (a pre-existing schema and its own `outbox` table survive apply and rollback with their rows),
 * a step never holds one table while it waits for another (generated steps lock up front, only
 * the first lock waits), a deadlock is retried like a lock timeout and counted in the result, and
 * a driver's multi-line warning never reaches the terminal.
 * PGlite everywhere; PostgreSQL 15 when CARVE_TEST_PG_URL is set.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {boundariesSchema} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {openPglite} from '../src/db/pglite.js'
import {applyPlan, defaultExecuteOptions, rollbackPlan, type ExecEvent, type ExecuteOptions} from '../src/execute/executor.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {inspect} from '../src/introspect/index.js'
import {generatePlan} from '../src/plan/generate.js'
import {FOLLOWING_LOCK_WAIT} from '../src/steps/common.js'
import {writePlan} from '../src/plan/write.js'
import {hasStackTrace, runCarve} from './support/cli.js'
import {writePlan as writeFixturePlan} from './support/plan-fixture.js'
import {dropRolesWithPrefix} from './support/live-traffic.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

function options(events: ExecEvent[] = [], overrides: Partial<ExecuteOptions> = {}): ExecuteOptions {
  const base = defaultExecuteOptions()
  return {...base, retryBaseMs: 20, lockWaitMs: 5000, onEvent: (e) => events.push(e), ...overrides, run: {...base.run, ...overrides.run}}
}

/** The field report's D1 database: table orders, and a schema orders that already has an outbox with rows. */
const PREEXISTING = `
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric NOT NULL DEFAULT 0);
INSERT INTO public.orders (id) VALUES (1), (2);
CREATE SCHEMA orders;
COMMENT ON SCHEMA orders IS 'made by a person';
CREATE TABLE orders.outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, aggregate_type text NOT NULL, aggregate_id text NOT NULL,
  event_type text NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
COMMENT ON TABLE orders.outbox IS 'the team''s own outbox';
INSERT INTO orders.outbox (aggregate_type, aggregate_id, event_type, payload)
  SELECT 'order', g::text, 'order.created', '{}' FROM generate_series(1, 3) g;
CREATE SCHEMA billing;  -- empty, made by a person: a context's schema that must never be dropped
`

async function theirOutbox(conn: Connection): Promise<{rows: number; comment: string | null; triggers: number}> {
  const [row] = await conn.query<{rows: string; comment: string | null}>(`SELECT count(*)::text AS rows, obj_description('orders.outbox'::regclass, 'pg_class') AS comment FROM orders.outbox`)
  const [trg] = await conn.query<{n: string}>(`SELECT count(*)::text AS n FROM pg_trigger WHERE NOT tgisinternal AND tgfoid IN (SELECT oid FROM pg_proc WHERE prosrc LIKE '%orders"."outbox"%')`)
  return {rows: Number(row!.rows), comment: row!.comment, triggers: Number(trg!.n)}
}

async function schemas(conn: Connection): Promise<string[]> {
  const rows = await conn.query<{nspname: string; comment: string | null}>(`SELECT nspname, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname IN ('orders', 'billing') ORDER BY 1`)
  return rows.map((r) => `${r.nspname}:${r.comment ?? ''}`)
}

async function preexistingRoundTrip(conn: Connection): Promise<void> {
  await conn.exec(PREEXISTING)
  const catalog = await inspect(conn)
  const boundaries = boundariesSchema.parse({
    version: 1,
    contexts: [
      {name: 'orders', owner: 'orders-service', tables: ['orders']},
      {name: 'billing', owner: 'billing-service', tables: []},
    ],
  })
  const plan = generatePlan(catalog, boundaries, null, {name: 'preexisting', conventions: {outboxDelivery: 'trigger'}})
  // The taken name is never adopted: another name, and the plan says why.
  expect(plan.notes.join('\n')).toMatch(/outbox of context orders is orders\.carve_outbox: orders\.outbox already exists and was not created by this plan/)
  expect(plan.notes.join('\n')).toMatch(/schema orders existed before this plan/)
  const dir = mkdtempSync(join(tmpdir(), 'carve-safety-'))
  dirs.push(dir)
  writePlan(dir, plan)
  const loaded = loadPlan(dir)
  const up = loaded.steps.map((s) => s.files.up ?? '').join('\n')
  expect(up).not.toMatch(/CREATE SCHEMA (IF NOT EXISTS )?"orders"/)
  expect(up).not.toContain('"orders"."outbox"')

  const before = {outbox: await theirOutbox(conn), schemas: await schemas(conn)}
  expect(before.outbox).toEqual({rows: 3, comment: "the team's own outbox", triggers: 0})

  await applyPlan(conn, loaded, options())
  // Applied: the table moved into the existing schema, events go to Carve's own outbox.
  await conn.exec('UPDATE public.orders SET total = total + 1 WHERE id = 1')
  const [events] = await conn.query<{n: string}>('SELECT count(*)::text AS n FROM orders.carve_outbox')
  expect(Number(events!.n)).toBeGreaterThan(0)
  expect(await theirOutbox(conn)).toEqual(before.outbox)

  await rollbackPlan(conn, loaded, {...options(), all: true})
  expect(await theirOutbox(conn)).toEqual(before.outbox)
  expect(await schemas(conn)).toEqual(before.schemas)
  const [gone] = await conn.query<{t: string | null; o: string | null}>(`SELECT to_regclass('orders.carve_outbox')::text AS t, to_regclass('public.orders')::text AS o`)
  expect(gone).toEqual({t: null, o: 'orders'})
}

describe('never touch what Carve did not create (D1)', () => {
  it('PGlite: a pre-existing schema keeps its own outbox, with its rows, and an empty schema stays', async () => {
    const conn = await openPglite(null)
    try {
      await preexistingRoundTrip(conn)
    } finally {
      await conn.close()
    }
  }, 120_000)

  it.runIf(PG_URL)('PostgreSQL 15: the same', async () => {
    const db = await createPgDatabase('safety_d1')
    const conn = await openTarget({kind: 'postgres', url: db.url})
    try {
      await preexistingRoundTrip(conn)
    } finally {
      await conn.close()
      await db.drop()
    }
  }, 120_000)

  it('an outbox that appears between plan and apply fails the step cleanly instead of being adopted', async () => {
    const conn = await openPglite(null)
    try {
      await conn.exec('CREATE TABLE public.items (id int PRIMARY KEY); INSERT INTO public.items VALUES (1);')
      const boundaries = boundariesSchema.parse({version: 1, contexts: [{name: 'stock', owner: 'stock-service', tables: ['items']}]})
      const plan = generatePlan(await inspect(conn), boundaries, null, {name: 'late', conventions: {outboxDelivery: 'trigger'}})
      const dir = mkdtempSync(join(tmpdir(), 'carve-safety-'))
      dirs.push(dir)
      writePlan(dir, plan)
      await conn.exec(`CREATE SCHEMA stock; CREATE TABLE stock.outbox (id int); INSERT INTO stock.outbox VALUES (7);`)
      await expect(applyPlan(conn, loadPlan(dir), options())).rejects.toThrow(/schema "stock" already exists/)
      const [row] = await conn.query<{n: string}>('SELECT count(*)::text AS n FROM stock.outbox')
      expect(row!.n).toBe('1')
    } finally {
      await conn.close()
    }
  }, 120_000)
})

const pgDescribe = PG_URL ? describe : describe.skip
if (!PG_URL) announceSkip('PostgreSQL')

pgDescribe('lock discipline under concurrent sessions (PostgreSQL 15: D3, D7)', () => {
  it('a move step never holds one table while it waits long for another (each later lock waits at most FOLLOWING_LOCK_WAIT); readers of the first get it back', async () => {
    const db = await createPgDatabase('safety_locks')
    const rolePrefix = `sl${db.name.slice(-6)}_`
    const conn = await openTarget({kind: 'postgres', url: db.url})
    const blocker = await openTarget({kind: 'postgres', url: db.url})
    const watcher = await openTarget({kind: 'postgres', url: db.url})
    try {
      await conn.exec(`CREATE TABLE public.album (id int PRIMARY KEY); CREATE TABLE public.track (id int PRIMARY KEY, album int REFERENCES public.album);
        INSERT INTO public.album VALUES (1); INSERT INTO public.track VALUES (1, 1);`)
      const boundaries = boundariesSchema.parse({version: 1, contexts: [{name: 'music', owner: 'music-service', tables: ['album', 'track']}]})
      // Roles are cluster-wide and this test never rolls back: a prefix of its own, dropped at the end.
      const plan = generatePlan(await inspect(conn), boundaries, null, {name: 'locks', targetLevel: 2, conventions: {rolePrefix: rolePrefix}})
      const dir = mkdtempSync(join(tmpdir(), 'carve-safety-'))
      dirs.push(dir)
      writePlan(dir, plan)
      const loaded = loadPlan(dir)
      const [pid] = await conn.query<{pid: number}>('SELECT pg_backend_pid() AS pid')
      // A long reader on track (the second table in lock order) while the move runs.
      await blocker.exec('BEGIN; SELECT count(*) FROM public.track;')
      const events: ExecEvent[] = []
      const run = applyPlan(conn, loaded, options(events, {run: {...defaultExecuteOptions().run, lockTimeoutMs: 200, lockRetries: 30}}))
      let violations = 0
      let samples = 0
      let albumFree = 0
      const done = run.then(() => 'ok', (e: Error) => e.message)
      while (events.filter((e) => e.type === 'retry').length < 3) {
        if ((await Promise.race([done, new Promise((r) => setTimeout(() => r(null), 5))])) !== null) break
        // How long a lock has been awaited, by the server's clock (pg_locks.waitstart), so a busy
        // test machine cannot stretch it: the bound is FOLLOWING_LOCK_WAIT, 5× that is a violation.
        const locks = await watcher.query<{granted: boolean; relation: string | null; waited_ms: number | null}>(
          `SELECT granted, relation::regclass::text AS relation, (extract(epoch FROM clock_timestamp() - waitstart) * 1000)::int AS waited_ms
             FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND relation::regclass::text ~ '(album|track)$'`,
          [pid!.pid],
        )
        samples++
        if (locks.some((l) => !l.granted && (l.waited_ms ?? 0) > 5 * parseInt(FOLLOWING_LOCK_WAIT, 10)) && locks.some((l) => l.granted)) violations++
        // A reader of album gets it without waiting while the step backs off.
        let free = true
        try {
          await watcher.exec('BEGIN; LOCK TABLE public.album IN ACCESS SHARE MODE NOWAIT;')
        } catch {
          free = false
        }
        await watcher.exec('ROLLBACK').catch(() => {})
        if (free) albumFree++
      }
      await blocker.exec('COMMIT')
      expect(await done).toBe('ok')
      expect(samples).toBeGreaterThan(0)
      expect(violations).toBe(0)
      expect(albumFree).toBeGreaterThan(0)
      const retries = events.filter((e) => e.type === 'retry')
      expect(retries.length).toBeGreaterThanOrEqual(1)
      const result = await run
      const move = result.applied.find((a) => a.id.includes('move-to-schema'))!
      expect(move.retries).toBeGreaterThanOrEqual(1)
      expect(move.waitedMs).toBeGreaterThan(0)
      expect(result.retries).toBeGreaterThanOrEqual(move.retries)
    } finally {
      await blocker.exec('ROLLBACK').catch(() => {})
      await Promise.all([conn.close(), blocker.close(), watcher.close()])
      await db.drop()
      await dropRolesWithPrefix(PG_URL!, rolePrefix)
    }
  }, 120_000)

  it('a deadlock (40P01) is retried like a lock timeout, and counted', async () => {
    const db = await createPgDatabase('safety_deadlock')
    const conn = await openTarget({kind: 'postgres', url: db.url})
    const other = await openTarget({kind: 'postgres', url: db.url})
    try {
      await conn.exec('CREATE TABLE public.a (id int); CREATE TABLE public.b (id int);')
      // A hand-written step that locks a, then waits for b, which the other session holds; the
      // other session then asks for a. The step's deadlock check (after deadlock_timeout) finds
      // the cycle and it is the victim: 40P01, rolled back, retried.
      const dir = writeFixturePlan([
        {id: '001-lock-both', kind: 'move-to-schema', up: 'LOCK TABLE public.a IN ACCESS EXCLUSIVE MODE;\nLOCK TABLE public.b IN ACCESS EXCLUSIVE MODE;\nCREATE TABLE public.done (id int);', down: 'DROP TABLE public.done;', verify: 'SELECT 1 FROM public.done LIMIT 1;'},
      ], {name: 'deadlock'})
      dirs.push(dir)
      // Only the step's session looks for the cycle (the other's deadlock check is a minute away):
      // which backend's check runs first must not depend on how busy the machine is.
      await other.exec("SET deadlock_timeout = '60s'; BEGIN; LOCK TABLE public.b IN ACCESS EXCLUSIVE MODE;")
      const [pid] = await conn.query<{pid: number}>('SELECT pg_backend_pid() AS pid')
      const events: ExecEvent[] = []
      const run = applyPlan(conn, loadPlan(dir), options(events, {run: {...defaultExecuteOptions().run, lockTimeoutMs: 60_000, lockRetries: 3}}))
      const settled = run.then(() => 'step done', (e: Error) => `step failed: ${e.message}`)
      const watcher = await openTarget({kind: 'postgres', url: db.url})
      try {
        for (;;) {
          const [w] = await watcher.query<{n: string}>(`SELECT count(*)::text AS n FROM pg_locks WHERE pid = $1 AND NOT granted AND relation = 'public.b'::regclass`, [pid!.pid])
          if (w!.n === '1') break
          await new Promise((r) => setTimeout(r, 10))
        }
      } finally {
        await watcher.close()
      }
      const mine = await other.exec('LOCK TABLE public.a IN ACCESS EXCLUSIVE MODE;').then(() => 'got a', (e: Error) => e.message)
      expect(mine).toBe('got a')
      await other.exec('COMMIT')
      expect(await settled).toBe('step done')
      const result = await run
      expect(result.applied.map((a) => a.id)).toEqual(['001-lock-both'])
      expect(events.some((e) => e.type === 'retry' && /40P01/.test(e.reason))).toBe(true)
      expect(result.applied[0]!.retries).toBe(1)
      expect(result.retries).toBe(1)
    } finally {
      await Promise.all([conn.close(), other.close()])
      await db.drop()
    }
  }, 120_000)
})

describe('driver warnings are one line of Carve\'s own (D15)', () => {
  it('sslmode=require: no multi-line node-postgres SECURITY WARNING, one line that says what happens', async () => {
    // Port 1 on localhost refuses at once: the warning is about parsing the URL, not the server.
    const r = await runCarve(['inspect', '--db', 'postgres://carve@127.0.0.1:1/nowhere?sslmode=require'], {timeoutMs: 60_000})
    expect(r.code).not.toBe(0)
    expect(r.stderr).not.toMatch(/SECURITY WARNING|\(node:\d+\)|--trace-warnings/)
    const warnings = r.stderr.split('\n').filter((l) => /warning/i.test(l))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^warning: sslmode=require is handled as verify-full/)
    expect(hasStackTrace(r.stderr)).toBe(false)
  }, 60_000)
})

pgDescribe('cluster-wide roles are reference-counted across databases (PostgreSQL 15: D9)', () => {
  it('two databases share the reporting role: it stays until the last plan using it is rolled back', async () => {
    const prefix = `rc${Math.random().toString(36).slice(2, 8)}_`
    const dbs = [await createPgDatabase('safety_roles_a'), await createPgDatabase('safety_roles_b')]
    const conns = await Promise.all(dbs.map((d) => openTarget({kind: 'postgres', url: d.url})))
    const admin = conns[0]!
    const roles = async () => (await admin.query<{rolname: string}>('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1', [prefix])).map((r) => r.rolname)
    try {
      // A role with the prefix that exists before any plan: used, never dropped.
      await admin.exec(`CREATE ROLE "${prefix}shop_service" NOLOGIN`)
      const plans = []
      for (const [i, conn] of conns.entries()) {
        await conn.exec('CREATE TABLE public.items (id int PRIMARY KEY); INSERT INTO public.items VALUES (1);')
        const boundaries = boundariesSchema.parse({version: 1, contexts: [{name: 'stock', owner: i === 0 ? 'shop-service' : 'stock-service', tables: ['items']}]})
        const plan = generatePlan(await inspect(conn), boundaries, null, {name: 'roles', targetLevel: 2, conventions: {rolePrefix: prefix}})
        const dir = mkdtempSync(join(tmpdir(), 'carve-safety-'))
        dirs.push(dir)
        writePlan(dir, plan)
        plans.push(loadPlan(dir))
      }
      await applyPlan(conns[0]!, plans[0]!, options())
      await applyPlan(conns[1]!, plans[1]!, options())
      expect(await roles()).toEqual([`${prefix}reporting`, `${prefix}shop_service`, `${prefix}stock_service`])
      await rollbackPlan(conns[0]!, plans[0]!, {...options(), all: true})
      // b still uses reporting (and its own stock role); shop_service was never Carve's.
      expect(await roles()).toEqual([`${prefix}reporting`, `${prefix}shop_service`, `${prefix}stock_service`])
      await rollbackPlan(conns[1]!, plans[1]!, {...options(), all: true})
      expect(await roles()).toEqual([`${prefix}shop_service`])
      const [comment] = await admin.query<{c: string | null}>(`SELECT shobj_description(oid, 'pg_authid') AS c FROM pg_roles WHERE rolname = $1`, [`${prefix}shop_service`])
      expect(comment!.c).toBeNull()
    } finally {
      await Promise.all(conns.map((c) => c.close()))
      for (const d of dbs) await d.drop()
      const cleanup = await openTarget({kind: 'postgres', url: PG_URL!})
      for (const r of ['reporting', 'shop_service', 'stock_service']) await cleanup.exec(`DROP ROLE IF EXISTS "${prefix}${r}"`).catch(() => {})
      await cleanup.close()
    }
  }, 120_000)
})

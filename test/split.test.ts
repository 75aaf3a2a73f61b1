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

import {boundariesSchema} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {cutOver, isSwitched, PauseAborted, type PauseAttempt, withWritePause} from '../src/execute/cutover.js'
import {advanceSlot, subscriptionOptions, walInsertLsn} from '../src/execute/replication.js'
import {splitCopyRunner} from '../src/steps/split-copy/runner.js'
import {splitCutoverRunner} from '../src/steps/split-cutover/runner.js'
import {splitDecommissionRunner} from '../src/steps/split-decommission/runner.js'
import {splitPrepareRunner} from '../src/steps/split-prepare/runner.js'
import {splitSyncRunner} from '../src/steps/split-sync/runner.js'
import {DEFAULT_RUN_OPTIONS, type RunContext, type RunEvent, type RunOptions} from '../src/execute/runner.js'
import {inspect} from '../src/introspect/index.js'
import {resolvePlanInput, type ContextSpec, type PlanInput} from '../src/plan/context.js'
import type {PlanStep} from '../src/plan/model.js'
import {Locator} from '../src/steps/common.js'
import {moveStep} from '../src/steps/move-to-schema/postgres.js'
import {outboxStep} from '../src/steps/outbox/postgres.js'
import {type SplitCopySpec, type SplitSpec, splitSteps} from '../src/steps/split/generate.js'
import type {StepDraft} from '../src/steps/draft.js'
import {clusterUnavailableReason, type PgCluster, startPgCluster} from './support/pg-cluster.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

// ——— a small legacy database: one context, three tables ——————————————————————————————

/**
 * Tests about what a cut-over does (not how fast) give its write pause a generous budget: on a
 * busy machine the default 3 s can run out, the abort path (tested on its own below) takes over,
 * and the tests after it, which start from the cut-over, would fail with it.
 */
const ROOMY: Partial<RunOptions> = {maxPauseMs: 120_000}
// For the same reason every test gets a generous budget: a copy with writers running takes a
// minute or more beside a CPU hog, and a test cut short leaves its state to the next one.
vi.setConfig({testTimeout: 600_000})
const LINES = 'Order "Lines"' // a hostile name: quotes and a space, through every generated statement
const SCHEMA_SQL = `
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ref text NOT NULL UNIQUE,
  customer text NOT NULL,
  status order_status NOT NULL DEFAULT 'new',
  total numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0),
  meta jsonb,
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE "Order ""Lines""" (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no int NOT NULL,
  sku text NOT NULL,
  qty int NOT NULL CHECK (qty > 0),
  price numeric(10,2) NOT NULL,
  attrs jsonb,
  line_total numeric GENERATED ALWAYS AS (qty * price) STORED,
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX lines_sku ON "Order ""Lines""" (sku);
CREATE TABLE order_audit (order_id bigint, at timestamptz NOT NULL DEFAULT now(), what text);
`
const SEED_SQL = (orders: number) => `
INSERT INTO orders (ref, customer, status, total, meta, note)
SELECT 'r' || g, 'c' || (g % 500), (ARRAY['new', 'paid', 'shipped', 'cancelled']::order_status[])[1 + g % 4], g % 1000,
       CASE g % 3 WHEN 0 THEN NULL WHEN 1 THEN jsonb_build_object('k', g, 'tags', jsonb_build_array('a', 'b')) ELSE 'null'::jsonb END,
       CASE WHEN g % 2 = 0 THEN NULL ELSE 'note ' || g END
  FROM generate_series(1, ${orders}) g;
INSERT INTO "Order ""Lines""" (order_id, line_no, sku, qty, price, attrs)
SELECT o.id, l, 'sku' || ((o.id * 7 + l) % 900), l, l * 3.5, CASE WHEN l = 2 THEN NULL ELSE jsonb_build_object('l', l) END
  FROM orders o, generate_series(1, 3) l;
INSERT INTO order_audit (order_id, what) SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'created' END FROM generate_series(1, ${Math.round(orders / 7)}) g;
ANALYZE;
`

// ——— plan steps and a minimal executor ——————————————————————————————————————————————

interface Step {
  step: PlanStep
  files: Record<string, string>
}

function toStep(d: StepDraft, i: number): Step {
  const files: Record<string, string> = {up: d.up, down: d.down, verify: d.verify, readme: d.readme}
  for (const [name, text] of Object.entries(d.extraFiles ?? {})) files[name.replace(/\.[^.]+$/, '')] = text
  return {
    step: {
      id: `${String(i + 10).padStart(3, '0')}-${d.key}`,
      title: d.title,
      context: d.context,
      kind: d.kind,
      level: d.level,
      depends_on: [],
      transactional: d.transactional,
      locks: d.locks,
      irreversible: d.irreversible ?? false,
      files: Object.fromEntries(Object.keys(files).map((k) => [k, `steps/x/${k}`])),
      checksums: {},
      spec: d.spec,
    },
    files,
  }
}

class Harness {
  readonly checkpoints = new Map<string, unknown>()
  readonly events: RunEvent[] = []
  private readonly opened: Connection[] = []

  constructor(
    readonly source: Connection,
    private readonly urlOf: (db: string) => string,
  ) {}

  ctx(s: Step, options: Partial<RunOptions> & {force?: boolean} = {}, signal = new AbortController().signal): RunContext {
    return {
      conn: this.source,
      connectDatabase: async (name) => {
        const c = await openPostgres(this.urlOf(name))
        this.opened.push(c)
        return c
      },
      planDir: '/nonexistent',
      files: s.files,
      loadCheckpoint: async <T>() => (this.checkpoints.get(s.step.id) as T | undefined) ?? null,
      saveCheckpoint: async (state) => void this.checkpoints.set(s.step.id, JSON.parse(JSON.stringify(state))),
      emit: (e) => {
        this.events.push({step: s.step.id, ...e})
        if (process.env.CARVE_TEST_VERBOSE) console.log(`[${s.step.id}] ${e.phase}: ${e.message}`)
      },
      signal,
      options: {...DEFAULT_RUN_OPTIONS, ...options},
    }
  }

  async closeOpened(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((c) => c.close()))
  }
}

/** split-copy: Backfill's runner (keyset batches, checkpoints, parity that explains every difference). */
async function runCopy(h: Harness, s: Step): Promise<number> {
  await splitCopyRunner.apply(h.ctx(s), s.step)
  await splitCopyRunner.verify(h.ctx(s), s.step)
  const checkpoints = (h.checkpoints.get(s.step.id) ?? {}) as Record<string, {rows: number}>
  return Object.values(checkpoints).reduce((n, c) => n + c.rows, 0)
}

// ——— writers: inserts, updates and deletes at a steady rate ————————————————————————

interface WriterStats {
  ok: number
  failed: number
  refused: number
  /** The longest a single write waited (the write pause, seen from the application). */
  longestMs: number
}

/** Writes through the compatibility views and the moved tables until stopped or refused (25006). */
function startWriters(url: string, count: number, options: {schema: string; intervalMs: number; maxId: () => number; views?: boolean}): {stop: () => Promise<WriterStats>; stats: WriterStats} {
  const stats: WriterStats = {ok: 0, failed: 0, refused: 0, longestMs: 0}
  let running = true
  const lines = `"${options.schema}"."Order ""Lines"""`
  const orders = `"${options.schema}"."orders"`
  // Legacy code writes through the compatibility views (only the source has them).
  const legacy = options.views === false ? orders : 'public.orders'
  const one = async (c: pg.Client, n: number) => {
    // Rows 1–100 are left alone: tests tamper with them to see differences found and repaired.
    const id = 101 + Math.floor(Math.random() * (options.maxId() - 100))
    const r = Math.random()
    if (r < 0.35) {
      const {rows} = await c.query<{id: string}>(
        `INSERT INTO ${legacy} (ref, customer, status, total, meta, note) VALUES ($1, $2, 'new', $3, $4, $5) RETURNING id`,
        [`w${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`, `c${n % 50}`, (n % 300) + 0.25, n % 2 ? JSON.stringify({n, nested: {x: [1, null]}}) : null, n % 3 ? null : `writer ${n}`],
      )
      await c.query(`INSERT INTO ${lines} (order_id, line_no, sku, qty, price, attrs) VALUES ($1, 1, 'skuW', 2, 9.99, NULL), ($1, 2, 'skuX', 1, 0.5, '{"a": null}')`, [rows[0]!.id])
    } else if (r < 0.6) {
      await c.query(`UPDATE ${orders} SET status = 'paid', total = total + 1, meta = CASE WHEN meta IS NULL THEN 'null'::jsonb ELSE NULL END, note = $2 WHERE id = $1`, [id, `u${n}`])
    } else if (r < 0.75) {
      await c.query(`UPDATE ${lines} SET qty = qty + 1, attrs = jsonb_build_object('q', qty) WHERE order_id = $1`, [id])
    } else if (r < 0.85) {
      await c.query(`DELETE FROM ${lines} WHERE order_id = $1 AND line_no = 3`, [id])
    } else if (r < 0.93) {
      await c.query(`DELETE FROM ${legacy} WHERE id = $1`, [id])
    } else {
      await c.query(`INSERT INTO "${options.schema}".order_audit (order_id, what) VALUES ($1, $2)`, [id, n % 2 ? null : 'touched'])
    }
  }
  const loops = Array.from({length: count}, async (_, w) => {
    const c = new pg.Client({connectionString: url})
    c.on('error', () => {})
    await c.connect()
    let n = w * 1_000_000
    try {
      while (running) {
        const started = performance.now()
        try {
          await one(c, n++)
          stats.ok++
        } catch (error) {
          if ((error as {code?: string}).code === '25006') {
            stats.refused++
            break
          }
          stats.failed++ // a row deleted by the other writer meanwhile (FK), and the like
        }
        stats.longestMs = Math.max(stats.longestMs, performance.now() - started)
        await new Promise((r) => setTimeout(r, options.intervalMs))
      }
    } finally {
      await c.end().catch(() => {})
    }
  })
  return {
    stats,
    async stop() {
      running = false
      await Promise.all(loops)
      return stats
    },
  }
}

/** Every row of every table of the context, as text, in a stable order — compared across databases. */
async function snapshot(conn: Connection, schema: string, withOutbox = false): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  const tables = ['orders', LINES, 'order_audit', ...(withOutbox ? ['outbox'] : [])]
  for (const t of tables) {
    const rel = `"${schema}"."${t.replace(/"/g, '""')}"`
    const rows = await conn.query<{r: string}>(`SELECT t::text AS r FROM ${rel} t ORDER BY 1`)
    out[t] = rows.map((x) => x.r)
  }
  return out
}

function rowCount(s: Record<string, string[]>): number {
  return Object.values(s).reduce((n, rows) => n + rows.length, 0)
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Run `work` with the WAL writer flushing asynchronous commits only every 10 s instead of every
 * 200 ms. The cluster commits asynchronously (synchronous_commit off), as apply workers always do,
 * so the WAL flush position lags behind the transactions an apply worker has just committed —
 * here for seconds instead of a fraction of one. A slot advanced "to here" inside a write pause
 * must still get there: stopped at the flush position, it would send those transactions back.
 */
async function withLaggingFlush<T>(conn: Connection, work: () => Promise<T>): Promise<T> {
  await conn.exec(`ALTER SYSTEM SET wal_writer_delay = '10s'`)
  await conn.query(`SELECT pg_reload_conf()`)
  try {
    return await work()
  } finally {
    await conn.exec(`ALTER SYSTEM RESET wal_writer_delay`)
    await conn.query(`SELECT pg_reload_conf()`)
  }
}

async function buildPlan(conn: Connection, mode: SplitSpec['mode']): Promise<{input: PlanInput; ctx: ContextSpec; steps: Step[]}> {
  const catalog = await inspect(conn)
  const boundaries = boundariesSchema.parse({version: 1, contexts: [{name: 'orders', owner: 'orders-service', tables: ['orders', LINES, 'order_audit']}]})
  const input = resolvePlanInput(catalog, boundaries, null, {name: 'split-test', conventions: {outboxDelivery: 'trigger'}})
  const ctx = input.contexts[0]!
  // Earlier levels, as the plan would have applied them: the owner's role, the move into the schema, the outbox.
  await conn.exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ctx.role}') THEN CREATE ROLE "${ctx.role}" NOLOGIN; END IF; END $$`)
  await conn.exec(moveStep(ctx, input).up)
  await conn.exec(outboxStep(ctx, input, new Locator(input, [ctx]), [])!.up)
  const drafts = splitSteps(ctx, input, 'outbox-orders', {mode})
  return {input, ctx, steps: drafts.map(toStep)}
}

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
    const admin = new pg.Client({connectionString: cluster.url()})
    await admin.connect()
    await admin.query('CREATE DATABASE shop')
    await admin.end()
    source = await openPostgres(cluster.url('shop'))
    await source.exec(SCHEMA_SQL)
    await source.exec(SEED_SQL(ORDERS))
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

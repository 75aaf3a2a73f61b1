/**
 * The physical split's test fixture on real PostgreSQL: a small legacy database (one context,
 * three tables, hostile names), its plan steps, a minimal executor (Harness), writers that keep
 * writing, and row-for-row snapshots. Shared by test/split.test.ts and test/split-races.test.ts.
 */
import pg from 'pg'

import {boundariesSchema} from '../../src/boundaries/file.js'
import type {Connection} from '../../src/db/connection.js'
import {openPostgres} from '../../src/db/postgres.js'
import {splitCopyRunner} from '../../src/steps/split-copy/runner.js'
import {DEFAULT_RUN_OPTIONS, type RunContext, type RunEvent, type RunOptions} from '../../src/execute/runner.js'
import {inspect} from '../../src/introspect/index.js'
import {resolvePlanInput, type ContextSpec, type PlanInput} from '../../src/plan/context.js'
import type {PlanStep} from '../../src/plan/model.js'
import {Locator} from '../../src/steps/common.js'
import {moveStep} from '../../src/steps/move-to-schema/postgres.js'
import {outboxStep} from '../../src/steps/outbox/postgres.js'
import {type SplitSpec, splitSteps} from '../../src/steps/split/generate.js'
import type {StepDraft} from '../../src/steps/draft.js'
import type {PgCluster} from './pg-cluster.js'

// ——— a small legacy database: one context, three tables ——————————————————————————————

/**
 * Tests about what a cut-over does (not how fast) give its write pause a generous budget: on a
 * busy machine the default 3 s can run out, the abort path (tested on its own) takes over,
 * and the tests after it, which start from the cut-over, would fail with it.
 */
/** Database `shop` on a private cluster, with the schema and `orders` orders: where the logical-mode tests start. */
export async function seedShop(cluster: PgCluster, orders: number): Promise<Connection> {
  const admin = new pg.Client({connectionString: cluster.url()})
  await admin.connect()
  await admin.query('CREATE DATABASE shop')
  await admin.end()
  const source = await openPostgres(cluster.url('shop'))
  await source.exec(SCHEMA_SQL)
  await source.exec(SEED_SQL(orders))
  return source
}

export const ROOMY: Partial<RunOptions> = {maxPauseMs: 120_000}
export const LINES = 'Order "Lines"' // a hostile name: quotes and a space, through every generated statement
export const SCHEMA_SQL = `
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
export const SEED_SQL = (orders: number) => `
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

export interface Step {
  step: PlanStep
  files: Record<string, string>
}

export function toStep(d: StepDraft, i: number): Step {
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

export class Harness {
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
export async function runCopy(h: Harness, s: Step): Promise<number> {
  await splitCopyRunner.apply(h.ctx(s), s.step)
  await splitCopyRunner.verify(h.ctx(s), s.step)
  const checkpoints = (h.checkpoints.get(s.step.id) ?? {}) as Record<string, {rows: number}>
  return Object.values(checkpoints).reduce((n, c) => n + c.rows, 0)
}

// ——— writers: inserts, updates and deletes at a steady rate ————————————————————————

export interface WriterStats {
  ok: number
  failed: number
  refused: number
  /** The longest a single write waited (the write pause, seen from the application). */
  longestMs: number
}

/** Writes through the compatibility views and the moved tables until stopped or refused (25006). */
export function startWriters(url: string, count: number, options: {schema: string; intervalMs: number; maxId: () => number; views?: boolean}): {stop: () => Promise<WriterStats>; stats: WriterStats} {
  const stats: WriterStats = {ok: 0, failed: 0, refused: 0, longestMs: 0}
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
  return writerLoops(url, count, options.intervalMs, stats, async (c, w, i) => {
    const started = performance.now()
    try {
      await one(c, w * 1_000_000 + i)
      stats.ok++
    } finally {
      stats.longestMs = Math.max(stats.longestMs, performance.now() - started)
    }
  })
}

/**
 * `count` application sessions, each calling `write(client, writer, i)` with i = 0, 1, … and
 * `intervalMs` between calls, until stopped or refused (25006: the source went read-only); any
 * other failure is counted and the session goes on (a row another writer removed meanwhile).
 */
export function writerLoops<S extends {refused: number; failed: number}>(url: string, count: number, intervalMs: number, stats: S, write: (c: pg.Client, writer: number, i: number) => Promise<void>): {stats: S; stop: () => Promise<S>} {
  let running = true
  const loops = Array.from({length: count}, async (_, w) => {
    const c = new pg.Client({connectionString: url})
    c.on('error', () => {})
    await c.connect()
    try {
      for (let i = 0; running; i++) {
        try {
          await write(c, w, i)
        } catch (error) {
          if ((error as {code?: string}).code === '25006') {
            stats.refused++
            break
          }
          stats.failed++
        }
        await new Promise((r) => setTimeout(r, intervalMs))
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
export async function snapshot(conn: Connection, schema: string, withOutbox = false): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  const tables = ['orders', LINES, 'order_audit', ...(withOutbox ? ['outbox'] : [])]
  for (const t of tables) {
    const rel = `"${schema}"."${t.replace(/"/g, '""')}"`
    const rows = await conn.query<{r: string}>(`SELECT t::text AS r FROM ${rel} t ORDER BY 1`)
    out[t] = rows.map((x) => x.r)
  }
  return out
}

export function rowCount(s: Record<string, string[]>): number {
  return Object.values(s).reduce((n, rows) => n + rows.length, 0)
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
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
export async function withLaggingFlush<T>(conn: Connection, work: () => Promise<T>): Promise<T> {
  await conn.exec(`ALTER SYSTEM SET wal_writer_delay = '10s'`)
  await conn.query(`SELECT pg_reload_conf()`)
  try {
    return await work()
  } finally {
    await conn.exec(`ALTER SYSTEM RESET wal_writer_delay`)
    await conn.query(`SELECT pg_reload_conf()`)
  }
}

export async function buildPlan(conn: Connection, mode: SplitSpec['mode']): Promise<{input: PlanInput; ctx: ContextSpec; steps: Step[]}> {
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

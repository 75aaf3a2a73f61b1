/**
 * The plan stage on real databases: every step's up.sql, verify.sql and down.sql on the example
 * (PGlite and PostgreSQL 15), byte-identical regeneration, hostile names, verify.sql failing when
 * a step's effect is absent, and the committed plans/shop matching what Carve writes today.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {exampleBoundaries} from '../src/boundaries/example-contexts.js'
import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {exampleDir, loadExample} from '../src/db/examples.js'
import {openTarget} from '../src/db/open.js'
import {openPglite} from '../src/db/pglite.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {assess} from '../src/assess/assess.js'
import {gatherAssessmentFacts} from '../src/assess/assess-facts.js'
import {generatePlan} from '../src/plan/generate.js'
import type {GeneratedPlan, PlanStep} from '../src/plan/model.js'
import {loadServiceMap} from '../src/workload/service-map.js'
import {listExampleLogs} from '../src/workload/example-logs.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'
import {hasStackTrace, runCarve} from './support/cli.js'
import {dataOf, snapshot, structureOf} from './support/db-snapshot.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const shop = exampleDir('shop')
let workload: Workload
let boundaries: BoundariesFile

beforeAll(async () => {
  boundaries = exampleBoundaries(shop)!
  workload = await ingest({files: listExampleLogs(shop), serviceMap: loadServiceMap(join(shop, 'logs', 'service-map.yml'))})
}, 120_000)

function file(plan: GeneratedPlan, step: PlanStep, name: string): string {
  const text = plan.files.get(step.files[name]!)
  if (text === undefined) throw new Error(`no ${name} for ${step.id}`)
  return text
}

async function inTransaction(conn: Connection, sql: string[]): Promise<void> {
  await conn.exec('BEGIN')
  try {
    for (const s of sql) await conn.exec(s)
    await conn.exec('COMMIT')
  } catch (error) {
    await conn.exec('ROLLBACK')
    throw error
  }
}

const up = (conn: Connection, plan: GeneratedPlan, s: PlanStep) => inTransaction(conn, [file(plan, s, 'up'), file(plan, s, 'verify')])
const down = (conn: Connection, plan: GeneratedPlan, s: PlanStep) => inTransaction(conn, [file(plan, s, 'down')])

/** Tables a step can touch: its context's, those it locks, and Carve's own. */
function touched(plan: GeneratedPlan, step: PlanStep): Set<string> {
  const names = new Set<string>()
  const ctx = plan.manifest.contexts.find((c) => c.name === step.context)
  for (const t of ctx?.tables ?? []) names.add(t.split('.').pop()!)
  for (const l of step.locks) names.add(l.split('.').pop()!)
  return names
}

describe('plan for the example on PGlite', () => {
  let conn: Connection
  let catalog: Catalog
  let plan: GeneratedPlan

  beforeAll(async () => {
    conn = await openTarget({kind: 'example', name: 'shop'})
    catalog = await inspect(conn)
    plan = generatePlan(catalog, boundaries, workload, {name: 'shop'})
  }, 120_000)
  afterAll(async () => conn?.close())

  it('covers every context from ownership to read models, with dependencies on earlier steps only', () => {
    const kinds = new Set(plan.manifest.steps.map((s) => s.kind))
    for (const k of ['document-ownership', 'move-to-schema', 'service-roles', 'grants', 'replace-foreign-keys', 'outbox', 'read-models']) expect(kinds).toContain(k)
    const contexts = new Set(plan.manifest.steps.map((s) => s.context).filter(Boolean))
    expect(contexts.size).toBe(boundaries.contexts.length)
    const seen = new Set<string>()
    for (const s of plan.manifest.steps) {
      for (const d of s.depends_on) expect(seen.has(d), `${s.id} depends on ${d}`).toBe(true)
      seen.add(s.id)
      expect(s.level.to).toBeGreaterThan(s.level.from)
    }
  })

  it('is deterministic: the same inputs give byte-identical files', () => {
    const again = generatePlan(catalog, boundaries, workload, {name: 'shop'})
    expect([...again.files.keys()]).toEqual([...plan.files.keys()])
    for (const [path, text] of plan.files) expect(again.files.get(path), path).toBe(text)
    expect(JSON.stringify(again.manifest)).toBe(JSON.stringify(plan.manifest))
  })

  it('holds no credentials and quotes identifiers', () => {
    for (const [path, text] of plan.files) {
      // A URL with user:password@, or a password assignment with a value: placeholders are fine.
      expect(text, path).not.toMatch(/:\/\/[^/\s:@]+:[^@\s/]+@|password\s*=\s*'[^']+'/i)
    }
    const move = plan.manifest.steps.find((s) => s.id.endsWith('move-to-schema-orders'))!
    expect(file(plan, move, 'up')).toContain('ALTER TABLE "public"."orders" SET SCHEMA "orders";')
  })

  it('applies every step (up, verify) and rolls all of them back to exactly the same structure and data', async () => {
    const before = await snapshot(conn, 'carve_')
    for (const s of plan.manifest.steps) await up(conn, plan, s)
    // Applied: the tables moved and the old names are views that still answer.
    const [moved] = await conn.query<{n: string}>(`SELECT count(*)::text AS n FROM orders.orders`)
    const [legacy] = await conn.query<{n: string}>(`SELECT count(*)::text AS n FROM public.orders`)
    expect(moved!.n).toBe(legacy!.n)
    expect(Number(moved!.n)).toBeGreaterThan(0)
    // carve assess agrees with what the plan applied: inside this database every context has its
    // level 2-4 evidence (own schema, no cross-context foreign key, outbox, read models for every
    // reader); what keeps it from level 3 is named exactly: the physical split, not in this plan.
    const assessed = assess(await gatherAssessmentFacts(conn, {boundaries}), boundaries, workload, {today: '2026-06-01'})
    for (const c of assessed.contexts) {
      expect(c.checks.filter((k) => k.level >= 2 && k.level <= 4 && !k.ok).map((k) => k.id), c.name).toEqual(['split-recorded', 'tables-gone'])
      expect(c.next, c.name).toMatch(c.level === 2 ? /^level 3: split .* into its own database .* — level 4's evidence is already in place$/ : /the evidence of levels 2 and 4 is already in place$/)
    }
    for (const s of [...plan.manifest.steps].reverse()) await down(conn, plan, s)
    const after = await snapshot(conn, 'carve_')
    expect(after.structure).toBe(before.structure)
    expect(after.data).toEqual(before.data)
  }, 300_000)

  it('verify.sql fails loudly when a step\'s effect is absent', async () => {
    const byKind = (kind: string, context: string | null) => plan.manifest.steps.find((s) => s.kind === kind && s.context === context)!
    const own = byKind('document-ownership', 'orders')
    const move = byKind('move-to-schema', 'orders')
    const roles = byKind('service-roles', null)
    const grants = byKind('grants', 'orders')
    // Nothing applied: every verify fails.
    for (const s of [own, move, grants]) await expect(inTransaction(conn, [file(plan, s, 'verify')]), s.id).rejects.toThrow(/carve verify/)
    for (const s of [own, move, roles, grants]) await up(conn, plan, s)
    try {
      await conn.exec('BEGIN')
      await conn.exec('DROP VIEW public.carts')
      await expect(conn.exec(file(plan, move, 'verify'))).rejects.toThrow(/compatibility view "public"."carts" is missing/)
      await conn.exec('ROLLBACK')
      await conn.exec('BEGIN')
      await conn.exec('GRANT DELETE ON orders.orders TO carve_billing_service')
      await expect(conn.exec(file(plan, grants, 'verify'))).rejects.toThrow(/role carve_\w+ can still write "orders"."orders"/)
      await conn.exec('ROLLBACK')
      await conn.exec('BEGIN')
      await conn.exec('REVOKE DELETE ON orders.orders FROM carve_orders_service')
      await expect(conn.exec(file(plan, grants, 'verify'))).rejects.toThrow(/owner role carve_orders_service cannot write/)
      await conn.exec('ROLLBACK')
    } finally {
      for (const s of [grants, roles, move, own]) await down(conn, plan, s)
    }
  }, 120_000)
})

describe('plan with hostile names (PGlite)', () => {
  let conn: Connection
  const hostile = ['Order Lines; DROP TABLE users', 'select', 'Prix_€', 'a"quote', '$carve$', "it's"]

  beforeAll(async () => {
    conn = await openPglite(null)
    await conn.exec(`
      CREATE TABLE "select" ("id" serial PRIMARY KEY, "class" text, "it's" int);
      CREATE TABLE "Order Lines; DROP TABLE users" ("id" serial PRIMARY KEY, "select_id" int REFERENCES "select"("id") ON DELETE CASCADE, "Prix_€" numeric, "a""quote" text);
      CREATE TABLE "Prix_€" ("code" text PRIMARY KEY, "$carve$" text);
      CREATE TABLE "a""quote" ("id" int PRIMARY KEY, "prix" text REFERENCES "Prix_€"("code"));
      CREATE TABLE "$carve$" ("k" int PRIMARY KEY);
      CREATE TABLE "it's" ("k" int PRIMARY KEY, "v" jsonb);
      INSERT INTO "select" ("class", "it's") SELECT 'c' || g, g FROM generate_series(1, 20) g;
      INSERT INTO "Order Lines; DROP TABLE users" ("select_id", "Prix_€", "a""quote") SELECT 1 + g % 20, g * 1.5, 'q' FROM generate_series(1, 50) g;
      INSERT INTO "Prix_€" VALUES ('EUR', 'x'), ('USD', NULL);
      INSERT INTO "a""quote" VALUES (1, 'EUR'), (2, 'USD');
      INSERT INTO "$carve$" VALUES (1), (2);
      INSERT INTO "it's" VALUES (1, '{"a": 1}');
    `)
  }, 60_000)
  afterAll(async () => conn?.close())

  it('plans, applies, verifies and rolls back tables named like SQL injections, keywords and unicode', async () => {
    const catalog = await inspect(conn)
    expect(catalog.tables.map((t) => t.name).sort()).toEqual([...hostile].sort())
    const file_: BoundariesFile = {
      version: 1,
      contexts: [
        {name: 'sales', owner: "sales 'service'", description: 'Lines; and "orders"\nsecond line', tables: ['select', 'Order Lines; DROP TABLE users', "it's"]},
        {name: 'money-x', owner: 'money', description: '', tables: ['Prix_€', 'a"quote', '$carve$']},
      ],
      pins: {},
      classifications: {},
      exceptions: [],
    }
    const plan = generatePlan(catalog, file_, null, {name: 'hostile', conventions: {rolePrefix: 'hx_'}})
    const before = await snapshot(conn, 'hx_')
    for (const s of plan.manifest.steps) await up(conn, plan, s)
    // The tables are where the plan says, under their exact names, with their rows.
    const [row] = await conn.query<{n: string}>(`SELECT count(*)::text AS n FROM "sales"."Order Lines; DROP TABLE users"`)
    expect(row!.n).toBe('50')
    const [viaView] = await conn.query<{n: string}>(`SELECT count(*)::text AS n FROM public."Order Lines; DROP TABLE users"`)
    expect(viaView!.n).toBe('50')
    await conn.exec(`INSERT INTO public."select" ("class") VALUES ('through the view')`)
    const [inserted] = await conn.query<{n: string}>(`SELECT count(*)::text AS n FROM "sales"."select" WHERE "class" = 'through the view'`)
    expect(inserted!.n).toBe('1')
    await conn.exec(`DELETE FROM public."select" WHERE "class" = 'through the view'`)
    for (const s of [...plan.manifest.steps].reverse()) await down(conn, plan, s)
    const after = await snapshot(conn, 'hx_')
    expect(after.structure).toBe(before.structure)
    expect(after.data).toEqual(before.data)
    // Free text never escapes a comment or a literal.
    for (const [path, text] of plan.files) if (path.endsWith('.sql')) expect(text, path).not.toMatch(/^second line/m)
  }, 120_000)
})

describe.runIf(PG_URL)('plan for the example on PostgreSQL 15: every step alone', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>
  let conn: Connection
  let plan: GeneratedPlan
  const prefix = `cp${process.pid % 10000}_`

  beforeAll(async () => {
    db = await createPgDatabase('plan')
    conn = await openTarget({kind: 'postgres', url: db.url})
    await loadExample(conn, 'shop')
    plan = generatePlan(await inspect(conn), boundaries, workload, {name: 'shop', conventions: {rolePrefix: prefix}})
  }, 180_000)
  afterAll(async () => {
    await conn?.close()
    await db?.drop()
  })

  it('up.sql, verify.sql then down.sql of each step leaves structure and data exactly as before', async () => {
    const start = await dataOf(conn)
    let checked = 0
    for (const s of plan.manifest.steps) {
      const only = touched(plan, s)
      const before = {structure: await structureOf(conn, prefix), data: await dataOf(conn, only)}
      await up(conn, plan, s)
      await down(conn, plan, s)
      const after = {structure: await structureOf(conn, prefix), data: await dataOf(conn, only)}
      expect(after.structure, `${s.id}: structure after down`).toBe(before.structure)
      expect(after.data, `${s.id}: data after down`).toEqual(before.data)
      // Then apply it for real, so the next step starts where the plan says it does.
      await up(conn, plan, s)
      checked++
    }
    expect(checked).toBe(plan.manifest.steps.length)
    for (const s of [...plan.manifest.steps].reverse()) await down(conn, plan, s)
    expect(await dataOf(conn)).toEqual(start)
  }, 600_000)
})
if (!PG_URL) announceSkip('PostgreSQL')

describe('carve plan (CLI)', () => {
  it('the committed plans/shop is what carve plan writes today (no drift)', async () => {
    const r = await runCarve(['plan', '--example', 'shop', '--out', 'plans/shop', '--check'], {timeoutMs: 180_000})
    expect(r.stdout + r.stderr, 'regenerate with: carve plan --example shop --out plans/shop').toMatch(/is up to date/)
    expect(r.code).toBe(0)
  }, 200_000)

  it('writes a plan folder, detects drift, and rehashes a reviewed edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carve-plan-'))
    try {
      const out = join(dir, 'p')
      const w = await runCarve(['plan', '--example', 'shop', '--out', out, '--context', 'orders', '--context', 'billing', '--target-level', '2', '--json'], {timeoutMs: 180_000})
      expect(w.code, w.stderr).toBe(0)
      const result = JSON.parse(w.stdout) as {steps: {id: string; kind: string}[]}
      expect(result.steps.map((s) => s.kind)).toEqual(['document-ownership', 'document-ownership', 'move-to-schema', 'move-to-schema', 'service-roles', 'grants', 'grants'])
      const step = result.steps[2]!.id
      // A context's steps sit in its folder: the first move is orders'.
      expect(step).toMatch(/-move-to-schema-orders$/)
      const upFile = `contexts/orders/steps/${step}/up.sql`
      const upPath = join(out, upFile)
      writeFileSync(upPath, readFileSync(upPath, 'utf8') + '-- reviewed\n')
      const check = await runCarve(['plan', '--example', 'shop', '--out', out, '--context', 'orders', '--context', 'billing', '--target-level', '2', '--check'], {timeoutMs: 180_000})
      expect(check.code).toBe(1)
      expect(check.stdout).toContain(`changed  ${upFile}`)
      const rehash = await runCarve(['plan', '--rehash', out])
      expect(rehash.code).toBe(0)
      expect(rehash.stdout).toContain(upFile)
      expect(readFileSync(join(out, 'plan.yml'), 'utf8')).toMatch(/sha256|[0-9a-f]{64}/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }, 400_000)

  it('refuses bad input with a clear message and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carve-plan-'))
    try {
      writeFileSync(join(dir, 'notes.txt'), 'mine')
      const cases: [string[], RegExp][] = [
        [['plan', '--example', 'shop'], /missing --out/],
        [['plan', '--example', 'shop', '--out', join(dir, 'x'), '--context', 'nope'], /unknown context: nope/],
        [['plan', '--example', 'shop', '--out', dir], /not empty and holds no plan.yml/],
        [['plan', '--example', 'shop', '--out', join(dir, 'y'), '--file', join(dir, 'notes.txt')], /notes.txt/],
        [['plan', '--rehash', join(dir, 'missing')], /plan.yml does not exist/],
      ]
      for (const [args, message] of cases) {
        const r = await runCarve(args, {timeoutMs: 120_000})
        expect(r.stderr, args.join(' ')).toMatch(message)
        expect(r.code, args.join(' ')).toBe(2)
        expect(hasStackTrace(r.stderr)).toBe(false)
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }, 400_000)
})

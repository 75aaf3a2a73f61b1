/**
 * Small plans written by tests: plan.yml plus steps/<id>/{up,down,verify}.sql with correct
 * sha256 checksums, the way `carve plan` writes them, so the executor can be tested without the
 * plan generator.
 */
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse, stringify} from 'yaml'

import type {StepKind} from '../../src/plan/model.js'

export interface FixtureStep {
  id: string
  title?: string
  kind?: StepKind
  up: string
  down?: string
  verify?: string
  dependsOn?: string[]
  transactional?: boolean
  irreversible?: boolean
  locks?: string[]
  extra?: Record<string, string>
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

export function tempDir(prefix = 'carve-plan-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Write a plan folder; returns its path. */
export function writePlan(steps: FixtureStep[], options: {dir?: string; name?: string; engine?: 'postgres' | 'mysql'} = {}): string {
  const dir = options.dir ?? tempDir()
  const manifestSteps = steps.map((s) => {
    const files: Record<string, string> = {}
    const checksums: Record<string, string> = {}
    const put = (key: string, file: string, text: string) => {
      const rel = `steps/${s.id}/${file}`
      mkdirSync(join(dir, 'steps', s.id), {recursive: true})
      writeFileSync(join(dir, rel), text)
      files[key] = rel
      checksums[key] = sha(text)
    }
    put('up', 'up.sql', s.up)
    if (s.down !== undefined) put('down', 'down.sql', s.down)
    if (s.verify !== undefined) put('verify', 'verify.sql', s.verify)
    put('readme', 'README.md', `# ${s.title ?? s.id}\n`)
    for (const [name, text] of Object.entries(s.extra ?? {})) put(name, name, text)
    return {
      id: s.id,
      title: s.title ?? s.id,
      context: null,
      kind: s.kind ?? 'move-to-schema',
      level: {from: 1, to: 2},
      depends_on: s.dependsOn ?? [],
      transactional: s.transactional ?? true,
      locks: s.locks ?? [],
      irreversible: s.irreversible ?? false,
      files,
      checksums,
    }
  })
  const manifest = {
    format: 'carve.plan/v1',
    name: options.name ?? 'test-plan',
    engine: options.engine ?? 'postgres',
    generated_by: 'test fixture',
    inputs: {catalog: 'catalog.json', boundaries: 'carve.yml', workload: null},
    target_level: 2,
    conventions: {role_prefix: 'carve_', meta_schema: 'carve', outbox_table: 'outbox', reporting_service: 'reporting'},
    contexts: [],
    steps: manifestSteps,
  }
  writeFileSync(join(dir, 'plan.yml'), stringify(manifest))
  return dir
}

/** What `carve plan --rehash` will do: record the current files' checksums in plan.yml. */
export function rehash(dir: string): void {
  const manifest = parse(readFileSync(join(dir, 'plan.yml'), 'utf8'))
  for (const step of manifest.steps) {
    for (const [key, rel] of Object.entries(step.files as Record<string, string>)) step.checksums[key] = sha(readFileSync(join(dir, rel), 'utf8'))
  }
  writeFileSync(join(dir, 'plan.yml'), stringify(manifest))
}

/** A small legacy database the basic plan works on (PostgreSQL). */
export const SEED_SQL = `
CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES public.customers (id), total numeric(10,2));
CREATE INDEX orders_customer ON public.orders (customer_id);
INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;
INSERT INTO public.orders SELECT g, 1 + g % 50, (g * 7 % 1000) / 10.0 FROM generate_series(1, 500) g;
`

/**
 * Three steps in the shape of a real plan: a schema, orders moved into it behind a
 * compatibility view, a new column filled with data; each with down and verify.
 */
export function basicSteps(): FixtureStep[] {
  return [
    {
      id: '001-create-schema',
      title: 'Create schema sales',
      kind: 'move-to-schema',
      up: 'CREATE SCHEMA sales;\n',
      down: 'DROP SCHEMA sales;\n',
      verify: "SELECT 'sales'::regnamespace;\n",
    },
    {
      id: '002-move-orders',
      title: 'Move orders into sales',
      dependsOn: ['001-create-schema'],
      up: '-- orders moves; the old name stays as a view\nALTER TABLE public.orders SET SCHEMA sales;\nCREATE VIEW public.orders AS SELECT * FROM sales.orders;\n',
      down: 'DROP VIEW public.orders;\nALTER TABLE sales.orders SET SCHEMA public;\n',
      verify: "SELECT 1 / (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'sales' AND tablename = 'orders');\nSELECT * FROM public.orders LIMIT 0;\n",
      locks: ['public.orders'],
    },
    {
      id: '003-order-status',
      title: 'Order status',
      dependsOn: ['002-move-orders'],
      up: "ALTER TABLE sales.orders ADD COLUMN status text NOT NULL DEFAULT 'open';\nUPDATE sales.orders SET status = 'shipped' WHERE id % 2 = 0;\n",
      down: 'ALTER TABLE sales.orders DROP COLUMN status;\n',
      verify: "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM sales.orders WHERE status = 'shipped') THEN RAISE EXCEPTION 'no shipped orders'; END IF; END $$;\n",
      locks: ['sales.orders'],
    },
  ]
}

/** A step that fails on its second line, after its first statement did something. */
export function failingStep(id = '004-broken'): FixtureStep {
  return {
    id,
    title: 'Broken step',
    up: 'ALTER TABLE sales.orders ADD COLUMN note text;\nSELECT * FROM sales.no_such_table;\n',
    down: 'ALTER TABLE sales.orders DROP COLUMN IF EXISTS note;\n',
    verify: 'SELECT note FROM sales.orders LIMIT 0;\n',
  }
}

/**
 * The database as the executor must leave it after a full rollback: the catalog (without the
 * ledger's schema and without sizes and row estimates, which dead tuples change) and an md5 of
 * every table's rows.
 */
export async function snapshot(conn: import('../../src/db/connection.js').Connection): Promise<{catalog: unknown; data: Record<string, string>}> {
  const {inspect} = await import('../../src/introspect/index.js')
  const catalog = await inspect(conn)
  const keep = <T extends {schema: string}>(items: T[]) => items.filter((x) => x.schema !== 'carve')
  const tables = keep(catalog.tables).map((t) => ({...t, sizeBytes: null, estimatedRows: null}))
  const data: Record<string, string> = {}
  for (const t of tables) {
    const q = conn.engine === 'postgres' ? `"${t.schema}"."${t.name}"` : `\`${t.schema}\`.\`${t.name}\``
    const cols = t.columns.map((c) => `\`${c.name}\``).join(', ')
    const sql =
      conn.engine === 'postgres'
        ? `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h, count(*)::int AS n FROM ${q} x`
        : `SELECT MD5(COALESCE(GROUP_CONCAT(CONCAT_WS(',', ${cols}) ORDER BY CONCAT_WS(',', ${cols}) SEPARATOR '|'), '')) AS h, COUNT(*) AS n FROM ${q}`
    const [row] = await conn.query<{h?: string; n: number}>(sql)
    data[`${t.schema}.${t.name}`] = `${row?.n}:${row?.h ?? ''}`
  }
  return {
    catalog: {...catalog, stats: null, schemas: catalog.schemas.filter((s) => s !== 'carve'), tables, views: keep(catalog.views), functions: keep(catalog.functions), sequences: keep(catalog.sequences), enums: keep(catalog.enums)},
    data,
  }
}

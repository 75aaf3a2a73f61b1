/**
 * `--compat search-path` on a real PostgreSQL server: after the move, a new session of the legacy
 * login resolves the old unqualified names to the tables themselves (no view in the statement), a
 * session opened before keeps working through the views, rollback gives the database back its
 * exact previous setting (none, or one of its own), a role with its own setting keeps it, a name
 * that would resolve elsewhere keeps the schema out of the path, and no role can do more through
 * the tables than it could through the views.
 */
import {randomBytes} from 'node:crypto'
import {rmSync} from 'node:fs'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {applyPlan, defaultExecuteOptions, rollbackPlan} from '../src/execute/executor.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {inspect} from '../src/introspect/index.js'
import {generatePlan} from '../src/plan/generate.js'
import {writePlan} from '../src/plan/write.js'
import {tempDir} from './support/plan-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const suite = PG_URL ? describe : describe.skip
if (!PG_URL) announceSkip('PostgreSQL')

const prefix = `carve_hc${randomBytes(2).toString('hex')}_`
const app = `${prefix}app`
const other = `${prefix}other`

const boundaries: BoundariesFile = {
  version: 1,
  contexts: [
    {name: 'sales', owner: 'sales-service', description: '', tables: ['customers', 'orders']},
    {name: 'money', owner: 'money-service', description: '', tables: ['payments']},
  ],
  pins: {},
  classifications: {},
  exceptions: [],
}

suite('--compat search-path (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>
  let conn: Connection
  const dirs: string[] = []

  const loginUrl = (role: string) => {
    const u = new URL(db.url)
    u.username = role
    u.password = ''
    return u.toString()
  }
  const session = async (role: string) => {
    const c = new pg.Client({connectionString: loginUrl(role)})
    await c.connect()
    return c
  }
  const settings = async () =>
    (
      await conn.query<{role: string | null; config: string}>(
        `SELECT NULLIF(s.setrole, 0)::regrole::text AS role, s.setconfig::text AS config FROM pg_db_role_setting s
         WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1 NULLS FIRST`,
      )
    ).map((r) => `${r.role ?? '(database)'} ${r.config}`)
  /** Relations the session holds a lock on inside an open transaction: a view in a statement is locked as it is expanded. */
  const lockedIn = async (c: pg.Client, statement: string) => {
    await c.query('BEGIN')
    try {
      await c.query(statement)
      const {rows} = await c.query<{rel: string}>(`SELECT n.nspname || '.' || c.relname AS rel FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'v') AND c.relnamespace <> 'pg_catalog'::regnamespace ORDER BY 1`)
      return rows.map((r) => r.rel)
    } finally {
      await c.query('ROLLBACK')
    }
  }
  const planFor = async (name: string) => {
    const plan = generatePlan(await inspect(conn), boundaries, null, {name, targetLevel: 2, conventions: {rolePrefix: prefix, compat: 'search-path'}})
    const dir = tempDir('carve-compat-')
    dirs.push(dir)
    writePlan(dir, plan, {force: true})
    return {plan, loaded: loadPlan(dir)}
  }

  beforeAll(async () => {
    db = await createPgDatabase('compat')
    conn = await openTarget({kind: 'postgres', url: db.url})
    await conn.exec(`CREATE ROLE "${app}" LOGIN; CREATE ROLE "${other}" LOGIN; ALTER DATABASE "${db.name}" OWNER TO "${app}"`)
    const c = await session(app)
    try {
      await c.query(`CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, total numeric NOT NULL);
        CREATE TABLE payments (id serial PRIMARY KEY, order_id int NOT NULL REFERENCES orders, amount numeric NOT NULL);
        INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace');
        INSERT INTO orders (customer_id, total) VALUES (1, 10), (2, 20);
        INSERT INTO payments (order_id, amount) VALUES (1, 10);`)
    } finally {
      await c.end()
    }
  }, 120_000)

  afterAll(async () => {
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
    await conn?.close()
    if (db) await db.drop()
    const admin = new pg.Client({connectionString: PG_URL})
    await admin.connect()
    try {
      const {rows} = await admin.query<{r: string}>('SELECT rolname AS r FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1 DESC', [prefix])
      for (const r of rows) await admin.query(`DROP ROLE IF EXISTS "${r.r}"`).catch(() => {})
    } finally {
      await admin.end()
    }
  })

  it('records the option in plan.yml and writes the path change into the move steps only', async () => {
    const {plan} = await planFor('recorded')
    expect(plan.manifest.conventions.compat).toBe('search-path')
    const ups = plan.manifest.steps.map((s) => [s.kind, plan.files.get(s.files.up!) ?? ''] as const)
    for (const [kind, up] of ups) expect(/ALTER DATABASE %I SET search_path/.test(up), kind).toBe(kind === 'move-to-schema')
    const views = generatePlan(await inspect(conn), boundaries, null, {name: 'views', targetLevel: 2, conventions: {rolePrefix: prefix}})
    expect(views.manifest.conventions.compat).toBeUndefined()
    for (const s of views.manifest.steps) expect(views.files.get(s.files.up!) ?? '').not.toMatch(/search_path/)
  })

  it('new sessions reach the tables with no view; a session opened before keeps the views; rollback leaves no setting', async () => {
    const before = await settings()
    expect(before).toEqual([])
    const {loaded} = await planFor('fresh')
    const early = await session(app)
    let applied = false
    try {
      await applyPlan(conn, loaded, defaultExecuteOptions())
      applied = true
      expect(await settings()).toEqual(['(database) {"search_path=\\"$user\\", sales, money, public"}'])

      const late = await session(app)
      try {
        expect((await late.query('SHOW search_path')).rows[0].search_path).toBe('"$user", sales, money, public')
        expect(await lockedIn(late, 'SELECT * FROM orders WHERE id = 1')).toEqual(['sales.orders'])
        expect(await lockedIn(late, "INSERT INTO customers VALUES (3, 'Edsger')")).toEqual(['sales.customers'])
        expect(await lockedIn(late, 'UPDATE payments SET amount = amount + 1 WHERE id = 1')).toEqual(['money.payments'])
        const plan = (await late.query<{'QUERY PLAN': string}>('EXPLAIN (VERBOSE, COSTS OFF) UPDATE orders SET total = total + 1 WHERE id = 1')).rows.map((r) => r['QUERY PLAN']).join('\n')
        expect(plan).toMatch(/Update on sales\.orders/)
        // Schema-qualified legacy names still go through the views.
        expect(await lockedIn(late, 'SELECT * FROM public.orders WHERE id = 1')).toEqual(['public.orders', 'sales.orders'])
        // The price of the option: unqualified DDL now targets the first schema of the path, where the legacy login may not create.
        await expect(late.query('CREATE TABLE new_thing (id int)')).rejects.toThrow(/permission denied for schema sales/)
        // Writes through either path land in the same table.
        await late.query("INSERT INTO customers VALUES (4, 'Barbara')")
        expect((await late.query('SELECT name FROM public.customers WHERE id = 4')).rows).toEqual([{name: 'Barbara'}])
      } finally {
        await late.end()
      }

      // Opened before the move: its path is the one it started with, so the views serve it.
      expect((await early.query('SHOW search_path')).rows[0].search_path).toBe('"$user", public')
      expect(await lockedIn(early, 'SELECT * FROM orders WHERE id = 2')).toEqual(['public.orders', 'sales.orders'])
      await early.query("INSERT INTO customers VALUES (5, 'Tony')")
      expect((await early.query('SELECT count(*)::int AS n FROM orders')).rows).toEqual([{n: 2}])

      await rollbackPlan(conn, loaded, {...defaultExecuteOptions(), all: true})
      applied = false
      expect(await settings()).toEqual(before)
      expect((await conn.query<{n: number}>(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('sales', 'money')`))[0]!.n).toBe(0)
      // A session opened while the path named the context schemas keeps working after the rollback.
      expect((await early.query('SELECT name FROM customers WHERE id = 4')).rows).toEqual([{name: 'Barbara'}])
    } finally {
      await early.end()
      if (applied) await rollbackPlan(conn, loaded, {...defaultExecuteOptions(), all: true})
    }
  }, 120_000)

  it('rollback restores an existing database setting exactly, and never touches a role\'s own setting (that role keeps the views)', async () => {
    await conn.exec(`ALTER DATABASE "${db.name}" SET search_path = "$user", "Odd, Schema", public, pg_temp;
      ALTER ROLE "${other}" IN DATABASE "${db.name}" SET search_path = public;
      GRANT SELECT ON customers TO "${other}"`)
    const before = await settings()
    expect(before).toHaveLength(2)
    const {loaded} = await planFor('existing')
    try {
      await applyPlan(conn, loaded, defaultExecuteOptions())
      const applied = await settings()
      expect(applied[0]).toBe('(database) {"search_path=\\"$user\\", \\"Odd, Schema\\", sales, money, public, pg_temp"}')
      expect(applied[1]).toBe(before[1])
      const own = await session(other)
      try {
        expect((await own.query('SHOW search_path')).rows[0].search_path).toBe('public')
        expect(await lockedIn(own, 'SELECT * FROM customers')).toEqual(['public.customers', 'sales.customers'])
      } finally {
        await own.end()
      }
      await rollbackPlan(conn, loaded, {...defaultExecuteOptions(), all: true})
      expect(await settings()).toEqual(before)
    } finally {
      await conn.exec(`ALTER DATABASE "${db.name}" RESET search_path; ALTER ROLE "${other}" IN DATABASE "${db.name}" RESET search_path; REVOKE SELECT ON customers FROM "${other}"`)
    }
  }, 120_000)

  it('gives no role more through the tables than through the views, and a foreign login is refused the same way', async () => {
    const {loaded, plan} = await planFor('privileges')
    await applyPlan(conn, loaded, defaultExecuteOptions())
    try {
      const moved = plan.manifest.contexts.flatMap((c) => c.tables.map((t) => ({schema: c.schema, table: t})))
      const roles = (await conn.query<{r: string}>('SELECT rolname AS r FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1', [prefix])).map((r) => r.r)
      expect(roles.length).toBeGreaterThan(3)
      for (const role of roles) {
        for (const m of moved) {
          for (const p of ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) {
            const [row] = await conn.query<{direct: boolean; view: boolean}>(
              `SELECT has_schema_privilege($1::text, $2::text, 'USAGE') AND has_table_privilege($1::text, format('%I.%I', $2::text, $3::text), $4::text) AS direct,
                      has_table_privilege($1::text, format('public.%I', $3::text), $4::text) AS view`,
              [role, m.schema, m.table, p],
            )
            // Direct access (what the search_path leads to) is never more than the view allowed.
            if (row!.direct) expect(row!.view, `${role} ${p} ${m.table}`).toBe(true)
          }
        }
      }
      // The money service's login may read nothing of sales: refused through the path as through the views.
      const moneyRole = plan.manifest.contexts.find((c) => c.name === 'money')!.role
      await conn.exec(`GRANT "${moneyRole}" TO "${other}"`)
      const foreign = await session(other)
      try {
        await expect(foreign.query('SELECT * FROM orders')).rejects.toThrow(/permission denied/)
        await expect(foreign.query('INSERT INTO customers VALUES (9, $1)', ['x'])).rejects.toThrow(/permission denied/)
        expect((await foreign.query('SELECT count(*)::int AS n FROM payments')).rows).toEqual([{n: 1}])
      } finally {
        await foreign.end()
        await conn.exec(`REVOKE "${moneyRole}" FROM "${other}"`)
      }
    } finally {
      await rollbackPlan(conn, loaded, {...defaultExecuteOptions(), all: true})
    }
    expect(await settings()).toEqual([])
  }, 120_000)

  it('keeps a schema out of the path when a name in it would resolve to a different object', async () => {
    // money existed before the plan and holds a function whose name public has too.
    await conn.exec(`CREATE SCHEMA money; CREATE FUNCTION money.fee(numeric) RETURNS numeric LANGUAGE sql AS 'SELECT $1 * 2';
      CREATE FUNCTION public.fee(numeric) RETURNS numeric LANGUAGE sql AS 'SELECT $1'; ALTER FUNCTION public.fee(numeric) OWNER TO "${app}"`)
    const {loaded} = await planFor('clash')
    try {
      await applyPlan(conn, loaded, defaultExecuteOptions())
      expect(await settings()).toEqual(['(database) {"search_path=\\"$user\\", sales, public"}'])
      const late = await session(app)
      try {
        expect((await late.query('SELECT fee(10)::int AS f')).rows).toEqual([{f: 10}])
        expect(await lockedIn(late, 'SELECT * FROM payments')).toEqual(['money.payments', 'public.payments'])
        expect(await lockedIn(late, 'SELECT * FROM orders')).toEqual(['sales.orders'])
      } finally {
        await late.end()
      }
      await rollbackPlan(conn, loaded, {...defaultExecuteOptions(), all: true})
      expect(await settings()).toEqual([])
    } finally {
      await conn.exec('DROP FUNCTION IF EXISTS public.fee(numeric); DROP SCHEMA IF EXISTS money CASCADE')
    }
  }, 120_000)
})

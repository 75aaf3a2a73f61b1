/**
 * The executor on real databases: plan loading refusals, apply / status / verify / rollback
 * round trips that leave the database exactly as it was, failing steps that leave nothing,
 * drift, irreversible steps, --dry-run, lock_timeout retries and the plan lock.
 * PGlite runs everywhere; PostgreSQL and MariaDB when CARVE_TEST_PG_URL / CARVE_TEST_MYSQL_URL are set.
 */
import {appendFileSync, readFileSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {CarveError} from '../src/errors.js'
import {applyPlan, defaultExecuteOptions, dryRunApply, planStatus, rollbackPlan, verifyPlan, type ExecEvent, type ExecuteOptions} from '../src/execute/executor.js'
import {Ledger} from '../src/execute/ledger.js'
import {acquirePlanLock} from '../src/execute/lock.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {basicSteps, failingStep, rehash, SEED_SQL, snapshot, writePlan, type FixtureStep} from './support/plan-fixture.js'
import {announceSkip, createPgDatabase, MYSQL_URL, PG_URL, siblingDatabaseUrl} from './support/servers.js'

const dirs: string[] = []
function plan(steps: FixtureStep[], name = 'test-plan') {
  const dir = writePlan(steps, {name})
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

function options(overrides: Partial<ExecuteOptions> = {}, events: ExecEvent[] = []): ExecuteOptions {
  const base = defaultExecuteOptions()
  return {...base, retryBaseMs: 20, lockWaitMs: 2000, onEvent: (e) => events.push(e), ...overrides, run: {...base.run, ...overrides.run}}
}

async function refusal(work: () => unknown): Promise<CarveError> {
  try {
    await work()
  } catch (error) {
    expect(error).toBeInstanceOf(CarveError)
    return error as CarveError
  }
  throw new Error('expected a refusal')
}

describe('loadPlan refuses broken plans before anything runs', () => {
  it('accepts a valid plan and checksums every step', () => {
    const loaded = loadPlan(plan(basicSteps()))
    expect(loaded.steps.map((s) => s.step.id)).toEqual(['001-create-schema', '002-move-orders', '003-order-status'])
    expect(loaded.steps[1]!.files.up).toContain('SET SCHEMA sales')
    expect(new Set(loaded.steps.map((s) => s.checksum)).size).toBe(3)
  })

  it('bad YAML: file and line', async () => {
    const dir = plan(basicSteps())
    const text = readFileSync(join(dir, 'plan.yml'), 'utf8').split('\n')
    text.splice(4, 0, 'oops: [unclosed')
    writeFileSync(join(dir, 'plan.yml'), text.join('\n'))
    const e = await refusal(() => loadPlan(dir))
    expect(e.exitCode).toBe(2)
    expect(e.message).toMatch(/plan\.yml:\d+: not valid YAML/)
  })

  it('schema violation: file, line and field', async () => {
    const dir = plan(basicSteps())
    const path = join(dir, 'plan.yml')
    writeFileSync(path, readFileSync(path, 'utf8').replace('kind: move-to-schema', 'kind: teleport'))
    const e = await refusal(() => loadPlan(dir))
    expect(e.exitCode).toBe(2)
    const line = readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes('teleport')) + 1
    expect(e.message).toContain(`plan.yml:${line}: steps.0.kind:`)
  })

  it('missing, edited and truncated files; unknown dependency', async () => {
    const missing = plan(basicSteps())
    unlinkSync(join(missing, 'steps/002-move-orders/down.sql'))
    expect((await refusal(() => loadPlan(missing))).message).toMatch(/step 002-move-orders: .*down\.sql \(its down file\) is missing/)

    const edited = plan(basicSteps())
    appendFileSync(join(edited, 'steps/003-order-status/up.sql'), 'DROP TABLE public.customers;\n')
    const e = await refusal(() => loadPlan(edited))
    expect(e.message).toMatch(/step 003-order-status: .*up\.sql was changed after the plan was generated/)
    expect(e.hint).toContain('carve plan --rehash')

    const truncated = plan(basicSteps())
    writeFileSync(join(truncated, 'steps/001-create-schema/verify.sql'), '')
    expect((await refusal(() => loadPlan(truncated))).message).toMatch(/verify\.sql was changed .*it is empty/)

    const dangling = plan([{...basicSteps()[0]!, dependsOn: ['000-nowhere']}])
    expect((await refusal(() => loadPlan(dangling))).message).toMatch(/plan\.yml:\d+: steps\.0\.depends_on: depends on "000-nowhere"/)

    expect((await refusal(() => loadPlan(join(missing, 'nope')))).exitCode).toBe(2)
  })
})

describe('command helpers', () => {
  it('durations, progress text, sibling databases', async () => {
    const {parseDuration, siblingOpener} = await import('../src/execute/cli-support.js')
    expect([parseDuration('10s', 'x'), parseDuration('500ms', 'x'), parseDuration('2m', 'x'), parseDuration('1.5', 'x')]).toEqual([10_000, 500, 120_000, 1500])
    expect(() => parseDuration('soon', '--lock-timeout')).toThrow(/--lock-timeout soon: expected a duration/)
    const {progressText} = await import('../src/execute/progress.js')
    expect(progressText({message: 'copying orders', done: 2000, total: 10_000, rate: 1000})).toBe('copying orders, 2,000/10,000 rows, 1,000 rows/s, ETA 8.0 s')
    expect(siblingOpener({kind: 'pglite', dataDir: null})).toBeUndefined()
    if (!PG_URL) return
    const other = await createPgDatabase('sibling')
    try {
      const open = siblingOpener({kind: 'postgres', url: PG_URL})!
      const conn = await open(other.name)
      expect(conn.database).toBe(other.name)
      await conn.close()
    } finally {
      await other.drop()
    }
  })
})

// ---------------------------------------------------------------------------------------------

interface Target {
  name: string
  open: () => Promise<Connection>
  cleanup?: () => Promise<void>
  server: boolean
}

const targets: Target[] = [
  {
    name: 'PGlite',
    server: false,
    open: async () => (await import('../src/db/pglite.js')).openPglite(null),
  },
]
let pgDb: Awaited<ReturnType<typeof createPgDatabase>> | undefined
if (PG_URL) {
  targets.push({
    name: 'PostgreSQL',
    server: true,
    open: async () => {
      pgDb = await createPgDatabase('exec')
      return (await import('../src/db/postgres.js')).openPostgres(pgDb.url)
    },
    cleanup: async () => pgDb?.drop(),
  })
} else announceSkip('PostgreSQL')

describe.each(targets)('executor on $name', (target) => {
  let conn: Connection
  beforeAll(async () => {
    conn = await target.open()
  })
  afterAll(async () => {
    await conn?.close()
    await target.cleanup?.()
  })
  beforeEach(async () => {
    await conn.exec(`DROP SCHEMA IF EXISTS sales CASCADE; DROP SCHEMA IF EXISTS carve CASCADE;
      DROP TABLE IF EXISTS public.orders, public.customers CASCADE; ${SEED_SQL}`)
  })

  const ledgerExists = async () => (await conn.query<{ok: boolean}>(`SELECT to_regnamespace('carve') IS NOT NULL AS ok`))[0]!.ok

  it('apply → status → verify → rollback --all leaves catalog and data identical', async () => {
    const before = await snapshot(conn)
    const loaded = loadPlan(plan(basicSteps()))
    const events: ExecEvent[] = []
    const applied = await applyPlan(conn, loaded, options({}, events))
    expect(applied.applied.map((a) => a.id)).toEqual(['001-create-schema', '002-move-orders', '003-order-status'])
    expect(applied.pending).toEqual([])
    expect(events.filter((e) => e.type === 'step-done').length).toBe(3)
    // The change is real: orders moved, the view answers, the column is filled.
    expect((await conn.query<{n: number}>(`SELECT count(*)::int AS n FROM public.orders`))[0]!.n).toBe(500)
    expect((await conn.query<{n: number}>(`SELECT count(*)::int AS n FROM sales.orders WHERE status = 'shipped'`))[0]!.n).toBe(250)

    const status = await planStatus(conn, loaded)
    expect(status.steps.map((s) => s.state)).toEqual(['applied', 'applied', 'applied'])
    expect(status.pending).toBe(0)
    expect(status.steps[0]!.appliedBy).toMatch(/\S+ \(.+@.+\)/)
    expect(status.steps[0]!.durationMs).toBeGreaterThanOrEqual(0)
    expect(status.drift).toEqual([])

    const verified = await verifyPlan(conn, loaded, options())
    expect(verified.ok).toBe(true)
    expect(verified.steps.map((s) => s.id)).toEqual(status.steps.map((s) => s.id))

    expect((await refusal(() => rollbackPlan(conn, loaded, options()))).exitCode).toBe(2) // neither --to nor --all
    const back = await rollbackPlan(conn, loaded, {...options(), all: true})
    expect(back.rolledBack.map((r) => r.id)).toEqual(['003-order-status', '002-move-orders', '001-create-schema'])
    expect(await snapshot(conn)).toEqual(before)

    const after = await planStatus(conn, loaded)
    expect(after.steps.map((s) => s.state)).toEqual(['rolled-back', 'rolled-back', 'rolled-back'])
    const log = await new Ledger(conn, 'test-plan').events()
    expect(log.map((e) => `${e.event} ${e.step}`)).toEqual([
      'apply 001-create-schema', 'apply 002-move-orders', 'apply 003-order-status',
      'verify 001-create-schema', 'verify 002-move-orders', 'verify 003-order-status',
      'rollback 003-order-status', 'rollback 002-move-orders', 'rollback 001-create-schema',
    ])

    // And again: a rolled-back plan applies cleanly.
    expect((await applyPlan(conn, loaded, options())).applied.length).toBe(3)
  })

  it('--to applies a prefix; rollback --to keeps that step and re-verifies what stays', async () => {
    const loaded = loadPlan(plan(basicSteps()))
    const first = await applyPlan(conn, loaded, {...options(), to: '002'})
    expect(first.applied.map((a) => a.id)).toEqual(['001-create-schema', '002-move-orders'])
    expect(first.pending).toEqual(['003-order-status'])
    const rest = await applyPlan(conn, loaded, options())
    expect(rest.applied.map((a) => a.id)).toEqual(['003-order-status'])
    expect(rest.alreadyApplied).toBe(2)
    const back = await rollbackPlan(conn, loaded, {...options(), to: '001-create-schema'})
    expect(back.rolledBack.map((r) => r.id)).toEqual(['003-order-status', '002-move-orders'])
    expect(back.reverified).toEqual([{id: '001-create-schema', ok: true, error: null}])
    expect((await conn.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'orders'`)).length).toBe(1)
  })

  it('a failing step rolls back completely, records "fail", and stops the run', async () => {
    const loaded = loadPlan(plan([...basicSteps(), failingStep(), {id: '005-never', up: 'CREATE TABLE public.never (id int);\n', down: 'DROP TABLE public.never;\n'}]))
    await applyPlan(conn, loaded, {...options(), to: '003'})
    const before = await snapshot(conn)
    const events: ExecEvent[] = []
    const e = await refusal(() => applyPlan(conn, loaded, options({}, events)))
    expect(e.exitCode).toBe(1)
    expect(e.message).toMatch(/^step 004-broken failed: up\.sql line 2: relation "sales\.no_such_table" does not exist \(SQLSTATE 42P01\)$/)
    expect(e.hint).toMatch(/rolled back/)
    // Its first statement (ADD COLUMN note) is gone with the transaction; the next step never ran.
    expect(await snapshot(conn)).toEqual(before)
    expect((await conn.query(`SELECT 1 FROM pg_tables WHERE tablename = 'never'`)).length).toBe(0)
    const status = await planStatus(conn, loaded)
    expect(status.steps.map((s) => s.state)).toEqual(['applied', 'applied', 'applied', 'failed', 'pending'])
    expect(status.steps[3]!.lastError).toContain('42P01')
    const log = await new Ledger(conn, 'test-plan').events()
    expect(log.at(-1)).toMatchObject({event: 'fail', step: '004-broken'})
    expect(events.find((x) => x.type === 'step-failed')).toMatchObject({step: '004-broken', sqlstate: '42P01'})
  })

  it('a failing verify.sql rolls the step back too', async () => {
    const bad = {...basicSteps()[0]!, verify: "SELECT 'nonexistent_schema'::regnamespace;\n"}
    const loaded = loadPlan(plan([bad]))
    const e = await refusal(() => applyPlan(conn, loaded, options()))
    expect(e.message).toMatch(/verify\.sql line 1: schema "nonexistent_schema" does not exist \(SQLSTATE 3F000\)/)
    expect((await conn.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'sales'`)).length).toBe(0)
  })

  it('transactional: false runs statement by statement and cleans up with down.sql on failure', async () => {
    const loaded = loadPlan(plan([...basicSteps(), {...failingStep(), transactional: false}]))
    await applyPlan(conn, loaded, {...options(), to: '003'})
    const before = await snapshot(conn)
    const e = await refusal(() => applyPlan(conn, loaded, options()))
    expect(e.message).toMatch(/step 004-broken failed: up\.sql line 2: .*42P01.*down\.sql ran to clean up/)
    expect(await snapshot(conn)).toEqual(before)
  })

  it('a step that commits on its own is refused', async () => {
    const loaded = loadPlan(plan([{id: '001-sneaky', up: 'CREATE TABLE public.a (id int);\nCOMMIT;\nCREATE TABLE public.b (id int);\n', down: ''}]))
    const e = await refusal(() => applyPlan(conn, loaded, options()))
    expect(e.message).toMatch(/up\.sql line 2: COMMIT controls the transaction/)
    expect((await conn.query(`SELECT 1 FROM pg_tables WHERE tablename IN ('a', 'b')`)).length).toBe(0)
  })

  it('files changed after apply are refused without --force; status shows the drift', async () => {
    const dir = plan(basicSteps())
    await applyPlan(conn, loadPlan(dir), options())
    appendFileSync(join(dir, 'steps/002-move-orders/down.sql'), '-- reviewed again\n')
    rehash(dir)
    const changed = loadPlan(dir)
    for (const run of [() => applyPlan(conn, changed, options()), () => verifyPlan(conn, changed, options()), () => rollbackPlan(conn, changed, {...options(), all: true})]) {
      const e = await refusal(run)
      expect(e.exitCode).toBe(2)
      expect(e.message).toMatch(/the files of applied step 002-move-orders changed since it was applied/)
    }
    expect((await planStatus(conn, changed)).drift).toEqual(['002-move-orders'])
    expect((await planStatus(conn, changed)).steps.map((s) => s.state)).toEqual(['applied', 'applied', 'applied'])
    const forced = await rollbackPlan(conn, changed, {...options({force: true}), to: '001'})
    expect(forced.rolledBack.map((r) => r.id)).toEqual(['003-order-status', '002-move-orders'])
  })

  it('irreversible steps refuse to roll back without --force, before anything runs', async () => {
    const steps = basicSteps()
    steps[1] = {...steps[1]!, irreversible: true}
    const loaded = loadPlan(plan(steps))
    await applyPlan(conn, loaded, options())
    const e = await refusal(() => rollbackPlan(conn, loaded, {...options(), all: true}))
    expect(e.exitCode).toBe(2)
    expect(e.message).toMatch(/002-move-orders cannot be undone .*nothing was rolled back/)
    expect((await planStatus(conn, loaded)).applied).toBe(3)
    expect((await rollbackPlan(conn, loaded, {...options(), to: '002'})).rolledBack.map((r) => r.id)).toEqual(['003-order-status'])
    expect((await rollbackPlan(conn, loaded, {...options({force: true}), all: true})).rolledBack.length).toBe(2)
  })

  it('--dry-run prints the SQL in order with its wrapper and creates nothing', async () => {
    const loaded = loadPlan(plan(basicSteps()))
    const before = await snapshot(conn)
    const dry = await dryRunApply(conn, loaded, {run: {...options().run, lockTimeoutMs: 1500}})
    expect(await ledgerExists()).toBe(false)
    expect(await snapshot(conn)).toEqual(before)
    const sql = dry.sql!
    const order = ['001-create-schema', 'CREATE SCHEMA sales', '002-move-orders', 'ALTER TABLE public.orders SET SCHEMA sales', '003-order-status', "UPDATE sales.orders SET status = 'shipped'"].map((t) => sql.indexOf(t))
    expect(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!))).toBe(true)
    expect(sql.match(/^BEGIN;$/gm)?.length).toBe(3)
    expect(sql.match(/^SET LOCAL lock_timeout = '1500ms';$/gm)?.length).toBe(3)
    expect(sql.match(/^COMMIT;$/gm)?.length).toBe(3)
    // Statement-by-statement steps show each statement and the session-level timeout.
    const loose = loadPlan(plan([{...basicSteps()[0]!, transactional: false}]))
    expect((await dryRunApply(conn, loose, {run: options().run})).sql).toMatch(/not one transaction[\s\S]*SET lock_timeout = '2000ms';\n-- up\.sql\nCREATE SCHEMA sales;/)
    // Once steps are applied, only the pending ones are shown.
    await applyPlan(conn, loaded, {...options(), to: '001'})
    const next = await dryRunApply(conn, loaded, {run: options().run})
    expect(next.pending).toEqual(['002-move-orders', '003-order-status'])
    expect(next.sql).not.toContain('CREATE SCHEMA sales')
  })

  it('checkpoints survive in the ledger', async () => {
    const loaded = loadPlan(plan(basicSteps()))
    const ledger = new Ledger(conn, 'test-plan')
    await ledger.ensure()
    expect(await ledger.loadCheckpoint('002-move-orders')).toBeNull()
    await ledger.saveCheckpoint(loaded.steps[1]!, {table: 'orders', after: 250})
    await ledger.saveCheckpoint(loaded.steps[1]!, {table: 'orders', after: 500})
    expect(await new Ledger(conn, 'test-plan').loadCheckpoint('002-move-orders')).toEqual({table: 'orders', after: 500})
    expect((await planStatus(conn, loaded)).steps[1]!.state).toBe('in-progress')
  })

  it.runIf(target.server)('lock_timeout: retries, then fails with a clear message; succeeds when the lock goes away', async () => {
    const {default: pg} = await import('pg')
    const holder = new pg.Client({connectionString: pgDb!.url})
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE')
      const loaded = loadPlan(plan(basicSteps()))
      const events: ExecEvent[] = []
      const e = await refusal(() => applyPlan(conn, loaded, options({run: {...options().run, lockTimeoutMs: 150, lockRetries: 2}}, events)))
      expect(e.message).toMatch(/step 002-move-orders failed: could not take its locks on public\.orders within lock_timeout 150 ms, 3 attempts .*55P03/)
      expect(events.filter((x) => x.type === 'retry').length).toBe(2)
      expect((await planStatus(conn, loaded)).steps.map((s) => s.state)).toEqual(['applied', 'failed', 'pending'])

      // Released between retries: the run goes on by itself.
      await holder.query('LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE')
      const again: ExecEvent[] = []
      const result = await applyPlan(conn, loaded, {
        ...options({run: {...options().run, lockTimeoutMs: 150, lockRetries: 5}}),
        retryBaseMs: 100,
        onEvent: (x) => {
          again.push(x)
          if (x.type === 'retry' && x.attempt === 1) void holder.query('COMMIT')
        },
      })
      expect(again.filter((x) => x.type === 'retry').length).toBeGreaterThanOrEqual(1)
      expect(result.applied.map((a) => a.id)).toEqual(['002-move-orders', '003-order-status'])
    } finally {
      await holder.query('ROLLBACK').catch(() => {})
      await holder.end()
    }
  })

  it.runIf(target.server)('the plan lock: a second run waits, then names the holder', async () => {
    const {openPostgres} = await import('../src/db/postgres.js')
    const other = await openPostgres(pgDb!.url)
    try {
      const held = await acquirePlanLock(other, 'test-plan', {timeoutMs: 0})
      const loaded = loadPlan(plan(basicSteps()))
      const events: ExecEvent[] = []
      const started = Date.now()
      const e = await refusal(() => applyPlan(conn, loaded, options({lockWaitMs: 400}, events)))
      expect(Date.now() - started).toBeGreaterThanOrEqual(400)
      expect(e.exitCode).toBe(1)
      expect(e.message).toMatch(/another run holds the lock on plan "test-plan": pid \d+, application carve, user \S+, client \S+, connected since \d{4}-/)
      expect(events[0]).toMatchObject({type: 'lock-wait'})
      expect((await planStatus(conn, loaded)).running?.application).toBe('carve')
      await held.release()
      expect((await applyPlan(conn, loaded, options())).applied.length).toBe(3)
      // Another plan has a lock of its own.
      const mine = await acquirePlanLock(other, 'another-plan', {timeoutMs: 0})
      const again = await acquirePlanLock(conn, 'test-plan', {timeoutMs: 0})
      await again.release()
      await mine.release()
    } finally {
      await other.close()
    }
  })
})

// ---------------------------------------------------------------------------------------------

describe.skipIf(!MYSQL_URL)('executor on MariaDB/MySQL', () => {
  let conn: Connection
  let admin: Connection
  let dbName = ''
  beforeAll(async () => {
    const {openMysql} = await import('../src/db/mysql.js')
    admin = await openMysql(MYSQL_URL!)
    const {url, name} = siblingDatabaseUrl(MYSQL_URL!, 'exec')
    dbName = name
    await admin.query(`CREATE DATABASE \`${name}\``)
    conn = await openMysql(url)
    await conn.exec(`CREATE TABLE customers (id int PRIMARY KEY, name varchar(100) NOT NULL);
      INSERT INTO customers VALUES (1, 'ada'), (2, 'grace'), (3, 'edsger');`)
  })
  afterAll(async () => {
    await conn?.query('DELETE FROM carve.ledger_steps WHERE plan LIKE ?', [`${dbName}/%`]).catch(() => {})
    await conn?.query('DELETE FROM carve.ledger_events WHERE plan LIKE ?', [`${dbName}/%`]).catch(() => {})
    await conn?.close()
    await admin?.query(`DROP DATABASE IF EXISTS \`${dbName}\``)
    await admin?.close()
  })

  it('applies statement by statement, cleans up a failed step, rolls back to the same data', async () => {
    const steps: FixtureStep[] = [
      {id: '001-loyalty', up: 'CREATE TABLE loyalty (customer_id int PRIMARY KEY, points int NOT NULL DEFAULT 0);\nINSERT INTO loyalty (customer_id) SELECT id FROM customers;\n', down: 'DROP TABLE loyalty;\n', verify: 'SELECT customer_id, points FROM loyalty LIMIT 0;\n'},
      {id: '002-email', up: 'ALTER TABLE customers ADD COLUMN email varchar(200) NULL;\nUPDATE customers SET email = CONCAT(name, \'@example.com\');\n', down: 'ALTER TABLE customers DROP COLUMN email;\n', verify: 'SELECT email FROM customers LIMIT 0;\n'},
      {id: '003-broken', up: 'CREATE TABLE scratch (id int);\nSELECT * FROM no_such_table;\n', down: 'DROP TABLE IF EXISTS scratch;\n'},
    ]
    const dir = writePlan(steps, {name: 'my-plan', engine: 'mysql'})
    dirs.push(dir)
    const loaded = loadPlan(dir)
    const before = await snapshot(conn)
    const events: ExecEvent[] = []
    const e = await refusal(() => applyPlan(conn, loaded, options({}, events)))
    expect(e.message).toMatch(/step 003-broken failed: up\.sql line 2: .*no_such_table.*down\.sql ran to clean up/)
    expect(events.some((x) => x.type === 'info' && /no transactional DDL/.test(x.message))).toBe(true)
    expect(await conn.query(`SHOW TABLES LIKE 'scratch'`)).toEqual([])
    expect((await conn.query<{email: string}>('SELECT email FROM customers WHERE id = 1'))[0]!.email).toBe('ada@example.com')
    const status = await planStatus(conn, loaded)
    expect(status.steps.map((s) => s.state)).toEqual(['applied', 'applied', 'failed'])
    expect((await verifyPlan(conn, loaded, options())).ok).toBe(true)
    const back = await rollbackPlan(conn, loaded, {...options(), all: true})
    expect(back.rolledBack.map((r) => r.id)).toEqual(['002-email', '001-loyalty'])
    expect(await snapshot(conn)).toEqual(before)
  })
})
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')

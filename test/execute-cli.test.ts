/**
 * `carve apply | status | verify | rollback` as a user runs them: refusals before anything runs,
 * exit codes, JSON output, no stack traces, Ctrl-C, and two runs of one plan at once.
 * An embedded database on disk (pglite:DIR) everywhere; the concurrency test needs PostgreSQL.
 */
import {spawn} from 'node:child_process'
import {appendFileSync, existsSync, readFileSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {packageRoot} from '../src/paths.js'
import {hasStackTrace, runCarve} from './support/cli.js'
import {basicSteps, failingStep, SEED_SQL, tempDir, writePlan, type FixtureStep} from './support/plan-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

// Each test runs the CLI several times, and one run can take many seconds on a busy machine:
// these tests are about behaviour, not speed, so their budget is generous.
vi.setConfig({testTimeout: 300_000})

const temp: string[] = []
function dir(): string {
  const d = tempDir('carve-cli-')
  temp.push(d)
  return d
}
afterAll(() => {
  for (const d of temp) rmSync(d, {recursive: true, force: true})
})

async function seededPglite(): Promise<string> {
  const path = join(dir(), 'db')
  const {openPglite} = await import('../src/db/pglite.js')
  const conn = await openPglite(path)
  await conn.exec(SEED_SQL)
  await conn.close()
  return path
}

/** Read the embedded database after the CLI is done with it (one process at a time). */
async function withPglite<T>(path: string, work: (conn: import('../src/db/connection.js').Connection) => Promise<T>): Promise<T> {
  const {openPglite} = await import('../src/db/pglite.js')
  const conn = await openPglite(path)
  try {
    return await work(conn)
  } finally {
    await conn.close()
  }
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

describe('plan files are checked before anything runs', () => {
  const cases: [string, (d: string) => void, RegExp][] = [
    ['bad YAML', (d) => appendFileSync(join(d, 'plan.yml'), 'steps: [\n'), /plan\.yml:\d+: not valid YAML/],
    ['a schema violation', (d) => writeFileSync(join(d, 'plan.yml'), readFileSync(join(d, 'plan.yml'), 'utf8').replace('engine: postgres', 'engine: oracle')), /plan\.yml:\d+: engine: /],
    ['a missing file', (d) => unlinkSync(join(d, 'steps/002-move-orders/verify.sql')), /step 002-move-orders: .*verify\.sql \(its verify file\) is missing/],
    ['an edited file', (d) => appendFileSync(join(d, 'steps/001-create-schema/up.sql'), 'DROP TABLE public.customers CASCADE;\n'), /step 001-create-schema: .*up\.sql was changed after the plan was generated/],
    ['a truncated file', (d) => writeFileSync(join(d, 'steps/003-order-status/up.sql'), 'ALTER TABLE sales.orders'), /step 003-order-status: .*up\.sql was changed/],
    ['a dependency on an unknown step', (d) => writeFileSync(join(d, 'plan.yml'), readFileSync(join(d, 'plan.yml'), 'utf8').replace('- 001-create-schema', '- 000-missing')), /depends on "000-missing", which is not an earlier step/],
  ]
  for (const [what, breakIt, message] of cases) {
    it(`${what}: exit 2, a clear message, and the database is never opened`, async () => {
      const plan = writePlan(basicSteps(), {dir: dir()})
      breakIt(plan)
      const db = join(dir(), 'never-created')
      const [apply, rollback] = await Promise.all([runCarve(['apply', plan, '--db', `pglite:${db}`]), runCarve(['rollback', plan, '--all', '--db', `pglite:${db}`, '--json'])])
      expect(apply.code, apply.stderr).toBe(2)
      expect(apply.stderr).toMatch(message)
      expect(hasStackTrace(apply.stderr)).toBe(false)
      expect(rollback.code).toBe(2)
      expect(JSON.parse(rollback.stdout).error.message).toMatch(message)
      // pglite:DIR creates DIR when it opens: it does not exist, so nothing connected.
      expect(existsSync(db)).toBe(false)
    })
  }

  it('the edit refusal tells how to accept an intended edit', async () => {
    const plan = writePlan(basicSteps(), {dir: dir()})
    appendFileSync(join(plan, 'steps/002-move-orders/down.sql'), '-- x\n')
    const r = await runCarve(['apply', plan, '--dry-run'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/hint: if the edit is intended, run `carve plan --rehash <dir>`/)
  })
})

describe('apply, status, verify, rollback on an embedded database on disk', () => {
  let db = ''
  let plan = ''
  beforeAll(async () => {
    db = await seededPglite()
    plan = writePlan([...basicSteps(), failingStep()], {dir: dir(), name: 'cli-plan'})
  })

  it('--help documents the JSON lines of apply, rollback and verify', async () => {
    const r = await runCarve(['apply', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/--json prints one JSON object per line/)
    expect(r.stdout).toMatch(/--dry-run/)
    expect(r.stdout).toMatch(/--lock-timeout-ddl/)
    for (const command of ['rollback', 'verify']) {
      const help = await runCarve([command, '--help'])
      expect(help.code).toBe(0)
      expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--json prints one JSON object per line on stdout: each event while running .* and last the result/)
    }
  })

  it('--dry-run prints the SQL with its wrapper and changes nothing', async () => {
    const r = await runCarve(['apply', plan, '--db', `pglite:${db}`, '--dry-run', '--lock-timeout-ddl', '750ms', '--to', '002'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/BEGIN;\nSET LOCAL lock_timeout = '750ms';\n-- up\.sql\nCREATE SCHEMA sales;/)
    expect(r.stdout).toContain('ALTER TABLE public.orders SET SCHEMA sales;')
    expect(r.stdout).not.toContain('003-order-status')
    const schemas = await withPglite(db, (c) => c.query<{nspname: string}>(`SELECT nspname FROM pg_namespace WHERE nspname IN ('carve', 'sales')`))
    expect(schemas).toEqual([])
    // Without a database every step is shown.
    const offline = await runCarve(['apply', plan, '--dry-run'])
    expect(offline.code).toBe(0)
    expect(offline.stdout).toContain('-- ===== 004-broken')
  })

  it('apply --json streams events, fails on the broken step with exit 1, no stack trace', async () => {
    const r = await runCarve(['apply', plan, '--db', `pglite:${db}`, '--json'])
    expect(r.code, r.stderr).toBe(1)
    const lines = jsonLines(r.stdout)
    expect(lines.filter((l) => l.event === 'step-done').map((l) => l.step)).toEqual(['001-create-schema', '002-move-orders', '003-order-status'])
    expect(lines.find((l) => l.event === 'step-failed')).toMatchObject({step: '004-broken', sqlstate: '42P01'})
    expect(lines.at(-1)).toMatchObject({error: {code: 'apply.step-failed', message: expect.stringMatching(/^step 004-broken failed: up\.sql line 2: relation "sales\.no_such_table" does not exist \(SQLSTATE 42P01\)$/)}})
    expect(hasStackTrace(r.stderr + r.stdout)).toBe(false)
  })

  it('status and verify report it; rollback needs --to or --all', async () => {
    const status = await runCarve(['status', plan, '--db', `pglite:${db}`, '--json'])
    expect(status.code, status.stderr).toBe(0)
    const s = JSON.parse(status.stdout)
    expect(s.steps.map((x: {state: string}) => x.state)).toEqual(['applied', 'applied', 'applied', 'failed'])
    expect(s.steps[3].lastError).toMatch(/42P01/)
    const text = await runCarve(['status', plan, '--db', `pglite:${db}`])
    expect(text.stdout).toMatch(/3 of 4 steps applied/)
    expect(text.stdout).toMatch(/^\s+applied\s+001-create-schema\s+\d{4}-\d\d-\d\d /m)

    const verify = await runCarve(['verify', plan, '--db', `pglite:${db}`, '--json'])
    expect(verify.code, verify.stderr).toBe(0)
    const checks = jsonLines(verify.stdout)
    expect(checks.filter((l) => l.event === 'step-done').map((l) => l.step)).toEqual(['001-create-schema', '002-move-orders', '003-order-status'])
    expect(checks.at(-1)).toMatchObject({ok: true, steps: [{id: '001-create-schema', ok: true}, {id: '002-move-orders', ok: true}, {id: '003-order-status', ok: true}]})

    const bare = await runCarve(['rollback', plan, '--db', `pglite:${db}`])
    expect(bare.code).toBe(2)
    expect(bare.stderr).toMatch(/--to STEP .* or --all/)
  })

  it('a file changed after apply is refused without --force', async () => {
    const copy = writePlan([...basicSteps(), failingStep()], {dir: dir(), name: 'cli-plan'})
    const path = join(copy, 'steps/003-order-status/verify.sql')
    writeFileSync(path, 'SELECT status FROM sales.orders LIMIT 0;\n')
    const {rehash} = await import('./support/plan-fixture.js')
    rehash(copy)
    const r = await runCarve(['verify', copy, '--db', `pglite:${db}`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/the files of applied step 003-order-status changed since it was applied/)
    const forced = await runCarve(['verify', copy, '--db', `pglite:${db}`, '--force'])
    expect(forced.code, forced.stderr).toBe(0)
    const status = await runCarve(['status', copy, '--db', `pglite:${db}`])
    expect(status.stdout).toMatch(/applied \(files changed!\)\s+003-order-status/)
  })

  it('rollback --all --json streams its events, the result last, and leaves the data as it was', async () => {
    const r = await runCarve(['rollback', plan, '--db', `pglite:${db}`, '--all', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const lines = jsonLines(r.stdout)
    expect(lines[0]).toMatchObject({event: 'start', action: 'rollback'})
    expect(lines.filter((l) => l.event === 'step-done').map((l) => [l.action, l.step])).toEqual([
      ['rollback', '003-order-status'],
      ['rollback', '002-move-orders'],
      ['rollback', '001-create-schema'],
    ])
    const result = lines.at(-1)!
    expect(result.event).toBeUndefined()
    expect((result.rolledBack as {id: string}[]).map((x) => x.id)).toEqual(['003-order-status', '002-move-orders', '001-create-schema'])
    const rows = await withPglite(db, (c) => c.query<{n: number; kind: string}>(`SELECT count(*)::int AS n, (SELECT relkind::text FROM pg_class WHERE oid = 'public.orders'::regclass) AS kind FROM public.orders`))
    expect(rows).toEqual([{n: 500, kind: 'r'}])
  })

  it('rollback --json whose re-verification fails: the events, then the result last, exit 1', async () => {
    // 002's down.sql undoes too much: it also drops 001's schema, which 001's verify.sql checks.
    const steps: FixtureStep[] = [
      basicSteps()[0]!,
      {id: '002-extra', up: 'CREATE TABLE sales.extra (x int);\n', down: 'DROP TABLE sales.extra;\nDROP SCHEMA sales;\n'},
    ]
    const p = writePlan(steps, {dir: dir(), name: 'overreach-plan'})
    const fresh = await seededPglite()
    expect((await runCarve(['apply', p, '--db', `pglite:${fresh}`])).code).toBe(0)
    const r = await runCarve(['rollback', p, '--db', `pglite:${fresh}`, '--to', '001', '--json'])
    expect(r.code, r.stderr).toBe(1)
    const lines = jsonLines(r.stdout)
    expect(lines.filter((l) => l.event === 'step-done').map((l) => l.step)).toEqual(['002-extra'])
    expect(lines.at(-1)).toMatchObject({rolledBack: [{id: '002-extra'}], reverified: [{id: '001-create-schema', ok: false, error: expect.stringMatching(/sales/)}]})
    expect(hasStackTrace(r.stderr + r.stdout)).toBe(false)
  })

  it('an irreversible step refuses to roll back (exit 2)', async () => {
    const steps = basicSteps()
    steps[0] = {...steps[0]!, irreversible: true}
    const p = writePlan(steps.slice(0, 1), {dir: dir(), name: 'irreversible-plan'})
    expect((await runCarve(['apply', p, '--db', `pglite:${db}`])).code).toBe(0)
    const r = await runCarve(['rollback', p, '--db', `pglite:${db}`, '--all'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/001-create-schema cannot be undone without losing data/)
    expect(hasStackTrace(r.stderr)).toBe(false)
    expect((await runCarve(['rollback', p, '--db', `pglite:${db}`, '--all', '--force'])).code).toBe(0)
  })

  it('Ctrl-C stops after the current step: exit 130, the ledger matches the database', async () => {
    const slow: FixtureStep[] = [1, 2, 3, 4].map((n) => ({
      id: `00${n}-slow-${n}`,
      up: `CREATE TABLE public.slow_${n} (id int);\nSELECT pg_sleep(0.6);\n`,
      down: `DROP TABLE public.slow_${n};\n`,
    }))
    const p = writePlan(slow, {dir: dir(), name: 'slow-plan'})
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'run.js'), 'apply', p, '--db', `pglite:${db}`, '--json'], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
    let stdout = ''
    let sent = false
    child.stdout.on('data', (d) => {
      stdout += d
      if (!sent && stdout.includes('"event":"step-done"')) {
        sent = true
        child.kill('SIGINT')
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(130)
    const last = jsonLines(stdout).at(-1)!
    expect(last).toMatchObject({error: {code: 'interrupted'}})
    const status = JSON.parse((await runCarve(['status', p, '--db', `pglite:${db}`, '--json'])).stdout)
    const applied = status.steps.filter((s: {state: string}) => s.state === 'applied').map((s: {id: string}) => s.id)
    expect(applied.length).toBeGreaterThanOrEqual(1)
    expect(applied.length).toBeLessThan(4)
    const tables = await withPglite(db, (c) => c.query<{t: string}>(`SELECT tablename AS t FROM pg_tables WHERE tablename LIKE 'slow\\_%' ORDER BY 1`))
    expect(tables.map((t) => t.t)).toEqual(applied.map((id: string) => `slow_${id.slice(-1)}`))
  })
})

describe.skipIf(!PG_URL)('two runs of one plan at once (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>
  beforeAll(async () => {
    database = await createPgDatabase('exec_cli')
  })
  afterAll(async () => {
    await database?.drop()
  })

  /**
   * The first run's step waits on an advisory lock the test holds (a gate), so it holds the plan
   * lock for exactly as long as the test wants: no sleep racing the start-up of a second process
   * on a busy machine (issue 12 point 9).
   */
  const GATE = 4_242_420
  const gatedStep = (table: string): FixtureStep => ({id: '001-slow', up: `CREATE TABLE public.${table} (id int);\nSELECT pg_advisory_xact_lock(${GATE});\n`, down: `DROP TABLE public.${table};\n`})

  async function waitForSql(c: import('pg').Client, sql: string, what: string): Promise<void> {
    for (let i = 0; i < 1200; i++) {
      if ((await c.query(sql)).rows.length > 0) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`timed out waiting for ${what}`)
  }
  const gateWaiter = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = ${GATE}`

  it('exactly one proceeds; the other waits, then exits 1 naming the holder', async () => {
    const p = writePlan([gatedStep('once')], {dir: dir(), name: 'race-plan'})
    const env = {DATABASE_URL: database.url}
    const {default: pg} = await import('pg')
    const c = new pg.Client({connectionString: database.url})
    await c.connect()
    try {
      await c.query(`SELECT pg_advisory_lock(${GATE})`)
      const first = runCarve(['apply', p, '--lock-timeout', '1s', '--lock-timeout-ddl', '300s'], {env, timeoutMs: 300_000})
      await waitForSql(c, gateWaiter, 'the first run to hold the plan lock, inside its step')
      const second = await runCarve(['apply', p, '--lock-timeout', '1s'], {env, timeoutMs: 300_000})
      await c.query(`SELECT pg_advisory_unlock(${GATE})`)
      const winner = await first
      expect(winner.code, winner.stderr).toBe(0)
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(/error: another run holds the lock on plan "race-plan": pid \d+, application carve, .*connected since .*; gave up after waiting \d+(\.\d)? s/)
      expect(second.stderr).toMatch(/waiting/)
      expect(hasStackTrace(second.stderr)).toBe(false)
      const events = await c.query(`SELECT event, step FROM carve.ledger_events WHERE plan = 'race-plan' ORDER BY id`)
      expect(events.rows).toEqual([{event: 'apply', step: '001-slow'}])

      // A patient second run waits for the first and then finds nothing to do.
      const q = writePlan([gatedStep('twice')], {dir: dir(), name: 'patient-plan'})
      await c.query(`SELECT pg_advisory_lock(${GATE})`)
      const one = runCarve(['apply', q, '--lock-timeout-ddl', '300s'], {env, timeoutMs: 300_000})
      await waitForSql(c, gateWaiter, 'the first run to hold the plan lock, inside its step')
      const two = runCarve(['apply', q, '--lock-timeout', '300s'], {env, timeoutMs: 300_000})
      // The second run has tried the plan lock (its session's last query) and is polling for it.
      await waitForSql(c, `SELECT 1 FROM pg_stat_activity WHERE application_name = 'carve' AND state = 'idle' AND query LIKE '%pg_try_advisory_lock%'`, 'the second run to find the plan lock taken')
      await c.query(`SELECT pg_advisory_unlock(${GATE})`)
      const [r1, r2] = [await one, await two]
      expect(r1.code, r1.stderr).toBe(0)
      expect(r2.code, r2.stderr).toBe(0)
      expect(r2.stderr).toMatch(/another run holds the plan lock .*waiting/)
      expect(r2.stdout).toMatch(/Nothing to apply: 1 step was applied already/)
    } finally {
      await c.end()
    }
  }, 600_000)
})
if (!PG_URL) announceSkip('PostgreSQL')

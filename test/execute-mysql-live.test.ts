/**
 * MariaDB execute safety, through the built CLI as a user runs it:
 *
 *  - statement journals: a step SIGKILLed at a random point is shown as partial by `carve status`;
 *    `carve apply` resumes it and `carve rollback` undoes exactly what ran — after a kill during
 *    apply as much as during rollback. Sakila (built from the corpus' schema.json, see
 *    support/sakila-mysql.ts), seeded trials (CARVE_KILL_SEED reproduces a run; the seed is
 *    printed), each ending in a state equal to the untouched or the fully applied snapshot:
 *    tables, views, triggers, foreign keys, privileges, the ownership registry, CHECKSUM TABLE;
 *  - no gap for the application: sysbench oltp_read_write (4 threads, no error ignored) runs
 *    during three apply → rollback cycles of the plan for its own database; every thread must
 *    survive with 0 errors, and the data must come through identical (CHECKSUM TABLE).
 *
 * Needs CARVE_TEST_MYSQL_URL (skips visibly without it); the sysbench test also needs sysbench
 * (.ci/run installs it; skips visibly without it).
 */
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {applyPlan, defaultExecuteOptions, planStatus, rollbackPlan} from '../src/execute/executor.js'
import {journalOf, journalUnits} from '../src/execute/journal.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {packageRoot} from '../src/paths.js'
import {seededRandom} from '../src/random.js'
import {runCarve} from './support/cli.js'
import {sakilaAvailable, sakilaContexts, sakilaMysqlSql} from './support/sakila-mysql.js'
import {announceSkip, MYSQL_URL, siblingDatabaseUrl} from './support/servers.js'
import {binlogWrongSettings, readBinlogSettings} from '../src/plan/dialects/mysql.js'

describe('statement journal units', () => {
  it('keep a conditional (SET @…; PREPARE; EXECUTE; DEALLOCATE) together and every other statement alone', () => {
    const text = `-- header
CREATE DATABASE IF NOT EXISTS \`a;b\`;
SET @carve_sql = IF(1 = 1, 'RENAME TABLE x TO y', 'DO 0');
PREPARE carve_stmt FROM @carve_sql; EXECUTE carve_stmt; DEALLOCATE PREPARE carve_stmt;
SET @carve_msg = LEFT(NULL, 400);
SET @carve_sql = IF(@carve_msg IS NULL, 'DO 0', 'SIGNAL SQLSTATE ''45000''');
PREPARE carve_stmt FROM @carve_sql; EXECUTE carve_stmt; DEALLOCATE PREPARE carve_stmt;
DROP TRIGGER IF EXISTS \`t\`;
SET @carve_sql = IF(1 = 1, 'SELECT ''DO 1'' INTO @carve_sql', 'DO 0');
PREPARE carve_stmt FROM @carve_sql; EXECUTE carve_stmt; DEALLOCATE PREPARE carve_stmt;
PREPARE carve_stmt FROM @carve_sql; EXECUTE carve_stmt; DEALLOCATE PREPARE carve_stmt;
`
    const units = journalUnits(text)
    // The second PREPARE runs what the first unit left in @carve_sql: it cannot start a unit of its own.
    expect(units.map((u) => u.statements.length)).toEqual([1, 4, 5, 1, 7])
    expect(units[1]!.statements[0]!.text).toMatch(/^SET @carve_sql/)
    expect(units[1]!.statements[3]!.text).toMatch(/^DEALLOCATE/)
    expect(journalOf({journal: {file: 'up', done: 3, total: 4}})).toEqual({file: 'up', done: 3, total: 4})
    expect(journalOf({journal: {file: 'sideways', done: 3, total: 4}})).toBeNull()
    expect(journalOf({copied: 100})).toBeNull()
  })
})

// ---------------------------------------------------------------------------------------------
// on MariaDB

const temp: string[] = []
afterAll(() => {
  for (const d of temp) rmSync(d, {recursive: true, force: true})
})

/**
 * The plan's outbox: the binlog outbox (the default) refuses a server whose binary log a change
 * reader cannot use (the shared test server runs with log_bin OFF), so there the trigger outbox
 * is planned; mysql-binlog-outbox.test.ts covers the binlog one on a private server.
 */
async function outboxArgs(conn: Connection): Promise<string[]> {
  const settings = await readBinlogSettings(conn)
  return settings && binlogWrongSettings(settings).length === 0 ? [] : ['--outbox', 'trigger']
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'carve-mylive-'))
  temp.push(d)
  return d
}

function boundariesYaml(contexts: {name: string; owner: string; tables: string[]}[]): string {
  return `version: 1\ncontexts:\n${contexts.map((c) => `  - name: ${c.name}\n    owner: ${c.owner}\n    tables: [${c.tables.join(', ')}]\n`).join('')}`
}

/** What "untouched" and "fully applied" are compared by: catalog objects, privileges, registry, CHECKSUM TABLE. */
async function stateOf(conn: Connection, databases: string[], rolePrefix: string): Promise<string> {
  const tables = await conn.query<{db: string; name: string; type: string}>(
    'SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY 1, 2',
    [databases],
  )
  const views = await conn.query('SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, VIEW_DEFINITION AS def FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (?) ORDER BY 1, 2', [databases])
  const triggers = await conn.query(
    'SELECT TRIGGER_SCHEMA AS db, TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, ACTION_TIMING AS timing, EVENT_MANIPULATION AS ev, ACTION_STATEMENT AS body FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?) ORDER BY 1, 2',
    [databases],
  )
  const fks = await conn.query(
    'SELECT CONSTRAINT_SCHEMA AS db, TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, UNIQUE_CONSTRAINT_SCHEMA AS refdb, REFERENCED_TABLE_NAME AS ref FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?) ORDER BY 1, 2, 3',
    [databases],
  )
  const like = `${rolePrefix.replace(/_/g, '\\_')}%`
  const roles = await conn.query('SELECT User AS user FROM mysql.user WHERE User LIKE ? ORDER BY 1', [like])
  const privileges = await conn.query(
    'SELECT GRANTEE AS g, TABLE_SCHEMA AS db, TABLE_NAME AS tbl, PRIVILEGE_TYPE AS p FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE LIKE ? ORDER BY 1, 2, 3, 4',
    [`'${like}`],
  )
  const registry = (await conn.query<{n: number}>("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'carve' AND TABLE_NAME = 'ownership'"))[0]!.n
    ? await conn.query('SELECT table_schema AS db, table_name AS tbl, context FROM carve.ownership WHERE table_schema IN (?) ORDER BY 1, 2', [databases])
    : []
  const sums: string[] = []
  for (const t of tables.filter((x) => x.type === 'BASE TABLE')) {
    const [row] = await conn.query<{Checksum: string | number}>(`CHECKSUM TABLE \`${t.db}\`.\`${t.name}\``)
    sums.push(`${t.db}.${t.name}=${row!.Checksum}`)
  }
  return JSON.stringify({tables, views, triggers, fks, roles, privileges, registry, sums}, null, 1)
}

/** A step starting, as the plain progress renderer prints it (stderr, not a terminal). */
const STEP_START = /^› (applying|rolling back) (\S+?):/gm

/**
 * Run a carve command and SIGKILL it inside a step: `delayMs` after the `nth` step starts.
 * Returns whether it was killed (a short run may finish first) and the step it was in.
 */
function killDuring(args: string[], nth: number, delayMs: number): Promise<{killed: boolean; last: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'run.js'), ...args], {env: {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let err = ''
    let armed = false
    let timer: NodeJS.Timeout | undefined
    child.stdout.on('data', () => {})
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
      if (!armed && [...err.matchAll(STEP_START)].length >= nth) {
        armed = true
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
      }
    })
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({killed: signal === 'SIGKILL', last: [...err.matchAll(STEP_START)].at(-1)?.[2] ?? 'none'})
    })
  })
}

/** Two lanes of trials run side by side, each on its own sakila database and plan: DDL waits on fsync more than on CPU. */
const LANES = 2

interface Lane {
  db: string
  url: string
  planDir: string
  databases: string[]
  rolePrefix: string
}

describe.runIf(MYSQL_URL && sakilaAvailable())('MariaDB: SIGKILL at random points of the sakila plan, then resume or roll back', () => {
  const tag = randomBytes(3).toString('hex')
  const lanes: Lane[] = []
  let admin: Connection

  beforeAll(async () => {
    const {openMysql} = await import('../src/db/mysql.js')
    admin = await openMysql(MYSQL_URL!)
    for (let i = 0; i < LANES; i++) {
      const {url, name: db} = siblingDatabaseUrl(MYSQL_URL!, `sk${i}`)
      const contexts = sakilaContexts(db.replace(/_/g, '-'))
      const lane: Lane = {db, url, planDir: '', databases: [db, ...contexts.map((c) => c.name.replace(/-/g, '_'))], rolePrefix: `h6k${tag}${i}_`}
      lanes.push(lane)
      await admin.exec(`CREATE DATABASE \`${db}\``)
      const conn = await openMysql(url)
      try {
        for (const statement of sakilaMysqlSql(40)) await conn.query(statement)
      } finally {
        await conn.close()
      }
      const dir = tempDir()
      writeFileSync(join(dir, 'carve.yml'), boundariesYaml(contexts))
      lane.planDir = join(dir, 'plan')
      const plan = await runCarve(['plan', '--db', url, '-f', join(dir, 'carve.yml'), '--out', lane.planDir, '--name', `sakila-${tag}`, '--role-prefix', lane.rolePrefix, ...(await outboxArgs(admin))])
      expect(plan.code, plan.stderr).toBe(0)
    }
  }, 180_000)

  afterAll(async () => {
    if (!admin) return
    await admin.exec('SET SESSION foreign_key_checks = 0').catch(() => {})
    for (const lane of lanes) {
      for (const d of lane.databases) await admin.exec(`DROP DATABASE IF EXISTS \`${d}\``).catch(() => {})
      const roles = await admin.query<{u: string}>('SELECT User AS u FROM mysql.user WHERE User LIKE ?', [`${lane.rolePrefix.replace(/_/g, '\\_')}%`]).catch(() => [])
      for (const r of roles) await admin.exec(`DROP ROLE IF EXISTS \`${r.u}\``).catch(() => {})
      await admin.query('DELETE FROM carve.ownership WHERE table_schema IN (?)', [lane.databases]).catch(() => {})
      await admin.query('DELETE FROM carve.ledger_steps WHERE plan LIKE ?', [`${lane.db}/%`]).catch(() => {})
      await admin.query('DELETE FROM carve.ledger_events WHERE plan LIKE ?', [`${lane.db}/%`]).catch(() => {})
    }
    await admin.close()
  })

  /** Trials on one lane: each starts untouched or applied, kills a run inside a step, completes it one way or the other, compares. */
  async function runLane(lane: Lane, seed: number, trials: number): Promise<{outcomes: string[]; kinds: {apply: number; rollback: number}; partial: number}> {
    const {openMysql} = await import('../src/db/mysql.js')
    const conn = await openMysql(lane.url)
    try {
      const random = seededRandom(seed)
      const plan = loadPlan(lane.planDir)
      const status = () => planStatus(conn, plan)
      const untouched = await stateOf(conn, lane.databases, lane.rolePrefix)
      const full = await runCarve(['apply', lane.planDir, '--db', lane.url])
      expect(full.code, full.stderr).toBe(0)
      const applied = await stateOf(conn, lane.databases, lane.rolePrefix)
      expect(applied).not.toBe(untouched)
      const steps = plan.steps.length
      let state: 'applied' | 'untouched' = 'applied'
      const kinds = {apply: 0, rollback: 0}
      const outcomes: string[] = []
      let partial = 0
      for (let trial = 1; trial <= trials; trial++) {
        const during: 'apply' | 'rollback' = state === 'untouched' ? 'apply' : 'rollback'
        kinds[during]++
        const run = (action: 'apply' | 'rollback') => (action === 'apply' ? ['apply', lane.planDir, '--db', lane.url] : ['rollback', lane.planDir, '--all', '--db', lane.url])
        const kill = await killDuring(run(during), 1 + Math.floor(random() * steps), Math.floor(random() * 300))
        const killedStatus = await status()
        partial += killedStatus.partial
        expect(killedStatus.partial).toBeLessThanOrEqual(1)
        // Recoveries rollback, rollback, apply, apply, …: from the applied start that covers the four
        // cases in turn — killed rollback then rollback, killed apply then rollback (the field
        // report's), killed apply then apply (resume), killed rollback then apply.
        const recover: 'apply' | 'rollback' = (trial - 1) % 4 < 2 ? 'rollback' : 'apply'
        // The recovery runs the executor in this process (the same code as the CLI, without a node start per trial).
        const label = `${lane.db} trial ${trial} (seed ${seed}): killed ${during} ${kill.killed ? `in ${kill.last}` : '(it finished first)'}, then ${recover}`
        const recovered = await (recover === 'apply' ? applyPlan(conn, plan, defaultExecuteOptions()) : rollbackPlan(conn, plan, {...defaultExecuteOptions(), all: true})).then(
          () => 'ok',
          (error: Error) => error.message,
        )
        expect(recovered, label).toBe('ok')
        state = recover === 'apply' ? 'applied' : 'untouched'
        expect(await stateOf(conn, lane.databases, lane.rolePrefix), label).toBe(state === 'applied' ? applied : untouched)
        const after = await status()
        expect([after.applied, after.partial], label).toEqual([state === 'applied' ? steps : 0, 0])
        outcomes.push(`${during}${kill.killed ? '' : '(not killed)'}→${recover}`)
      }
      if (state === 'applied') expect((await runCarve(['rollback', lane.planDir, '--all', '--db', lane.url])).code).toBe(0)
      expect(await stateOf(conn, lane.databases, lane.rolePrefix)).toBe(untouched)
      return {outcomes, kinds, partial}
    } finally {
      await conn.close()
    }
  }

  it('ends every trial exactly untouched or exactly applied; status shows a killed step as partial', async () => {
    const seed = process.env.CARVE_KILL_SEED ? Number(process.env.CARVE_KILL_SEED) : Math.floor(Math.random() * 2 ** 31)
    const trials = Math.max(20, Number(process.env.CARVE_KILL_TRIALS ?? 20))
    const perLane = Math.ceil(trials / LANES)
    console.log(`[carve tests] SIGKILL trials on the sakila plan: seed ${seed} (CARVE_KILL_SEED=${seed} repeats them), ${perLane * LANES} trials in ${LANES} lanes`)
    const results = await Promise.all(lanes.map((lane, i) => runLane(lane, seed + i, perLane)))
    const kinds = {apply: 0, rollback: 0}
    for (const r of results) {
      kinds.apply += r.kinds.apply
      kinds.rollback += r.kinds.rollback
    }
    const killed = results.flatMap((r) => r.outcomes).filter((o) => !o.includes('not killed')).length
    console.log(`[carve tests] SIGKILL trials: ${results.map((r) => r.outcomes.join(', ')).join(' | ')}; ${killed} killed inside a step, ${results.reduce((n, r) => n + r.partial, 0)} shown by status as partial`)
    expect(kinds.apply).toBeGreaterThanOrEqual(perLane * LANES / 2 - LANES)
    expect(kinds.rollback).toBeGreaterThanOrEqual(perLane * LANES / 2 - LANES)
    // Most kills must land inside a run (a run can finish before a late kill): the trials test something.
    expect(killed).toBeGreaterThanOrEqual(Math.ceil(trials * 0.6))
  }, 900_000)
})

// ---------------------------------------------------------------------------------------------
// sysbench

const SYSBENCH = spawnSync('sysbench', ['--version'], {encoding: 'utf8'}).status === 0
const TABLES = 4
/** Large enough that sysbench's own transactions practically never deadlock with each other (errors are not ignored). */
const TABLE_SIZE = 25_000

describe.runIf(MYSQL_URL && SYSBENCH)('MariaDB: sysbench oltp_read_write during three apply → rollback cycles', () => {
  const tag = randomBytes(3).toString('hex')
  const rolePrefix = `h6s${tag}_`
  let admin: Connection
  let conn: Connection
  let db = ''
  let url = ''
  let planDir = ''
  let target = ''

  beforeAll(async () => {
    const {openMysql} = await import('../src/db/mysql.js')
    admin = await openMysql(MYSQL_URL!)
    ;({url, name: db} = siblingDatabaseUrl(MYSQL_URL!, 'sb'))
    await admin.exec(`CREATE DATABASE \`${db}\``)
    conn = await openMysql(url)
    const u = new URL(MYSQL_URL!)
    const prepare = spawnSync('sysbench', ['oltp_read_write', ...sysbenchConnection(u, db), `--tables=${TABLES}`, `--table-size=${TABLE_SIZE}`, 'prepare'], {encoding: 'utf8'})
    expect(prepare.status, prepare.stderr).toBe(0)
    const name = `${db.replace(/_/g, '-')}-oltp`
    target = name.replace(/-/g, '_')
    const dir = tempDir()
    writeFileSync(join(dir, 'carve.yml'), boundariesYaml([{name, owner: 'oltp-service', tables: Array.from({length: TABLES}, (_, i) => `sbtest${i + 1}`)}]))
    planDir = join(dir, 'plan')
    const plan = await runCarve(['plan', '--db', url, '-f', join(dir, 'carve.yml'), '--out', planDir, '--name', `sysbench-${tag}`, '--role-prefix', rolePrefix, ...(await outboxArgs(admin))])
    expect(plan.code, plan.stderr).toBe(0)
  }, 120_000)

  afterAll(async () => {
    if (admin) {
      for (const d of [db, target]) if (d) await admin.exec(`DROP DATABASE IF EXISTS \`${d}\``).catch(() => {})
      const roles = await admin.query<{u: string}>('SELECT User AS u FROM mysql.user WHERE User LIKE ?', [`${rolePrefix.replace(/_/g, '\\_')}%`]).catch(() => [])
      for (const r of roles) await admin.exec(`DROP ROLE IF EXISTS \`${r.u}\``).catch(() => {})
      await admin.query('DELETE FROM carve.ownership WHERE table_schema IN (?)', [[db, target]]).catch(() => {})
      await admin.query('DELETE FROM carve.ledger_steps WHERE plan LIKE ?', [`${db}/%`]).catch(() => {})
      await admin.query('DELETE FROM carve.ledger_events WHERE plan LIKE ?', [`${db}/%`]).catch(() => {})
      await admin.close()
    }
    await conn?.close()
  })

  const checksums = async (schema: string) => {
    const out: string[] = []
    for (let i = 1; i <= TABLES; i++) {
      const [row] = await conn.query<{Checksum: string | number}>(`CHECKSUM TABLE \`${schema}\`.\`sbtest${i}\``)
      const [count] = await conn.query<{n: number}>(`SELECT COUNT(*) AS n FROM \`${schema}\`.\`sbtest${i}\``)
      out.push(`sbtest${i}: ${count!.n} rows, checksum ${row!.Checksum}`)
    }
    return out
  }

  it('0 errors, every thread alive to the end, the same rows after', async () => {
    const structure = () =>
      conn.query('SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY 1, 2', [[db, target]])
    const before = JSON.stringify(await structure())
    const u = new URL(MYSQL_URL!)
    const bench = spawn(
      'sysbench',
      ['oltp_read_write', ...sysbenchConnection(u, db), `--tables=${TABLES}`, `--table-size=${TABLE_SIZE}`, '--threads=4', '--time=0', '--events=0', '--report-interval=1', '--mysql-ignore-errors=none', 'run'],
      {stdio: ['ignore', 'pipe', 'pipe']},
    )
    let output = ''
    bench.stdout.on('data', (d: Buffer) => (output += d.toString()))
    bench.stderr.on('data', (d: Buffer) => (output += d.toString()))
    let exited: number | null | 'running' = 'running'
    const closed = new Promise<void>((resolve) => bench.on('close', (code) => ((exited = code), resolve())))
    try {
      // Let it reach steady state before the first cycle.
      while (!/\[ 1s \]/.test(output) && exited === 'running') await new Promise((r) => setTimeout(r, 100))
      for (let cycle = 1; cycle <= 3; cycle++) {
        const apply = await runCarve(['apply', planDir, '--db', url])
        expect(apply.code, `cycle ${cycle} apply: ${apply.stderr}`).toBe(0)
        const rollback = await runCarve(['rollback', planDir, '--all', '--db', url])
        expect(rollback.code, `cycle ${cycle} rollback: ${rollback.stderr}`).toBe(0)
      }
      await new Promise((r) => setTimeout(r, 1500))
      expect(exited, `sysbench stopped before the end:\n${output.slice(-2000)}`).toBe('running')
    } finally {
      bench.kill('SIGINT')
      const stubborn = setTimeout(() => bench.kill('SIGKILL'), 5000)
      await closed
      clearTimeout(stubborn)
    }
    const intervals = output.split('\n').filter((l) => /^\[ \d+s \]/.test(l))
    console.log(`[carve tests] sysbench during 3 apply → rollback cycles: ${intervals.length} one-second reports; last: ${intervals.at(-1)}`)
    expect(output).not.toMatch(/FATAL|error \d+/i)
    expect(intervals.length).toBeGreaterThanOrEqual(3)
    for (const line of intervals) {
      expect(line).toMatch(/thds: 4 /)
      expect(line).toMatch(/err\/s: 0\.00 reconn\/s: 0\.00/)
    }
    // Every thread alive to the end: the last full second still committed transactions.
    expect(Number(/tps: ([\d.]+)/.exec(intervals.at(-1)!)![1])).toBeGreaterThan(0)
    expect(JSON.stringify(await structure())).toBe(before)
    // The data itself: with the load stopped, one more cycle must not change a row.
    const quiet = await checksums(db)
    for (const line of quiet) expect(line).toMatch(new RegExp(`: ${TABLE_SIZE} rows`))
    expect((await runCarve(['apply', planDir, '--db', url])).code).toBe(0)
    expect(await checksums(target)).toEqual(quiet)
    expect((await runCarve(['rollback', planDir, '--all', '--db', url])).code).toBe(0)
    expect(await checksums(db)).toEqual(quiet)
  }, 300_000)
})

function sysbenchConnection(u: URL, db: string): string[] {
  return [
    `--mysql-host=${u.hostname}`,
    `--mysql-port=${u.port || '3306'}`,
    `--mysql-user=${decodeURIComponent(u.username || 'root')}`,
    ...(u.password ? [`--mysql-password=${decodeURIComponent(u.password)}`] : []),
    `--mysql-db=${db}`,
  ]
}

if (!MYSQL_URL) announceSkip('MariaDB/MySQL')
else if (!SYSBENCH) console.warn('[carve tests] SKIPPING the sysbench live-traffic test: sysbench is not installed (apt-get install sysbench; .ci/run installs it)')
if (MYSQL_URL && !sakilaAvailable()) console.warn('[carve tests] SKIPPING the sakila SIGKILL trials: /work/shared/corpora/sakila/schema.json is not here')

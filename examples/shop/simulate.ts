/**
 * Runs the shop example's services against real databases with statement logging on and writes
 * the captured logs to examples/shop/logs/:
 *
 *   postgresql.csv / .log.gz / .json.gz   one private PostgreSQL cluster (test/support/pg-cluster.ts),
 *                                   log_statement=all to stderr, csvlog and jsonlog at once
 *   mariadb-general.log             the MariaDB server on 127.0.0.1:3306, general query log
 *   service-map.yml                 database users → services (for sources without
 *                                   application_name)
 *
 * The traffic is deterministic: every connection draws from its own seeded PRNG over a fixed
 * number of iterations, and works on its own slice of the seeded ids, so a re-run issues the
 * same statements in the same order on every connection (only database-generated ids and
 * timestamps differ). Setup (schema, seed, roles) is not logged.
 *
 *   npm run simulate:shop [-- --pg-only | --mariadb-only] [-- --scale 0.2]
 */
import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import mysql from 'mysql2/promise'
import pg from 'pg'

import {clusterUnavailableReason, findPgBin, startPgCluster, type PgCluster} from '../../test/support/pg-cluster.js'
import {Ctx} from './simulate/context.js'
import {MysqlDb, PgDb, SimulationError, type Db, type DbIdentity} from './simulate/db.js'
import {filterGeneralLog} from './simulate/general-log.js'
import {copyData, mariadbSchema} from './simulate/mariadb.js'
import {loadPools, type Pools} from './simulate/pools.js'
import {commerceWorkers} from './simulate/services/commerce.js'
import type {WorkerSpec} from './simulate/services/common.js'
import {identityWorkers} from './simulate/services/identity.js'
import {moneyWorkers} from './simulate/services/money.js'
import {migrations as migrationStatements, otherWorkers} from './simulate/services/other.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const LOGS = join(HERE, 'logs')
const DATABASE = 'hp_main'
/** MariaDB runs the same workers for this fraction of their PostgreSQL iterations. */
const MARIADB_SCALE = 0.5
const MIGRATIONS_USER = 'migrations'

const password = (user: string): string => `${user.replace(/_/g, '-')}-sim-2026`

interface Options {
  pg: boolean
  mariadb: boolean
  scale: number
}

function parseOptions(argv: string[]): Options {
  const options: Options = {pg: true, mariadb: true, scale: 1}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--pg-only') options.mariadb = false
    else if (a === '--mariadb-only') options.pg = false
    else if (a === '--scale') options.scale = Number(argv[++i])
    else throw new SimulationError(`unknown option ${a} (expected --pg-only, --mariadb-only, --scale N)`)
  }
  if (!(options.scale > 0)) throw new SimulationError('--scale needs a positive number')
  return options
}

const log = (message: string): void => {
  process.stderr.write(`[simulate] ${message}\n`)
}

function identity(w: WorkerSpec): DbIdentity {
  return {
    service: w.service,
    worker: w.worker,
    user: w.user,
    password: password(w.user),
    application: w.application,
    tagApplication: w.tagApplication,
    mysqlParams: w.mysqlParams ?? 'prepared',
  }
}

const MIGRATIONS_IDENTITY: DbIdentity = {service: 'migrations', worker: 0, user: MIGRATIONS_USER, password: password(MIGRATIONS_USER), application: 'migrations'}

/** Statements per service, by kind. */
type Counts = Map<string, {prepared: number; simple: number}>

/**
 * Run every worker concurrently, each on its own connection. The first error stops the others
 * at their next iteration and is rethrown; the failed connection is closed at once so its open
 * transaction does not hold locks the others wait for.
 */
async function runWorkload(workers: WorkerSpec[], pools: Pools, scale: number, connect: (who: DbIdentity) => Promise<Db>, onConnect?: (db: Db) => void): Promise<Counts> {
  const counts: Counts = new Map()
  const add = (db: Db) => {
    const c = counts.get(db.who.service) ?? {prepared: 0, simple: 0}
    c.prepared += db.counts.prepared
    c.simple += db.counts.simple
    counts.set(db.who.service, c)
  }

  // The deploy pipeline migrates first.
  const migrations = await connect(MIGRATIONS_IDENTITY)
  onConnect?.(migrations)
  for (const statement of migrationStatements(migrations.pg)) await migrations.lit(statement)
  await migrations.close()
  add(migrations)

  const dbs: Db[] = []
  for (const w of workers) {
    const db = await connect(identity(w))
    onConnect?.(db)
    dbs.push(db)
  }
  let failure: unknown
  const started = Date.now()
  const slowest = {label: '', ms: 0}
  await Promise.all(
    workers.map(async (w, i) => {
      const db = dbs[i]!
      const iterations = Math.max(1, Math.round(w.iterations * scale))
      const ctx = new Ctx(db, pools, w.service, w.worker, w.code, iterations)
      try {
        for (let k = 0; k < iterations && failure === undefined; k++) await w.step(ctx, k)
      } catch (error) {
        failure ??= error
      } finally {
        await db.close().catch(() => undefined)
        if (Date.now() - started > slowest.ms) Object.assign(slowest, {label: `${w.service}#${w.worker}`, ms: Date.now() - started})
      }
    }),
  )
  if (failure !== undefined) throw failure
  for (const db of dbs) add(db)
  log(`  ${[...counts.values()].reduce((s, c) => s + c.prepared + c.simple, 0)} statements in ${((Date.now() - started) / 1000).toFixed(1)} s (last to finish: ${slowest.label})`)
  return counts
}

function allWorkers(): WorkerSpec[] {
  return [...identityWorkers(), ...commerceWorkers(), ...moneyWorkers(), ...otherWorkers()]
}

function databaseUsers(workers: WorkerSpec[]): string[] {
  return [...new Set(workers.map((w) => w.user))].sort()
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------

/** A superuser connection whose statements are not logged (setup, pools, the MariaDB copy). */
async function quietClient(cluster: PgCluster, database: string): Promise<pg.Client> {
  const client = new pg.Client({connectionString: cluster.url(database), options: '-c log_statement=none -c TimeZone=UTC'})
  client.on('error', () => {
    // the server going away at the end surfaces here; failed queries reject on their own
  })
  await client.connect()
  return client
}

async function setupPostgres(cluster: PgCluster, workers: WorkerSpec[]): Promise<pg.Client> {
  const admin = await quietClient(cluster, 'postgres')
  await admin.query(`CREATE DATABASE ${DATABASE}`)
  await admin.end()
  const setup = await quietClient(cluster, DATABASE)
  const started = Date.now()
  await setup.query(readFileSync(join(HERE, 'schema.sql'), 'utf8'))
  await setup.query(readFileSync(join(HERE, 'seed.sql'), 'utf8'))
  log(`  schema and seed loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  // The legacy habit: every service login may read and write every table.
  for (const user of databaseUsers(workers)) {
    await setup.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password(user)}'`)
    await setup.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${user}`)
    await setup.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${user}`)
  }
  // Migration tooling owns the schema.
  await setup.query(`CREATE ROLE ${MIGRATIONS_USER} LOGIN SUPERUSER PASSWORD '${password(MIGRATIONS_USER)}'`)
  // The admin monolith refreshes the CRM snapshot, which takes ownership.
  await setup.query('ALTER MATERIALIZED VIEW mv_customer_lifetime_value OWNER TO admin_svc')
  return setup
}

function pgOwner(): {uid: number; gid: number} | undefined {
  if (process.getuid?.() !== 0) return undefined
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  }
}

/** Stop the server (so the logger has written everything) and copy the three logs out. */
function collectPgLogs(cluster: PgCluster): Record<string, number> {
  const bin = findPgBin()!
  execFileSync(join(bin, 'pg_ctl'), ['-D', cluster.dataDir, '-m', 'fast', '-w', 'stop'], {...pgOwner(), stdio: 'pipe'})
  const sizes: Record<string, number> = {}
  for (const ext of ['log', 'csv', 'json']) {
    const files = readdirSync(cluster.logDir).filter((f) => f.endsWith(`.${ext}`)).sort()
    if (files.length === 0) throw new SimulationError(`the cluster wrote no .${ext} log in ${cluster.logDir}`)
    const text = files.map((f) => readFileSync(join(cluster.logDir, f), 'utf8')).join('')
    // The csvlog stays plain (the default input, and readable in a diff); the same traffic as
    // stderr and jsonlog is committed gzipped, which Carve reads as is, to keep the repo small.
    const name = ext === 'csv' ? 'postgresql.csv' : `postgresql.${ext}.gz`
    const target = join(LOGS, name)
    writeFileSync(target, ext === 'csv' ? text : gzipSync(text, {level: 9}))
    sizes[name] = statSync(target).size
  }
  return sizes
}

async function runPostgres(workers: WorkerSpec[], scale: number, mariadbSetup?: (setup: pg.Client) => Promise<void>): Promise<{counts: Counts; sizes: Record<string, number>}> {
  const reason = clusterUnavailableReason()
  if (reason) throw new SimulationError(`cannot start a private PostgreSQL cluster: ${reason}`)
  log('PostgreSQL: starting a private cluster with statement logging')
  const cluster = await startPgCluster({
    logging_collector: 'on',
    log_destination: "'stderr,csvlog,jsonlog'",
    log_statement: "'all'",
    log_line_prefix: "'%m [%p] %q%u@%d %a '",
    log_min_duration_statement: -1,
    log_filename: "'postgresql.log'",
    log_rotation_age: 0,
    log_rotation_size: 0,
    log_timezone: "'UTC'",
  })
  try {
    const setup = await setupPostgres(cluster, workers)
    let counts: Counts
    try {
      const pools = await loadPools(setup)
      if (mariadbSetup) await mariadbSetup(setup)
      log(`PostgreSQL: running ${workers.length} connections`)
      counts = await runWorkload(workers, pools, scale, (who) => PgDb.connect({host: '127.0.0.1', port: cluster.port, database: DATABASE}, who))
    } finally {
      await setup.end().catch(() => undefined)
    }
    const sizes = collectPgLogs(cluster)
    return {counts, sizes}
  } finally {
    await cluster.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// MariaDB
// ---------------------------------------------------------------------------------------------

const MARIADB = {host: '127.0.0.1', port: 3306}

class MariadbRun {
  readonly database = `carve_sim_${randomBytes(5).toString('hex')}`
  private root?: mysql.Connection
  private users: string[] = []
  private previous?: {general_log: number; general_log_file: string; log_output: string}
  private logFile = `/tmp/carve-sim-${randomBytes(5).toString('hex')}.log`
  pools?: Pools

  async setup(from: pg.Client, workers: WorkerSpec[]): Promise<void> {
    log(`MariaDB: creating ${this.database} and copying the seeded data`)
    const started = Date.now()
    this.root = await mysql.createConnection({...MARIADB, user: 'root'})
    await this.root.query(`CREATE DATABASE \`${this.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`)
    await this.root.query(`USE \`${this.database}\``)
    const schema = mariadbSchema(readFileSync(join(HERE, 'schema.sql'), 'utf8'))
    const [creates, indexes] = [schema.statements.filter((s) => s.startsWith('CREATE TABLE')), schema.statements.filter((s) => !s.startsWith('CREATE TABLE'))]
    for (const statement of creates) await this.root.query(statement)
    const rows = await copyData(from, this.root, schema.tables)
    for (const statement of indexes) await this.root.query(statement)
    for (const seq of ['invoice_number_seq', 'credit_note_number_seq']) {
      const next = (await from.query(`SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END AS next FROM ${seq}`)).rows[0] as {next: string}
      await this.root.query(`CREATE SEQUENCE ${seq} START WITH ${next.next}`)
    }
    for (const user of [...databaseUsers(workers), MIGRATIONS_USER]) {
      await this.root.query(`DROP USER IF EXISTS '${user}'@'%'`)
      await this.root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password(user)}'`)
      this.users.push(user)
      await this.root.query(`GRANT ALL PRIVILEGES ON \`${this.database}\`.* TO '${user}'@'%'`)
    }
    this.pools = await loadPools(from)
    log(`  ${schema.tables.length} tables, ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }

  async run(workers: WorkerSpec[], scale: number): Promise<{counts: Counts; sizes: Record<string, number>}> {
    const root = this.root!
    const [rows] = await root.query('SELECT @@global.general_log AS general_log, @@global.general_log_file AS general_log_file, @@global.log_output AS log_output')
    this.previous = (rows as {general_log: number; general_log_file: string; log_output: string}[])[0]!
    await root.query(`SET GLOBAL general_log_file = '${this.logFile}'`)
    await root.query("SET GLOBAL log_output = 'FILE'")
    await root.query('SET GLOBAL general_log = 1')
    const ours = new Set<number>()
    log(`MariaDB: running ${workers.length} connections (general log → ${this.logFile})`)
    let counts: Counts
    try {
      counts = await runWorkload(workers, this.pools!, scale, (who) => MysqlDb.connect({...MARIADB, database: this.database}, who), (db) => ours.add((db as MysqlDb).threadId))
    } finally {
      // Let the server log the last connections' Quit before the log is switched off.
      await new Promise((resolve) => setTimeout(resolve, 300))
      await this.restoreLog()
    }
    const text = filterGeneralLog(readFileSync(this.logFile, 'utf8'), ours, this.database, 'shop')
    const target = join(LOGS, 'mariadb-general.log')
    writeFileSync(target, text)
    return {counts, sizes: {'mariadb-general.log': statSync(target).size}}
  }

  private async restoreLog(): Promise<void> {
    if (!this.root || !this.previous) return
    const p = this.previous
    this.previous = undefined
    await this.root.query('SET GLOBAL general_log = 0')
    await this.root.query(`SET GLOBAL general_log_file = ${mysql.escape(p.general_log_file)}`)
    await this.root.query(`SET GLOBAL log_output = ${mysql.escape(p.log_output)}`)
    if (Number(p.general_log) === 1) await this.root.query('SET GLOBAL general_log = 1')
  }

  async cleanup(): Promise<void> {
    if (!this.root) return
    await this.restoreLog().catch(() => undefined)
    for (const user of this.users) await this.root.query(`DROP USER IF EXISTS '${user}'@'%'`).catch(() => undefined)
    await this.root.query(`DROP DATABASE IF EXISTS \`${this.database}\``).catch(() => undefined)
    await this.root.end().catch(() => undefined)
    if (existsSync(this.logFile)) rmSync(this.logFile, {force: true})
  }
}

// ---------------------------------------------------------------------------------------------

function serviceMap(workers: WorkerSpec[]): string {
  const users = new Map<string, string>()
  for (const w of workers) if (!w.tagApplication) users.set(w.user, w.service)
  users.set(MIGRATIONS_USER, 'migrations')
  const lines = [...users].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, s]) => `  ${u}: ${s}`)
  return [
    '# Database users → services, for statements that carry no other evidence: the MariaDB general',
    '# log has no application_name, and reference-data connects to PostgreSQL without one.',
    '# hp_app is the legacy shared login and is deliberately not mapped: the storefront and webhook',
    '# APIs that use it tag every statement with sqlcommenter (application=…), which wins.',
    '# Written by examples/shop/simulate.ts.',
    'users:',
    ...lines,
    '',
  ].join('\n')
}

function table(title: string, counts: Counts): string {
  const rows = [...counts].sort(([a], [b]) => (a < b ? -1 : 1))
  const sum = (f: (c: {prepared: number; simple: number}) => number) => rows.reduce((s, [, c]) => s + f(c), 0)
  return [
    `${title} (prepared = extended protocol / prepared statement, simple = plain query)`,
    ...rows.map(([s, c]) => `  ${s.padEnd(22)} ${String(c.prepared + c.simple).padStart(6)}  (${c.prepared} prepared, ${c.simple} simple)`),
    `  ${'total'.padEnd(22)} ${String(sum((c) => c.prepared + c.simple)).padStart(6)}  (${sum((c) => c.prepared)} prepared, ${sum((c) => c.simple)} simple)`,
  ].join('\n')
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const workers = allWorkers()
  mkdirSync(LOGS, {recursive: true})
  const maria = options.mariadb ? new MariadbRun() : undefined
  const summary: string[] = []
  const sizes: Record<string, number> = {}
  try {
    if (options.pg) {
      const result = await runPostgres(workers, options.scale, maria ? (setup) => maria.setup(setup, workers) : undefined)
      summary.push(table('PostgreSQL statements per service', result.counts))
      Object.assign(sizes, result.sizes)
    } else if (maria) {
      // MariaDB alone still needs the seeded data: load it into a private cluster, unlogged.
      const reason = clusterUnavailableReason()
      if (reason) throw new SimulationError(`cannot start a private PostgreSQL cluster for the seed: ${reason}`)
      const cluster = await startPgCluster()
      try {
        const setup = await setupPostgres(cluster, workers)
        await maria.setup(setup, workers)
        await setup.end()
      } finally {
        await cluster.stop()
      }
    }
    if (maria) {
      const result = await maria.run(workers, options.scale * MARIADB_SCALE)
      summary.push(table('MariaDB statements per service', result.counts))
      Object.assign(sizes, result.sizes)
    }
  } finally {
    await maria?.cleanup()
  }
  writeFileSync(join(LOGS, 'service-map.yml'), serviceMap(workers))
  process.stdout.write(`${summary.join('\n\n')}\n\nfiles:\n${Object.entries(sizes).map(([f, n]) => `  ${f.padEnd(22)} ${(n / 1024 / 1024).toFixed(2)} MB`).join('\n')}\n`)
}

main().catch((error: unknown) => {
  const message = error instanceof SimulationError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)
  process.stderr.write(`simulate: ${message}\n`)
  process.exitCode = 1
})

/**
 * `carve check` against real servers: a private PostgreSQL cluster with pg_stat_statements and
 * statement logging (live statistics and the server's own csvlog as evidence, grants read from
 * the catalog), the shared MariaDB (catalog from the server, evidence from a general log), and a
 * private MariaDB with performance_schema on (live digests, and its own general log).
 */
import {randomBytes} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import type {CheckReport, Finding} from '../src/check/model.js'
import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {runCarve} from './support/cli.js'
import {clusterUnavailableReason, type PgCluster, startPgCluster} from './support/pg-cluster.js'
import {mariadbUnavailableReason, type PrivateMariadb, startMariadb} from './support/mariadb-server.js'
import {announceSkip, MYSQL_URL, siblingDatabaseUrl} from './support/servers.js'

const tmp = mkdtempSync(join(tmpdir(), 'carve-check-live-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const find = (r: CheckReport, rule: string, consumer: string | null, table: string | null): Finding | undefined =>
  r.findings.find((f) => f.rule === rule && f.consumer === consumer && f.table === table)

/** Two contexts: orders (orders-service) and billing (billing-service), plus a table that is gone. */
function writeFiles(dir: string): {boundaries: string; serviceMap: string} {
  const boundaries = join(dir, 'carve.yml')
  writeFileSync(boundaries, stringify({
    version: 1,
    contexts: [
      {name: 'orders', owner: 'orders-service', tables: ['orders']},
      {name: 'billing', owner: 'billing-service', tables: ['invoices', 'dunning_letters']},
    ],
  }))
  const serviceMap = join(dir, 'services.yml')
  writeFileSync(serviceMap, stringify({users: {orders_svc: 'orders-service', billing_svc: 'billing-service'}}))
  return {boundaries, serviceMap}
}

const clusterReason = clusterUnavailableReason()
if (clusterReason) console.warn(`[carve tests] SKIPPING carve check on a private PostgreSQL cluster: ${clusterReason}`)

describe.skipIf(clusterReason !== null)('carve check on PostgreSQL: live pg_stat_statements, the server\'s csvlog, grants', () => {
  let cluster: PgCluster
  let files: {boundaries: string; serviceMap: string}
  let csvlog: string
  const check = async (extra: string[]) => {
    const run = await runCarve(['check', '--db', cluster.url(), '-f', files.boundaries, '--service-map', files.serviceMap, '--json', ...extra], {cwd: tmp, timeoutMs: 120_000})
    return {code: run.code, report: JSON.parse(run.stdout) as CheckReport, stderr: run.stderr}
  }

  beforeAll(async () => {
    files = writeFiles(tmp)
    cluster = await startPgCluster({
      shared_preload_libraries: "'pg_stat_statements'",
      logging_collector: 'on', log_destination: "'csvlog'", log_filename: "'postgresql'", log_statement: "'all'",
    })
    const admin = new pg.Client({connectionString: cluster.url()})
    await admin.connect()
    await admin.query('create extension pg_stat_statements')
    await admin.query('create table orders (id int primary key, total int); create table invoices (id int primary key, order_id int references orders (id)); create table scratch (x int)')
    await admin.query('create role orders_svc login; create role billing_svc login; grant all on all tables in schema public to orders_svc, billing_svc')
    await admin.end()
    const as = async (role: string, statements: string[]) => {
      const c = new pg.Client({connectionString: cluster.url().replace('postgres@', `${role}@`)})
      await c.connect()
      for (const s of statements) await c.query(s)
      await c.end()
    }
    await as('orders_svc', ['insert into orders values (1, 5)', 'update orders set total = 6 where id = 1'])
    await as('billing_svc', ['insert into invoices values (1, 1)', 'update orders set total = 7 where id = 1', 'select pg_sleep(0.05)', 'update orders set total = 8 where id = 1', 'select total from orders where id = 1'])
    await new Promise((r) => setTimeout(r, 300))
    csvlog = join(cluster.logDir, readdirSync(cluster.logDir).find((f) => f.endsWith('.csv'))!)
  }, 120_000)
  afterAll(async () => cluster?.stop())

  it('finds the foreign write and read in live statistics, and what the catalog says', async () => {
    const {code, report} = await check(['--live', 'pg_stat_statements', '--min-level', '1'])
    expect(code).toBe(1)
    const write = find(report, 'foreign-write', 'billing-service', 'orders')!
    expect(write).toMatchObject({severity: 'error', context: 'orders', access: 'write'})
    expect(write.evidence).toMatchObject({count: 2, statements: 1, firstSeen: null, source: null})
    expect(write.evidence!.sample).toMatch(/^update orders set total = \$1 where id = \$2$/i)
    expect(find(report, 'foreign-read', 'billing-service', 'orders')).toMatchObject({severity: 'warning'})
    expect(report.findings.filter((f) => f.consumer === 'orders-service')).toEqual([])
    expect(find(report, 'unowned-table', null, 'scratch')).toMatchObject({severity: 'warning'})
    expect(find(report, 'missing-table', null, 'dunning_letters')).toMatchObject({context: 'billing'})
    expect(find(report, 'cross-context-fk', null, 'invoices')).toMatchObject({context: 'billing', access: 'foreign-key'})
    expect(report.findings.filter((f) => f.rule === 'below-min-level').map((f) => f.context).sort()).toEqual(['billing', 'orders'])
  })

  it('reads the server\'s own csvlog: first/last seen and the line', async () => {
    const {report} = await check([csvlog])
    const e = find(report, 'foreign-write', 'billing-service', 'orders')!.evidence!
    expect(e.count).toBe(2)
    expect(Date.parse(e.firstSeen!)).toBeLessThanOrEqual(Date.parse(e.lastSeen!))
    expect(e.firstSeen).not.toBe(e.lastSeen)
    const line = readFileSync(csvlog, 'utf8').split('\n')[e.source!.line - 1]!
    expect(line).toContain('billing_svc')
    expect(line).toContain('update orders set total = 7')
  })

  it('a foreign role that can write after the move into the context\'s schema is an error', async () => {
    const admin = new pg.Client({connectionString: cluster.url()})
    await admin.connect()
    await admin.query('create schema orders; alter table orders set schema orders; revoke all on orders.orders from orders_svc, billing_svc; grant insert, update on orders.orders to billing_svc')
    await admin.end()
    const {report} = await check([])
    const grant = find(report, 'foreign-write-grant', 'billing_svc', 'orders.orders')!
    expect(grant).toMatchObject({severity: 'error', context: 'orders', access: 'grant'})
    expect(grant.message).toMatch(/INSERT\/UPDATE/)
    // The moved table is still the file's `orders`: not missing, not unowned.
    expect(report.findings.filter((f) => f.table === 'orders.orders' && f.rule !== 'foreign-write-grant')).toEqual([])
    expect(find(report, 'missing-table', null, 'orders')).toBeUndefined()
  })
})

const mysqlSuite = MYSQL_URL ? describe : describe.skip
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')

mysqlSuite('carve check on MariaDB: catalog from the server, evidence from a general log', () => {
  let url: string
  let name: string
  let admin: Connection
  let files: {boundaries: string; serviceMap: string}

  beforeAll(async () => {
    ;({url, name} = siblingDatabaseUrl(MYSQL_URL!, `check${randomBytes(2).toString('hex')}`))
    admin = await openTarget({kind: 'mysql', url: MYSQL_URL!})
    await admin.exec(`create database \`${name}\``)
    const conn = await openTarget({kind: 'mysql', url})
    try {
      await conn.exec('create table orders (id int primary key, total int) engine=innodb')
      await conn.exec('create table invoices (id int primary key, order_id int, foreign key (order_id) references orders (id)) engine=innodb')
      await conn.exec('create table scratch (x int)')
    } finally {
      await conn.close()
    }
    const dir = mkdtempSync(join(tmp, 'mysql-'))
    files = writeFiles(dir)
  }, 60_000)
  afterAll(async () => {
    await admin?.exec(`drop database if exists \`${name}\``)
    await admin?.close()
  })

  it('finds the foreign write in a MariaDB general log, with its line, and the catalog findings', async () => {
    const log = join(tmp, 'general.log')
    writeFileSync(log, [
      '/usr/sbin/mariadbd, Version: 10.11.19-MariaDB-0+deb12u1 (Debian 12). started with:',
      'Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock',
      'Time\t\t    Id Command\tArgument',
      `261207  9:00:01\t    11 Connect\torders_svc@127.0.0.1 on ${name} using TCP/IP`,
      '\t\t    11 Query\tINSERT INTO orders VALUES (1, 5)',
      `261207  9:00:02\t    12 Connect\tbilling_svc@127.0.0.1 on ${name} using TCP/IP`,
      '\t\t    12 Query\tINSERT INTO invoices VALUES (1, 1)',
      `261207  9:00:03\t    12 Query\tUPDATE orders SET total = 7 WHERE id = 1`,
      `261207  9:00:09\t    12 Query\tUPDATE orders SET total = 8 WHERE id = 1`,
      '\t\t    12 Quit\t',
      '',
    ].join('\n'))
    const run = await runCarve(['check', '--db', url, '-f', files.boundaries, '--service-map', files.serviceMap, '--json', log], {cwd: tmp, timeoutMs: 120_000})
    expect(run.code).toBe(1)
    const report = JSON.parse(run.stdout) as CheckReport
    const write = find(report, 'foreign-write', 'billing-service', 'orders')!
    expect(write).toMatchObject({severity: 'error', context: 'orders'})
    expect(write.evidence).toMatchObject({count: 2, source: {file: 'general.log', line: 8}})
    expect(write.evidence!.firstSeen).not.toBe(write.evidence!.lastSeen)
    expect(find(report, 'unowned-table', null, 'scratch')).toBeDefined()
    expect(find(report, 'cross-context-fk', null, 'invoices')).toMatchObject({context: 'billing'})
    expect(report.findings.filter((f) => f.consumer === 'orders-service')).toEqual([])
  })
})

const mariadbReason = mariadbUnavailableReason()
if (mariadbReason) console.warn(`[carve tests] SKIPPING carve check --live mysql-digest on a private MariaDB: ${mariadbReason}`)

describe.skipIf(mariadbReason !== null)('carve check on a private MariaDB with performance_schema: live digests, and its general log', () => {
  let server: PrivateMariadb
  let files: {boundaries: string; serviceMap: string}
  const check = async (extra: string[]) => {
    const run = await runCarve(['check', '--db', server.url('shop'), '-f', files.boundaries, '--service-map', files.serviceMap, '--json', ...extra], {cwd: tmp, timeoutMs: 120_000})
    expect(run.stderr).not.toMatch(/Error:|at .*\.js:\d+/)
    return {code: run.code, report: JSON.parse(run.stdout) as CheckReport}
  }

  beforeAll(async () => {
    server = await startMariadb({performanceSchema: true, generalLog: true})
    files = writeFiles(mkdtempSync(join(tmp, 'private-mariadb-')))
    const admin = await openTarget({kind: 'mysql', url: server.url('mysql')})
    try {
      await admin.exec('create database shop')
      await admin.exec('create table shop.orders (id int primary key, total int) engine=innodb')
      await admin.exec('create table shop.invoices (id int primary key, order_id int, foreign key (order_id) references shop.orders (id)) engine=innodb')
      await admin.exec('create table shop.scratch (x int)')
      for (const user of ['orders_svc', 'billing_svc']) {
        await admin.exec(`create user '${user}'@'%'`)
        await admin.exec(`grant select, insert, update, delete on shop.* to '${user}'@'%'`)
      }
      // Only the services' statements from here on: the setup above is not the workload.
      await admin.exec('truncate table performance_schema.events_statements_summary_by_digest')
    } finally {
      await admin.close()
    }
    const as = async (user: string, statements: string[]) => {
      const c = await openTarget({kind: 'mysql', url: server.url('shop', user)})
      try {
        for (const s of statements) await c.exec(s)
      } finally {
        await c.close()
      }
    }
    await as('orders_svc', ['insert into orders values (1, 5)', 'update orders set total = 6 where id = 1'])
    await as('billing_svc', ['insert into invoices values (1, 1)', 'update orders set total = 7 where id = 1', 'update orders set total = 8 where id = 1', 'select total from orders where id = 1'])
  }, 180_000)
  afterAll(async () => server?.stop())

  it('finds the writes in the live digests, summed over the users (digests carry no user), and what the catalog says', async () => {
    const {code, report} = await check(['--live', 'mysql-digest'])
    expect(code).toBe(1)
    // One digest per statement shape, whoever ran it: orders_svc's update and billing_svc's two are one row of 3.
    const write = find(report, 'foreign-write', 'unknown', 'orders')!
    expect(write).toMatchObject({severity: 'error', context: 'orders', access: 'write'})
    expect(write.evidence).toMatchObject({count: 4, statements: 2, firstSeen: null, lastSeen: null, source: null})
    expect(write.evidence!.sample).toMatch(/^update `?orders`? set `?total`? = \? where `?id`? = \?$/i)
    expect(find(report, 'foreign-write', 'unknown', 'invoices')!.evidence).toMatchObject({count: 1, statements: 1})
    expect(find(report, 'foreign-read', 'unknown', 'orders')!.evidence).toMatchObject({count: 1, statements: 1})
    expect(report.findings.filter((f) => f.consumer === 'orders-service' || f.consumer === 'billing-service')).toEqual([])
    expect(find(report, 'unowned-table', null, 'scratch')).toMatchObject({severity: 'warning'})
    expect(find(report, 'missing-table', null, 'dunning_letters')).toMatchObject({context: 'billing'})
    expect(find(report, 'cross-context-fk', null, 'invoices')).toMatchObject({context: 'billing'})
  })

  it('names the service and the line from the same server\'s general log', async () => {
    const {code, report} = await check([server.generalLog])
    expect(code).toBe(1)
    const write = find(report, 'foreign-write', 'billing-service', 'orders')!
    expect(write.evidence).toMatchObject({count: 2, statements: 1})
    const line = readFileSync(server.generalLog, 'utf8').split('\n')[write.evidence!.source!.line - 1]!
    expect(line).toMatch(/\sQuery\tupdate orders set total = 7 where id = 1$/)
    // The general log's time, in the server's zone (the log does not say which).
    expect(write.evidence!.firstSeen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)
    expect(write.evidence!.firstSeen! <= write.evidence!.lastSeen!).toBe(true)
    expect(find(report, 'foreign-read', 'billing-service', 'orders')!.evidence).toMatchObject({count: 1})
    expect(report.findings.filter((f) => f.consumer === 'orders-service')).toEqual([])
  })
})

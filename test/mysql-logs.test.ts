/**
 * MySQL / MariaDB workload sources: general query log, slow query log, statement digests.
 * (a) small inline logs in a temp dir; (b) a real capture from the MariaDB/MySQL server in
 * CARVE_TEST_MYSQL_URL: both logs switched on for a moment, statements from two users, read back.
 */
import {randomBytes} from 'node:crypto'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {mkdtemp, rm, unlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import mysql from 'mysql2/promise'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openMysql} from '../src/db/mysql.js'
import {CarveError} from '../src/errors.js'
import type {StatementEvent} from '../src/workload/events.js'
import {emitDigests, readMysqlDigests, type DigestRow} from '../src/workload/sources/mysql-digest.js'
import {mysqlTimestampToIso, readMysqlGeneralLog} from '../src/workload/sources/mysql-general.js'
import {readMysqlSlowLog} from '../src/workload/sources/mysql-slow.js'
import {announcePtSkip, asPtAdmin, PT_QUERY_DIGEST, ptCounts} from './support/pt-query-digest.js'
import {MYSQL_URL, announceSkip, siblingDatabaseUrl} from './support/servers.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'carve-mysql-logs-'))
})

afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true})
})

async function write(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

async function collect(read: (path: string, sink: (e: StatementEvent) => void) => Promise<unknown>, path: string) {
  const events: StatementEvent[] = []
  const report = await read(path, (e) => events.push(e))
  return {events, report: report as Awaited<ReturnType<typeof readMysqlGeneralLog>>}
}

const general = (path: string, sink: (e: StatementEvent) => void) => readMysqlGeneralLog(path, sink, {})
const slow = (path: string, sink: (e: StatementEvent) => void) => readMysqlSlowLog(path, sink, {})

/** The fields that matter, without file (differs between copies). */
const brief = (e: StatementEvent) => ({sql: e.sql, session: e.session, user: e.user, client: e.client, database: e.database, at: e.at, line: e.line})

const MARIADB_GENERAL = [
  '/usr/sbin/mariadbd, Version: 10.11.19-MariaDB-0+deb12u1 (Debian 12). started with:',
  'Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock',
  'Time\t\t    Id Command\tArgument',
  'this line is garbage', // 4
  '251121 18:40:01\t    12 Connect\torders_svc@localhost as anonymous on shop', // 5
  '\t\t    12 Query\tselect * from orders where id = 1', // 6
  '\t\t    13 Connect\tbilling@10.0.0.7 on  using TCP/IP', // 7
  'more garbage after a Connect', // 8
  '\t\t    13 Init DB\tbilling', // 9
  '\t\t    13 Query\tselect o.id,', // 10
  '  o.total',
  '',
  'from shop.orders o   ',
  'where o.id = 2',
  '251121 18:40:02\t    12 Prepare\tselect * from order_lines where order_id = ?', // 15
  '\t\t    12 Execute\tselect * from order_lines where order_id = 7', // 16
  '\t\t    12 Close stmt\t', // 17
  '\t\t    12 Query\tuse `shop2`', // 18
  '\t\t    12 Query\tupdate t set a = 1', // 19
  '\t\t    12 Quit\t', // 20
  '251122  8:00:00\t    12 Query\tselect \'after quit\'', // 21
  '\t\t    14 Connect\tAccess denied for user \'x\'@\'localhost\' (using password: YES)', // 22
  '\t\t    13 Quit\t', // 23
  '',
].join('\n')

describe('general query log (inline)', () => {
  it('MariaDB format: carried timestamps, connections, Init DB, use, Prepare/Execute, Quit, multi-line statements, garbage', async () => {
    const path = await write('mariadb-general.log', MARIADB_GENERAL)
    const {events, report} = await collect(general, path)
    expect(events.map(brief)).toEqual([
      {sql: 'select * from orders where id = 1', session: '12', user: 'orders_svc', client: 'localhost', database: 'shop', at: '2025-11-21T18:40:01', line: 6},
      {sql: 'select o.id,\n  o.total\n\nfrom shop.orders o   \nwhere o.id = 2', session: '13', user: 'billing', client: '10.0.0.7', database: 'billing', at: '2025-11-21T18:40:01', line: 10},
      {sql: 'select * from order_lines where order_id = 7', session: '12', user: 'orders_svc', client: 'localhost', database: 'shop', at: '2025-11-21T18:40:02', line: 16},
      {sql: 'use `shop2`', session: '12', user: 'orders_svc', client: 'localhost', database: 'shop', at: '2025-11-21T18:40:02', line: 18},
      {sql: 'update t set a = 1', session: '12', user: 'orders_svc', client: 'localhost', database: 'shop2', at: '2025-11-21T18:40:02', line: 19},
      {sql: "select 'after quit'", session: '12', user: undefined, client: undefined, database: undefined, at: '2025-11-22T08:00:00', line: 21},
    ])
    expect(events.every((e) => e.calls === 1 && e.file === path)).toBe(true)
    expect(report).toMatchObject({format: 'mysql-general', lines: 23, events: 6, from: '2025-11-21T18:40:01', to: '2025-11-22T08:00:00'})
    expect(report.warnings).toEqual([{file: path, line: 4, message: '2 lines that are not general-log entries (lines 4, 8)'}])
  })

  it('MySQL 5.7+/8 format: an ISO timestamp on every entry', async () => {
    const path = await write('mysql8-general.log', [
      '/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:',
      'Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock',
      'Time                 Id Command    Argument',
      '2025-11-21T18:40:01.123456Z\t   12 Connect\torders_svc@127.0.0.1 on shop using TCP/IP',
      '2025-11-21T18:40:01.123789Z\t   12 Query\tSET NAMES utf8mb4',
      '2025-11-21T18:40:01.200000Z\t   12 Query\tinsert into orders (id, note)',
      "values (1, 'two\tlines')",
      '2025-11-21T18:40:02.000001Z\t   12 Quit\t',
      '2025-11-21T19:40:03.5+01:00\t 4711 Query\tselect 2',
    ].join('\n'))
    const {events, report} = await collect(general, path)
    expect(events.map(brief)).toEqual([
      {sql: 'SET NAMES utf8mb4', session: '12', user: 'orders_svc', client: '127.0.0.1', database: 'shop', at: '2025-11-21T18:40:01.123789Z', line: 5},
      {sql: "insert into orders (id, note)\nvalues (1, 'two\tlines')", session: '12', user: 'orders_svc', client: '127.0.0.1', database: 'shop', at: '2025-11-21T18:40:01.200000Z', line: 6},
      {sql: 'select 2', session: '4711', user: undefined, client: undefined, database: undefined, at: '2025-11-21T19:40:03.5+01:00', line: 9},
    ])
    expect(report).toMatchObject({lines: 9, events: 3, warnings: [], from: '2025-11-21T18:40:01.123456Z'})
  })

  it('a server restart in the middle forgets the connections', async () => {
    const path = await write('restart.log', [
      '251121 18:40:01\t    5 Connect\ta@localhost on shop',
      '\t\t    5 Query\tselect 1',
      '/usr/sbin/mariadbd, Version: 10.11.19-MariaDB-0+deb12u1 (Debian 12). started with:',
      'Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock',
      'Time\t\t    Id Command\tArgument',
      '251121 18:41:00\t    5 Query\tselect 2',
    ].join('\n'))
    const {events, report} = await collect(general, path)
    expect(events.map((e) => [e.sql, e.user])).toEqual([['select 1', 'a'], ['select 2', undefined]])
    expect(report.warnings).toEqual([])
  })

  it('a gzip-compressed copy gives the same events; an empty file gives none', async () => {
    const plain = await write('copy.log', MARIADB_GENERAL)
    const gz = await write('copy.log.gz', gzipSync(Buffer.from(MARIADB_GENERAL)))
    const a = await collect(general, plain)
    const b = await collect(general, gz)
    expect(b.events.map(brief)).toEqual(a.events.map(brief))
    expect(b.report.events).toBe(a.report.events)

    const empty = await write('empty.log', '')
    expect(await collect(general, empty)).toEqual({events: [], report: {format: 'mysql-general', lines: 0, events: 0, warnings: [], from: undefined, to: undefined}})
  })

  it('never throws on garbage (binary, invalid UTF-8); throws only when the file cannot be opened', async () => {
    const junk = Buffer.concat([
      Buffer.from('\x00\x01\x02 binary\n'),
      Buffer.from('251121 18:40:01\t    1 Query\tselect \''),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("'\n"),
      Buffer.from(Array.from({length: 2000}, (_, i) => ((i * 7919 + 13) % 251 === 10 ? 11 : (i * 7919 + 13) % 251))), // noise, one line
      Buffer.from('\n'),
    ])
    const path = await write('junk.log', junk)
    const {events, report} = await collect(general, path)
    expect(events).toHaveLength(1)
    expect(report.warnings.map((w) => w.message).join('\n')).toMatch(/binary lines skipped/)
    await expect(readMysqlGeneralLog(join(dir, 'missing.log'), () => {}, {})).rejects.toThrow(/ENOENT/)
  })

  it('lists at most 20 line numbers of garbage, with the full count', async () => {
    const path = await write('garbage.log', Array.from({length: 30}, (_, i) => `garbage ${i}`).join('\n'))
    const {report} = await collect(general, path)
    expect(report.warnings).toHaveLength(1)
    expect(report.warnings[0]!.message).toBe(`30 lines that are not general-log entries (lines ${Array.from({length: 20}, (_, i) => i + 1).join(', ')}, …)`)
  })

  it('normalizes timestamps', () => {
    expect(mysqlTimestampToIso('251121  8:40:01')).toBe('2025-11-21T08:40:01')
    expect(mysqlTimestampToIso('991231 23:59:59')).toBe('1999-12-31T23:59:59')
    expect(mysqlTimestampToIso('2025-11-21T18:40:01.123456Z')).toBe('2025-11-21T18:40:01.123456Z')
  })
})

describe('slow query log (inline)', () => {
  it('MySQL format: timings, rows, users, sessions, `use` carried per session, admin commands skipped', async () => {
    const path = await write('mysql-slow.log', [
      '/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:',
      'Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock',
      'Time                 Id Command    Argument',
      '# Time: 2025-11-21T18:40:01.123456Z', // 4
      '# User@Host: orders_svc[orders_svc] @ localhost [127.0.0.1]  Id:    12',
      '# Query_time: 0.000123  Lock_time: 0.000002 Rows_sent: 1  Rows_examined: 1',
      'use shop;',
      'SET timestamp=1763750401;',
      'select * from orders where id = 1;',
      '# Time: 2025-11-21T18:40:01.223456Z', // 10
      '# User@Host: billing[billing] @  [10.0.0.7]  Id:    13',
      '# Query_time: 0.002000  Lock_time: 0.000010 Rows_sent: 0  Rows_examined: 3',
      'SET timestamp=1763750401;',
      'update invoices',
      '   set status = \'paid\'',
      ' where id = 1;',
      '# Time: 2025-11-21T18:40:01.323456Z', // 17
      '# User@Host: orders_svc[orders_svc] @ localhost [127.0.0.1]  Id:    12',
      '# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 2  Rows_examined: 10',
      'SET timestamp=1763750401;',
      'select * from order_lines;',
      '# Time: 2025-11-21T18:40:02.000000Z',
      '# User@Host: orders_svc[orders_svc] @ localhost [127.0.0.1]  Id:    12',
      '# Query_time: 0.000005  Lock_time: 0.000000 Rows_sent: 0  Rows_examined: 0',
      'SET timestamp=1763750402;',
      '# administrator command: Quit;',
    ].join('\n'))
    const {events, report} = await collect(slow, path)
    expect(events.map((e) => ({...brief(e), totalMs: e.totalMs, rows: e.rows}))).toEqual([
      {sql: 'select * from orders where id = 1', session: '12', user: 'orders_svc', client: 'localhost', database: 'shop', at: '2025-11-21T18:40:01.123456Z', line: 4, totalMs: 0.123, rows: 1},
      {sql: "update invoices\n   set status = 'paid'\n where id = 1", session: '13', user: 'billing', client: '10.0.0.7', database: undefined, at: '2025-11-21T18:40:01.223456Z', line: 10, totalMs: 2, rows: 0},
      {sql: 'select * from order_lines', session: '12', user: 'orders_svc', client: 'localhost', database: 'shop', at: '2025-11-21T18:40:01.323456Z', line: 17, totalMs: 500, rows: 2},
    ])
    expect(report).toMatchObject({format: 'mysql-slow', lines: 26, events: 3, warnings: [], from: '2025-11-21T18:40:01.123456Z', to: '2025-11-21T18:40:01.323456Z'})
  })

  it('MariaDB format: # Time once a second, Thread_id/Schema fields, Rows_affected, a statement that is itself `use`', async () => {
    const path = await write('mariadb-slow.log', [
      '/usr/sbin/mariadbd, Version: 10.11.19-MariaDB-0+deb12u1 (Debian 12). started with:',
      'Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock',
      'Time\t\t    Id Command\tArgument',
      'garbage before any entry', // 4
      '# Time: 251121 19:01:28', // 5
      '# User@Host: root[root] @  [127.0.0.1]',
      '# Thread_id: 38  Schema: test  QC_hit: No',
      '# Query_time: 0.003894  Lock_time: 0.000059  Rows_sent: 0  Rows_examined: 1',
      '# Rows_affected: 3  Bytes_sent: 52',
      'use `test`;',
      'SET timestamp=1795287688;',
      "update probe_t set v='c' where id=1;",
      '# User@Host: root[root] @  [127.0.0.1]', // 13
      '# Thread_id: 38  Schema: mysql  QC_hit: No',
      '# Query_time: 0.000041  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0',
      '# Rows_affected: 0  Bytes_sent: 21',
      'use `mysql`;',
      'SET timestamp=1795287690;',
      'use mysql;',
      '# User@Host: app[app] @ localhost []', // 20
      '# Thread_id: 40  Schema:   QC_hit: No',
      '# Query_time: 1.100192  Lock_time: 0.000000  Rows_sent: 1  Rows_examined: 0',
      '# Rows_affected: 0  Bytes_sent: 67',
      'SET timestamp=1795287690;',
      'select sleep(1.1);',
    ].join('\n'))
    const {events, report} = await collect(slow, path)
    expect(events.map((e) => ({...brief(e), totalMs: e.totalMs, rows: e.rows}))).toEqual([
      {sql: "update probe_t set v='c' where id=1", session: '38', user: 'root', client: '127.0.0.1', database: 'test', at: '2026-11-21T19:01:28.000Z', line: 5, totalMs: 3.894, rows: 3},
      {sql: 'use mysql', session: '38', user: 'root', client: '127.0.0.1', database: 'mysql', at: '2026-11-21T19:01:30.000Z', line: 13, totalMs: 0.041, rows: 0},
      {sql: 'select sleep(1.1)', session: '40', user: 'app', client: 'localhost', database: undefined, at: '2026-11-21T19:01:30.000Z', line: 20, totalMs: 1100.192, rows: 1},
    ])
    expect(report.warnings).toEqual([{file: path, line: 4, message: '1 lines that are not slow-log entries (line 4)'}])
    const gz = await write('mariadb-slow.log.gz', gzipSync(await import('node:fs').then((fs) => fs.readFileSync(path))))
    expect((await collect(slow, gz)).events.map(brief)).toEqual(events.map(brief))
  })

  it('an empty file, garbage only, and a missing file', async () => {
    expect((await collect(slow, await write('empty-slow.log', ''))).report).toMatchObject({lines: 0, events: 0, warnings: []})
    const g = await collect(slow, await write('garbage-slow.log', 'x\n# y\n\n'))
    expect(g.report.events).toBe(0)
    expect(g.report.warnings[0]!.message).toBe('2 lines that are not slow-log entries (lines 1, 2)')
    await expect(readMysqlSlowLog(join(dir, 'missing-slow.log'), () => {}, {})).rejects.toThrow(/ENOENT/)
  })
})

/** A stand-in Connection answering the digest reader's three queries with canned rows. */
function fakeConnection(options: {performanceSchema: number; columns: string[]; rows: DigestRow[]}): Connection & {sqls: string[]} {
  const sqls: string[] = []
  return {
    engine: 'mysql', flavor: 'mysql', label: 'mysql://fake@db:3306/shop', database: 'shop', serverVersion: '8.0.36', serverMajor: 8, queryCount: 0,
    sqls,
    async query<T>(sql: string): Promise<T[]> {
      sqls.push(sql)
      if (sql.includes('@@performance_schema')) return [{on: options.performanceSchema}] as T[]
      if (sql.includes('information_schema.COLUMNS')) return options.columns.map((name) => ({name})) as T[]
      if (sql.includes('events_statements_summary_by_digest')) return options.rows as T[]
      throw new Error(`unexpected query ${sql}`)
    },
    async exec() {},
    async close() {},
  }
}

const ALL_COLUMNS = ['SCHEMA_NAME', 'DIGEST', 'DIGEST_TEXT', 'COUNT_STAR', 'SUM_TIMER_WAIT', 'SUM_ROWS_SENT', 'SUM_ROWS_AFFECTED', 'FIRST_SEEN', 'LAST_SEEN']

describe('statement digests (performance_schema)', () => {
  const rows: DigestRow[] = [
    {
      SCHEMA_NAME: 'shop', DIGEST_TEXT: 'SELECT * FROM `orders` WHERE `id` = ?', COUNT_STAR: 120, SUM_TIMER_WAIT: '2500000000000',
      SUM_ROWS_SENT: 120, SUM_ROWS_AFFECTED: 0, FIRST_SEEN: '2025-11-21 18:00:00.000001', LAST_SEEN: '2025-11-21 18:59:00.000000',
      QUERY_SAMPLE_TEXT: 'SELECT * FROM orders WHERE id = 42',
    },
    {
      SCHEMA_NAME: 'shop', DIGEST_TEXT: 'UPDATE `orders` SET `status` = ? WHERE `id` IN (...)', COUNT_STAR: '7', SUM_TIMER_WAIT: 7_000_000_000,
      SUM_ROWS_SENT: 0, SUM_ROWS_AFFECTED: '9', FIRST_SEEN: '2025-11-21 17:00:00.000000', LAST_SEEN: '2025-11-21 19:00:00.000000',
      QUERY_SAMPLE_TEXT: '',
    },
    {
      SCHEMA_NAME: null, DIGEST_TEXT: 'SELECT `a` , `b` , `c` FROM `very_long` JOIN `cut` ...', COUNT_STAR: 1, SUM_TIMER_WAIT: null,
      SUM_ROWS_SENT: null, SUM_ROWS_AFFECTED: null, FIRST_SEEN: null, LAST_SEEN: null, QUERY_SAMPLE_TEXT: null,
    },
  ]

  it('maps rows to events: sample text preferred, ps → ms, rows sent or affected, schema as database, truncation warned', async () => {
    const conn = fakeConnection({performanceSchema: 1, columns: [...ALL_COLUMNS, 'QUERY_SAMPLE_TEXT'], rows})
    const events: StatementEvent[] = []
    const report = await readMysqlDigests(conn, (e) => events.push(e))
    expect(conn.sqls.at(-1)).toMatch(/QUERY_SAMPLE_TEXT/)
    expect(events).toEqual([
      {sql: 'SELECT * FROM orders WHERE id = 42', calls: 120, totalMs: 2500, rows: 120, database: 'shop', file: 'performance_schema@mysql://fake@db:3306/shop', line: 1},
      {sql: 'UPDATE `orders` SET `status` = ? WHERE `id` IN (?)', calls: 7, totalMs: 7, rows: 9, database: 'shop', file: 'performance_schema@mysql://fake@db:3306/shop', line: 2},
      {sql: 'SELECT `a` , `b` , `c` FROM `very_long` JOIN `cut` ...', calls: 1, totalMs: 0, rows: 0, database: undefined, file: 'performance_schema@mysql://fake@db:3306/shop', line: 3},
    ])
    expect(report).toMatchObject({format: 'mysql-digest', lines: 3, events: 3, from: '2025-11-21T17:00:00.000000', to: '2025-11-21T19:00:00.000000'})
    expect(report.warnings).toHaveLength(1)
    expect(report.warnings[0]!.message).toMatch(/^1 digest text is truncated \(max_digest_length\).*rows 3\)/)
  })

  it('without QUERY_SAMPLE_TEXT (MySQL 5.7, MariaDB) the digest text is used', async () => {
    const conn = fakeConnection({performanceSchema: 1, columns: ALL_COLUMNS, rows: rows.slice(0, 1).map(({QUERY_SAMPLE_TEXT: _, ...r}) => r)})
    const events: StatementEvent[] = []
    await readMysqlDigests(conn, (e) => events.push(e))
    expect(conn.sqls.at(-1)).not.toMatch(/QUERY_SAMPLE_TEXT/)
    expect(events.map((e) => e.sql)).toEqual(['SELECT * FROM `orders` WHERE `id` = ?'])
    expect(emitDigests([], 'x', () => {})).toEqual({format: 'mysql-digest', lines: 0, events: 0, warnings: [], from: undefined, to: undefined})
  })

  it('performance_schema OFF or the table missing → workload.no-digests with a hint', async () => {
    for (const conn of [fakeConnection({performanceSchema: 0, columns: ALL_COLUMNS, rows}), fakeConnection({performanceSchema: 1, columns: [], rows})]) {
      const error = await readMysqlDigests(conn, () => {}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CarveError)
      expect((error as CarveError).code).toBe('workload.no-digests')
      expect((error as CarveError).hint).toMatch(/performance_schema=ON.*restart.*general query log/)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// (b) A real capture.

if (!MYSQL_URL) announceSkip('MariaDB/MySQL')
const suite = MYSQL_URL ? describe : describe.skip

suite('MySQL/MariaDB real capture', () => {
  const baseUrl = MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/carve'
  const target = siblingDatabaseUrl(baseUrl, 'logs')
  const tag = randomBytes(3).toString('hex')
  const users = {orders: `carve_ord_${tag}`, billing: `carve_bil_${tag}`, cli: `carve_cli_${tag}`}
  const password = `Carve-${tag}-pw`
  const hosts = ['%', 'localhost', '127.0.0.1']
  const generalFile = `/tmp/carve-genlog-${tag}.log`
  const slowFile = `/tmp/carve-slowlog-${tag}.log`
  const base = new URL(baseUrl)
  const urlFor = (user: string) => {
    const u = new URL(target.url)
    u.username = user
    u.password = password
    return u.toString()
  }
  let admin: mysql.Connection
  let saved: Record<string, string | number | null> | undefined
  let actualGeneralFile = ''
  let actualSlowFile = ''
  /** Connection ids of this run's sessions, learned from the server (not from the logs). */
  const threads: string[] = []
  let cliRan = false

  // What each user runs, in order (the mysql2 prepared statement shows as Prepare + Execute).
  const ordersSql = [
    'select * from orders where id = 1',
    'insert into orders (id, customer_id, total) values (10, 1, 9.50)',
    'update orders o join customers c on c.id = o.customer_id set o.total = o.total + 1 where c.id = 1',
    'select o.id,\n       l.sku\n  from orders o\n  join order_lines l on l.order_id = o.id',
  ]
  const billingSql = ['select * from customers where id = 1', "update customers set name = 'Ada L.' where id = 1"]

  async function restore(): Promise<void> {
    if (!saved || !admin) return
    await admin.query('SET GLOBAL general_log = 0')
    await admin.query('SET GLOBAL slow_query_log = 0')
    await admin.query('SET GLOBAL general_log_file = ?', [saved.general_log_file])
    await admin.query('SET GLOBAL slow_query_log_file = ?', [saved.slow_query_log_file])
    await admin.query('SET GLOBAL long_query_time = ?', [Number(saved.long_query_time)])
    await admin.query(`SET GLOBAL log_output = ?`, [saved.log_output])
    await admin.query('SET GLOBAL general_log = ?', [Number(saved.general_log)])
    await admin.query('SET GLOBAL slow_query_log = ?', [Number(saved.slow_query_log)])
    saved = undefined
  }

  beforeAll(async () => {
    admin = await mysql.createConnection({uri: baseUrl.replace(/^mariadb:/, 'mysql:'), multipleStatements: true})
    await admin.query(`CREATE DATABASE \`${target.name}\` CHARACTER SET utf8mb4`)
    await admin.query(`USE \`${target.name}\`;
      CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);
      CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2) NOT NULL);
      CREATE TABLE order_lines (order_id INT NOT NULL, sku VARCHAR(20) NOT NULL, PRIMARY KEY (order_id, sku));
      INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace');
      INSERT INTO orders VALUES (1, 1, 10.00), (2, 2, 20.00);
      INSERT INTO order_lines VALUES (1, 'A-1'), (1, 'B-2');`)
    for (const user of Object.values(users)) {
      for (const h of hosts) {
        await admin.query(`CREATE USER '${user}'@'${h}' IDENTIFIED BY '${password}'`)
        await admin.query(`GRANT ALL ON \`${target.name}\`.* TO '${user}'@'${h}'`)
      }
    }
    const [rows] = await admin.query(
      // GLOBAL: slow_query_log and long_query_time also have session values, copied at connect time.
      'SELECT @@GLOBAL.general_log AS general_log, @@GLOBAL.general_log_file AS general_log_file, @@GLOBAL.log_output AS log_output, ' +
        '@@GLOBAL.slow_query_log AS slow_query_log, @@GLOBAL.slow_query_log_file AS slow_query_log_file, @@GLOBAL.long_query_time AS long_query_time',
    )
    saved = (rows as Record<string, string | number | null>[])[0]!
    try {
      await admin.query('SET GLOBAL general_log_file = ?', [generalFile])
      await admin.query('SET GLOBAL slow_query_log_file = ?', [slowFile])
      await admin.query("SET GLOBAL log_output = 'FILE'")
      await admin.query('SET GLOBAL long_query_time = 0') // only connections opened from now on
      await admin.query('SET GLOBAL general_log = 1')
      await admin.query('SET GLOBAL slow_query_log = 1')
      const [files] = await admin.query('SELECT @@GLOBAL.general_log_file AS g, @@GLOBAL.slow_query_log_file AS s, @@GLOBAL.general_log AS gon, @@GLOBAL.slow_query_log AS son')
      const f = (files as {g: string; s: string; gon: number; son: number}[])[0]!
      actualGeneralFile = f.g
      actualSlowFile = f.s
      expect([f.gon, f.son]).toEqual([1, 1])

      const orders = await openMysql(urlFor(users.orders))
      const billing = await mysql.createConnection({host: base.hostname, port: Number(base.port || 3306), user: users.billing, password, database: target.name})
      const [ids] = await admin.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [users.orders])
      threads.push(...(ids as {id: number}[]).map((r) => String(r.id)), String(billing.threadId))
      try {
        await orders.query(ordersSql[0]!)
        await billing.query(billingSql[0]!)
        await orders.query(ordersSql[1]!)
        await billing.execute('select name from customers where id = ?', [2])
        await orders.query(ordersSql[2]!)
        await billing.query(billingSql[1]!)
        await orders.query(ordersSql[3]!)
        await billing.unprepare('select name from customers where id = ?') // Close stmt
      } finally {
        await orders.close()
        await billing.end()
      }
      // Change user: connect without a database, then switch to it.
      const switcher = await mysql.createConnection({host: base.hostname, port: Number(base.port || 3306), user: users.cli, password})
      threads.push(String(switcher.threadId))
      try {
        await switcher.changeUser({user: users.cli, password, database: target.name})
        // MariaDB's verbose slow-log entries: `# Full_scan:` lines and `# explain:` rows (with `;` inside) in the header.
        await switcher.query("SET SESSION log_slow_verbosity = 'query_plan,explain'")
        await switcher.query('select count(*) from orders o join customers c on c.id = o.customer_id')
      } finally {
        await switcher.end()
      }
      // The mysql client: Init DB for `use`, its own start-up queries, a statement over two lines.
      const cli = spawnSync('mysql', ['-h', base.hostname, '-P', base.port || '3306', '-u', users.cli, `-p${password}`, '-N', '-B', '-e',
        `use ${target.name}; select connection_id(); select o.id,\n  c.name from orders o join customers c on c.id = o.customer_id;`], {encoding: 'utf8'})
      if (cli.status === 0) {
        threads.push(cli.stdout.trim().split('\n')[0]!.trim())
        cliRan = true
      } else {
        console.warn(`[carve tests] the mysql client did not run (${cli.error?.message ?? cli.stderr.trim()}): no Init DB in the capture`)
      }
    } finally {
      await restore()
    }
  }, 60_000)

  afterAll(async () => {
    if (!admin) return
    await restore().catch(() => {})
    await admin.query(`DROP DATABASE IF EXISTS \`${target.name}\``)
    for (const user of Object.values(users)) for (const h of hosts) await admin.query(`DROP USER IF EXISTS '${user}'@'${h}'`)
    await admin.end()
    for (const f of [generalFile, slowFile, actualGeneralFile, actualSlowFile]) if (f && existsSync(f)) await unlink(f).catch(() => {})
  }, 30_000)

  const ours = (events: StatementEvent[]) => events.filter((e) => e.user === users.orders || e.user === users.billing)

  it('the server wrote where we asked', () => {
    expect(actualGeneralFile).toBe(generalFile)
    expect(actualSlowFile).toBe(slowFile)
  })

  it('general log: every statement once, with its user, client, database and session', async () => {
    const {events: all, report} = await collect(general, actualGeneralFile)
    expect(report.format).toBe('mysql-general')
    expect(report.warnings).toEqual([])
    expect(report.from).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/)
    const events = ours(all)
    const of = (user: string) => events.filter((e) => e.user === user)
    for (const sql of ordersSql) expect(of(users.orders).filter((e) => e.sql === sql)).toHaveLength(1)
    for (const sql of billingSql) expect(of(users.billing).filter((e) => e.sql === sql)).toHaveLength(1)
    // the prepared statement: Execute with the value inlined, the Prepare itself is not an execution
    expect(of(users.billing).filter((e) => e.sql === 'select name from customers where id = 2')).toHaveLength(1)
    expect(events.some((e) => e.sql.includes('id = ?'))).toBe(false)
    // openMysql asks for the version once when it connects; nothing else ran
    expect(of(users.orders)).toHaveLength(ordersSql.length + 1)
    expect(of(users.billing)).toHaveLength(billingSql.length + 1)
    expect(events.every((e) => e.database === target.name && e.calls === 1 && !!e.client && !!e.at && e.file === actualGeneralFile)).toBe(true)
    const sessions = (user: string) => new Set(of(user).map((e) => e.session))
    expect(sessions(users.orders).size).toBe(1)
    expect(sessions(users.billing).size).toBe(1)
    expect([...sessions(users.orders)][0]).not.toBe([...sessions(users.billing)][0])
  })

  it('slow log (long_query_time=0): every statement with time, rows, user, database and the same sessions', async () => {
    const [g, s] = await Promise.all([collect(general, actualGeneralFile), collect(slow, actualSlowFile)])
    expect(s.report.format).toBe('mysql-slow')
    expect(s.report.warnings).toEqual([])
    const events = ours(s.events)
    const one = (sql: string) => {
      const found = events.filter((e) => e.sql === sql)
      expect(found, sql).toHaveLength(1)
      return found[0]!
    }
    for (const sql of [...ordersSql, ...billingSql]) {
      const e = one(sql)
      expect(e.database).toBe(target.name)
      expect(typeof e.totalMs).toBe('number')
      expect(e.totalMs).toBeGreaterThanOrEqual(0)
      expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT/)
    }
    expect(one(ordersSql[0]!).rows).toBe(1)
    expect(one(ordersSql[3]!).rows).toBe(2)
    expect(one(billingSql[1]!).rows).toBe(1) // rows affected (MariaDB logs Rows_affected)
    expect(one(ordersSql[0]!).user).toBe(users.orders)
    expect(one(billingSql[0]!).user).toBe(users.billing)
    expect(one('select name from customers where id = 2').user).toBe(users.billing)
    const generalSession = (user: string) => ours(g.events).find((e) => e.user === user)?.session
    expect(one(ordersSql[0]!).session).toBe(generalSession(users.orders))
    expect(one(billingSql[0]!).session).toBe(generalSession(users.billing))
  })

  it('administrator commands: counted apart, per command, with their sessions', async () => {
    const admin: Record<string, number> = {}
    const {events} = await collect((path, sink) => readMysqlGeneralLog(path, sink, {onAdminCommand: (c, s) => s !== undefined && threads.includes(s) && (admin[c] = (admin[c] ?? 0) + 1)}), actualGeneralFile)
    expect(threads).toHaveLength(cliRan ? 4 : 3)
    expect(admin).toMatchObject({Connect: threads.length, Quit: threads.length, Prepare: 1, 'Close stmt': 1, 'Change user': 1, ...(cliRan ? {'Init DB': 1} : {})})
    expect(events.some((e) => /^(Connect|Quit|Init DB)\b/.test(e.sql))).toBe(false)
    if (cliRan) expect(events.filter((e) => e.session === threads[3]).map((e) => e.database).at(-1)).toBe(target.name)
  })

  it('slow log: MariaDB\'s explain lines stay in the header; the statement and its database are read', async () => {
    expect(readFileSync(actualSlowFile, 'utf8')).toMatch(/^# explain: .*;/m)
    const {events, report} = await collect(slow, actualSlowFile)
    expect(report.warnings).toEqual([])
    const join = events.filter((e) => e.session === threads[2] && e.sql === 'select count(*) from orders o join customers c on c.id = o.customer_id')
    expect(join).toHaveLength(1)
    expect(join[0]!).toMatchObject({user: users.cli, database: target.name, rows: 1})
    expect(events.some((e) => e.sql.includes('explain:') || e.sql.includes('Full_scan'))).toBe(false)
  })

  it('pt-query-digest counts the same statements and administrator commands in both logs (this run\'s sessions)', async (ctx) => {
    if (!PT_QUERY_DIGEST) {
      announcePtSkip()
      return ctx.skip()
    }
    for (const [type, file] of [['genlog', actualGeneralFile], ['slowlog', actualSlowFile]] as const) {
      const admin: Record<string, number> = {}
      const events: StatementEvent[] = []
      const options = {onAdminCommand: (c: string, s: string | undefined) => void (s !== undefined && threads.includes(s) && (admin[c] = (admin[c] ?? 0) + 1))}
      const push = (e: StatementEvent) => void (e.session !== undefined && threads.includes(e.session) && events.push(e))
      await (type === 'genlog' ? readMysqlGeneralLog(file, push, options) : readMysqlSlowLog(file, push, options))
      expect(events.length, type).toBeGreaterThanOrEqual(10)
      const pt = ptCounts(type, file, threads)
      // pt-query-digest counts a general log's Execute as an administrator command; Carve, as the statement it ran.
      const executes = type === 'genlog' ? 1 : 0
      expect(pt.queries + (type === 'genlog' ? (pt.admin.Execute ?? 0) : 0), type).toBe(events.length)
      expect(pt.admin, type).toEqual(asPtAdmin(type, admin, executes))
    }
  })

  it('statement digests: MariaDB without performance_schema says how to enable it', async () => {
    const conn = await openMysql(baseUrl)
    try {
      const [row] = await conn.query<{on: number}>('SELECT @@performance_schema AS `on`')
      if (Number(row?.on) === 1) {
        // A server with performance_schema on: the digests of this run are readable.
        const report = await readMysqlDigests(conn, () => {})
        expect(report.format).toBe('mysql-digest')
        return
      }
      const error = await readMysqlDigests(conn, () => {}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CarveError)
      expect((error as CarveError).code).toBe('workload.no-digests')
      expect((error as CarveError).message).toMatch(/performance_schema is OFF/)
      expect((error as CarveError).hint).toMatch(/performance_schema=ON/)
    } finally {
      await conn.close()
    }
  })
})

/**
 * PostgreSQL log readers: stderr with any log_line_prefix, csvlog, jsonlog; gzip; garbage.
 * Unit cases on small texts, a fuzz run, and a capture from a real PostgreSQL server that logs
 * the same traffic in all three formats.
 */
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StatementEvent} from '../src/workload/events.js'
import {ingest} from '../src/workload/ingest.js'
import {countCsvlogRecords, readPgCsvLog, readPgJsonLog, readPgStderrLog} from '../src/workload/sources/pg-logs.js'
import {compilePrefix, detectPrefix} from '../src/workload/sources/pg-prefix.js'
import {clusterUnavailableReason, type PgCluster, startPgCluster} from './support/pg-cluster.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'carve-pglogs-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

async function collect(read: (path: string, sink: (e: StatementEvent) => void) => Promise<{warnings: {message: string}[]}>, path: string) {
  const events: StatementEvent[] = []
  const report = await read(path, (e) => events.push(e))
  return {events, report}
}

describe('log_line_prefix', () => {
  it('parses every escape into fields', () => {
    const m = compilePrefix('%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ')
    expect(m.match('2026-11-21 18:00:00 UTC [123]: [4-1] user=orders_svc,db=shop,app=orders api,client=10.0.0.7 LOG:  statement: select 1')).toEqual({
      fields: {timestamp: '2026-11-21 18:00:00 UTC', pid: '123', lineNumber: '4', user: 'orders_svc', database: 'shop', application: 'orders api', client: '10.0.0.7'},
      severity: 'LOG',
      message: 'statement: select 1',
    })
    const v = compilePrefix('%m %c %v %x %r %Q ')
    expect(v.match('2026-11-21 18:00:00.123 UTC 6b01.4cdb 3/7 0 10.1.2.3(5432) -381 LOG:  duration: 1 ms')?.fields).toEqual({
      timestamp: '2026-11-21 18:00:00.123 UTC', session: '6b01.4cdb', vxid: '3/7', xid: '0', client: '10.1.2.3', queryId: '-381',
    })
  })

  it('%q makes the session part optional; padding is accepted', () => {
    const m = compilePrefix('%m [%p] %q%u@%d ')
    expect(m.match('2026-11-21 18:00:00.590 UTC [19664] LOG:  checkpoint starting')?.fields).toEqual({timestamp: '2026-11-21 18:00:00.590 UTC', pid: '19664'})
    expect(m.match('2026-11-21 18:00:00.590 UTC [19675] app@shop LOG:  statement: select 1')?.fields.user).toBe('app')
    expect(compilePrefix('%-10u|').match('bob       |LOG:  x')?.fields.user).toBe('bob')
  })

  it('detects the prefix of a file from its lines', () => {
    const lines = ['2026-11-21 18:00:00 UTC [1]: [1-1] user=a,db=b,app=c,client=d LOG:  statement: select 1']
    expect(detectPrefix(lines)?.prefix).toBe('%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ')
    expect(detectPrefix(['this is not a log'])).toBeNull()
  })
})

describe('log_line_prefix inferred from the lines (any prefix)', () => {
  const cases: [string, string[], Record<string, string>][] = [
    ['%t:%r:%u@%d:[%p]:', [
      '2026-11-21 18:00:00 UTC:10.0.0.7(5432):orders@shop:[123]:LOG:  statement: select 1',
      '2026-11-21 18:00:00 UTC::@:[99]:LOG:  checkpoint starting: time',
    ], {client: '10.0.0.7', user: 'orders', database: 'shop', pid: '123'}],
    ['%t-%c-', ['2026-11-21 18:00:00 UTC-6b01eaf3.4cdb-LOG:  statement: select 1'], {session: '6b01eaf3.4cdb'}],
    ['%m [%p] %Q %u@%d %a ', [
      '2026-11-21 18:00:00.123 UTC [123] -6073449395435404735 orders@shop api LOG:  statement: select 1',
      '2026-11-21 18:00:00.124 UTC [124] 4411212121212 orders@shop api LOG:  statement: select 2',
    ], {queryId: '-6073449395435404735', user: 'orders', database: 'shop', application: 'api'}],
    ['%n|%e|%v|%x|%u@%d|', ['1795284000.123|00000|3/7|0|orders@shop|LOG: statement: select 1'], {timestamp: '1795284000.123', vxid: '3/7', xid: '0', user: 'orders', database: 'shop'}],
  ]
  for (const [prefix, lines, fields] of cases) {
    it(`${prefix} (LOG: with one or two spaces)`, () => {
      const m = detectPrefix(lines)
      expect(m?.prefix).toBe(prefix)
      expect(m!.match(lines[0]!)!.fields).toMatchObject(fields)
      expect(m!.match(lines[0]!)!.message).toMatch(/^statement: select 1$/)
    })
  }

  it('a stderr line with many commas is not csvlog; csvlog needs 22–26 fields where csvlog puts them', () => {
    const rds = `2026-11-21 18:00:00 UTC:10.0.0.7(5432):orders@shop:[123]:LOG:  statement: insert into t values (${Array.from({length: 30}, (_, i) => i).join(',')})`
    expect(countCsvlogRecords([rds, rds])).toBe(0)
    const csv = '2026-11-21 19:03:15.686 UTC,"orders","shop",19675,"127.0.0.1:45378",6b01eaf3.4cdb,1,"idle",2026-11-21 19:03:15 UTC,3/2,0,LOG,00000,"statement: select 1",,,,,,,,,"orders-api","client backend",,0'
    expect(countCsvlogRecords([csv, `"${csv.replace(',', '",')}`])).toBe(2)
  })
})

describe('envelopes without a server', () => {
  it('journald with stderr captured by systemd: a statement\'s tab-led lines are records of their own, joined back', async () => {
    const lines = [
      '2026-11-21 18:00:00.100 UTC [10] orders@shop LOG:  statement: select *',
      '\tfrom orders o join users u on u.id = o.user_id',
      '2026-11-21 18:00:00.200 UTC [11] billing@shop LOG:  statement: update invoices set x = 1',
    ]
    const path = file('stderr-journal.json', lines.map((l, i) => JSON.stringify({__REALTIME_TIMESTAMP: String(1795284000000000 + i), _PID: i === 2 ? '11' : '10', SYSLOG_IDENTIFIER: 'postgres', MESSAGE: l})).join('\n') + '\n')
    const w = await ingest({files: [path], workers: 1})
    expect(w.sources[0]!.format).toBe('pg-journald')
    expect(w.totals.calls).toBe(2)
    expect(w.joins.map((j) => j.tables)).toEqual([['orders', 'users']])
    expect(w.sources[0]!.warnings).toEqual([])
  })

  it('Heroku logplex with and without the attachment name', async () => {
    const prefix = 'sql_error_code = 00000 '
    const lines = [
      `2026-11-21T18:00:00.000001+00:00 app[postgres.42]: [DATABASE] [7-1] ${prefix}LOG:  statement: select *`,
      '2026-11-21T18:00:00.000002+00:00 app[postgres.42]: [DATABASE] [7-2] from orders',
      `2026-11-21T18:00:00.000003+00:00 app[postgres.43]: [8-1] ${prefix}LOG:  statement: delete from invoices`,
    ]
    const w = await ingest({files: [file('heroku.log', lines.join('\n') + '\n')], workers: 1})
    expect(w.sources[0]!.format).toBe('pg-heroku')
    expect(w.statements.map((s) => s.text).sort()).toEqual(['delete from invoices', 'select * from orders'])
  })
})

describe('stderr, csvlog and jsonlog readers', () => {
  const STDERR = [
    '2026-11-21 18:00:00.100 UTC [10] orders@shop LOG:  statement: select *',
    '\tfrom orders',
    '\twhere id = 1',
    '2026-11-21 18:00:00.200 UTC [11] billing@shop LOG:  execute <unnamed>: insert into invoices (id) values ($1)',
    '2026-11-21 18:00:00.200 UTC [11] billing@shop DETAIL:  parameters: $1 = \'7\'',
    '2026-11-21 18:00:00.300 UTC [10] orders@shop LOG:  duration: 0.250 ms',
    'garbage that is not a log line',
    '2026-11-21 18:00:00.400 UTC [12] orders@shop LOG:  duration: 1.500 ms  parse <unnamed>: select 2',
    '2026-11-21 18:00:00.401 UTC [12] orders@shop LOG:  duration: 0.500 ms  execute <unnamed>: select 2',
    '2026-11-21 18:00:00.500 UTC [13] LOG:  checkpoint complete',
    '2026-11-21 18:00:00.600 UTC [10] orders@shop ERROR:  relation "nope" does not exist',
  ].join('\n')

  it('stderr: multi-line statements, execute + parameters, bare and inline durations, parse skipped', async () => {
    const {events, report} = await collect((p, s) => readPgStderrLog(p, s), file('a.log', STDERR))
    expect(events.map((e) => [e.sql, e.user, e.totalMs, e.parameters, e.line])).toEqual([
      ['select *\nfrom orders\nwhere id = 1', 'orders', 0.25, undefined, 1],
      ['insert into invoices (id) values ($1)', 'billing', undefined, "$1 = '7'", 4],
      ['select 2', 'orders', 0.5, undefined, 9],
    ])
    expect(report.warnings.map((w) => w.message)).toEqual(['1 lines that are not log entries (line 7)'])
  })

  it('stderr: lines before any entry are counted as garbage', async () => {
    const {events, report} = await collect((p, s) => readPgStderrLog(p, s), file('b.log', 'junk\nmore junk\n' + STDERR))
    expect(events).toHaveLength(3)
    expect(report.warnings[0]!.message).toBe('3 lines that are not log entries (lines 1, 2, 9)')
  })

  it('gzip gives the same events; an empty or unknown file gives a warning, not a crash', async () => {
    const plain = await collect((p, s) => readPgStderrLog(p, s), file('c.log', STDERR))
    const gz = await collect((p, s) => readPgStderrLog(p, s), file('c.log.gz', gzipSync(STDERR)))
    expect(gz.events.map((e) => e.sql)).toEqual(plain.events.map((e) => e.sql))
    const truncated = await collect((p, s) => readPgStderrLog(p, s), file('d.log.gz', gzipSync(STDERR).subarray(0, gzipSync(STDERR).length - 12)))
    expect(truncated.report.warnings.some((w) => /truncated/.test(w.message))).toBe(true)
    const empty = await collect((p, s) => readPgStderrLog(p, s), file('e.log', ''))
    expect(empty.events).toEqual([])
    expect(empty.report.warnings[0]!.message).toMatch(/no line matches a known log_line_prefix/)
  })

  it('csvlog: quoted multi-line messages, detail in the same record, broken records counted', async () => {
    const rows = [
      '2026-11-21 19:03:15.686 UTC,"orders","shop",19675,"127.0.0.1:45378",6b01eaf3.4cdb,1,"idle",2026-11-21 19:03:15 UTC,3/2,0,LOG,00000,"statement: select ""x""',
      'from orders",,,,,,,,,"orders-api","client backend",,0',
      '2026-11-21 19:03:15.692 UTC,"billing","shop",19676,"127.0.0.1:45379",6b01eaf3.4cdc,2,"INSERT",2026-11-21 19:03:15 UTC,3/3,0,LOG,00000,"execute <unnamed>: insert into t values ($1)","parameters: $1 = \'5\'",,,,,,,,"","client backend",,-38',
      'not,a,csvlog,record',
    ]
    const {events, report} = await collect((p, s) => readPgCsvLog(p, s), file('a.csv', rows.join('\n')))
    expect(events.map((e) => [e.sql, e.user, e.application, e.client, e.session, e.txn, e.parameters])).toEqual([
      ['select "x"\nfrom orders', 'orders', 'orders-api', '127.0.0.1', '6b01eaf3.4cdb', '3/2', undefined],
      ['insert into t values ($1)', 'billing', undefined, '127.0.0.1', '6b01eaf3.4cdc', '3/3', "$1 = '5'"],
    ])
    expect(report.warnings.map((w) => w.message)).toEqual(['1 lines that are not csvlog records (line 4)'])
  })

  it('jsonlog: one record a line; non-JSON lines counted', async () => {
    const lines = [
      JSON.stringify({timestamp: '2026-11-21 19:03:15.686 UTC', user: 'u', dbname: 'shop', pid: 1, session_id: 's1', vxid: '3/2', error_severity: 'LOG', message: 'statement: select 1', application_name: 'orders'}),
      '{not json',
      JSON.stringify({hello: 'world'}),
    ]
    const {events, report} = await collect((p, s) => readPgJsonLog(p, s), file('a.json', lines.join('\n')))
    expect(events.map((e) => [e.sql, e.application, e.at])).toEqual([['select 1', 'orders', '2026-11-21 19:03:15.686 UTC']])
    expect(report.warnings.map((w) => w.message)).toEqual(['1 lines that are not JSON (line 2)', '1 JSON lines that are not jsonlog records (line 3)'])
  })

  it('binary lines, invalid UTF-8 and over-long lines are skipped and counted', async () => {
    const text = Buffer.concat([
      Buffer.from('2026-11-21 18:00:00.100 UTC [10] a@b LOG:  statement: select 1\n'),
      Buffer.from([0x00, 0x01, 0x02, 0x0a]),
      Buffer.from('2026-11-21 18:00:00.100 UTC [10] a@b LOG:  statement: select \'caf'), Buffer.from([0xe9, 0x27, 0x0a]),
      Buffer.from('2026-11-21 18:00:00.100 UTC [10] a@b LOG:  statement: select ' + 'x'.repeat(5000) + '\n'),
      Buffer.from('2026-11-21 18:00:00.100 UTC [11] a@b LOG:  statement: select 3\n'),
    ])
    const events: StatementEvent[] = []
    const report = await readPgStderrLog(file('bad.log', text), (e) => events.push(e), {maxLineBytes: 1000})
    expect(events.map((e) => e.sql)).toEqual(['select 1', "select 'caf\uFFFD'", 'select 3'])
    expect(report.warnings.map((w) => w.message)).toEqual([
      '1 lines with invalid UTF-8, read with replacement characters (line 3)',
      '1 binary lines skipped (line 2)',
      '1 over-long lines skipped (line 4)',
    ])
  })

  it('fuzz: random garbage mixed into logs never throws and never invents statements', async () => {
    let seed = 42
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
    const pieces = STDERR.split('\n')
    for (let round = 0; round < 60; round++) {
      const parts: Buffer[] = []
      for (let k = 0; k < 40; k++) {
        const r = rand()
        if (r < 0.5) parts.push(Buffer.from(pieces[Math.floor(rand() * pieces.length)]! + '\n'))
        else if (r < 0.8) parts.push(Buffer.from(Array.from({length: Math.floor(rand() * 80)}, () => Math.floor(rand() * 256))))
        else parts.push(Buffer.from(pieces[Math.floor(rand() * pieces.length)]!.slice(0, Math.floor(rand() * 60))))
      }
      const path = file(`fuzz-${round}.log`, Buffer.concat(parts))
      for (const read of [readPgStderrLog, readPgCsvLog, readPgJsonLog] as ((path: string, sink: (e: StatementEvent) => void) => Promise<{lines: number}>)[]) {
        const events: StatementEvent[] = []
        const report = await read(path, (e) => events.push(e))
        expect(events.length).toBeLessThanOrEqual(report.lines)
      }
      const wl = await ingest({files: [path], format: 'pg-stderr'}).catch((e: Error) => e)
      expect(wl).not.toBeInstanceOf(TypeError)
    }
  })
})

const clusterReason = clusterUnavailableReason()
if (clusterReason) console.warn(`[carve tests] SKIPPING real PostgreSQL log capture: ${clusterReason}`)

describe.skipIf(clusterReason !== null)('a real PostgreSQL server logging the same traffic as stderr, csvlog and jsonlog', () => {
  let cluster: PgCluster
  const files: Record<string, string> = {}
  beforeAll(async () => {
    cluster = await startPgCluster({
      logging_collector: 'on', log_destination: "'stderr,csvlog,jsonlog'", log_statement: "'all'",
      log_line_prefix: "'%m [%p] %q%u@%d %a '", log_min_duration_statement: 0,
    })
    const run = async (app: string, statements: (string | [string, unknown[]])[]) => {
      const c = new pg.Client({connectionString: cluster.url(), application_name: app})
      await c.connect()
      for (const s of statements) await (typeof s === 'string' ? c.query(s) : c.query(s[0], s[1]))
      await c.end()
    }
    await run('setup', ['create table orders (id int primary key, user_id int, total numeric)', 'create table order_lines (order_id int, sku text)', 'create table users (id int primary key, email text)'])
    await run('orders', [
      'BEGIN',
      ['insert into orders values ($1, $2, $3)', [1, 1, 10]],
      "insert into order_lines values (1, 'a')",
      'COMMIT',
      "/*application='checkout',route='%2Fpay'*/ select o.id,\n  u.email\nfrom orders o join users u on u.id = o.user_id",
    ])
    await run('reports', ['select count(*) from orders join order_lines on order_lines.order_id = orders.id'])
    await new Promise((r) => setTimeout(r, 300))
    for (const f of readdirSync(cluster.logDir)) files[f.split('.').pop()!] = join(cluster.logDir, f)
  })
  afterAll(async () => cluster?.stop())

  it('the three formats yield the same statements with the same attribution', async () => {
    const read = async (fn: (path: string, sink: (e: StatementEvent) => void) => Promise<unknown>, path: string) => {
      const events: StatementEvent[] = []
      await fn(path, (e) => events.push(e))
      return events.filter((e) => e.application !== 'setup').map((e) => [e.sql, e.application, e.user, e.database])
    }
    const stderr = await read(readPgStderrLog, files.log!)
    expect(stderr).toEqual(await read(readPgCsvLog, files.csv!))
    expect(stderr).toEqual(await read(readPgJsonLog, files.json!))
    expect(stderr.map((e) => e[0])).toEqual([
      'BEGIN', 'insert into orders values ($1, $2, $3)', "insert into order_lines values (1, 'a')", 'COMMIT',
      "/*application='checkout',route='%2Fpay'*/ select o.id,\n  u.email\nfrom orders o join users u on u.id = o.user_id",
      'select count(*) from orders join order_lines on order_lines.order_id = orders.id',
    ])
    expect(readFileSync(files.log!, 'utf8')).toContain('duration: ')
  })

  it('ingesting the csvlog gives services, access, joins and the multi-table transaction', async () => {
    const w = await ingest({files: [files.csv!]})
    expect(w.services.map((s) => s.name).sort()).toEqual(['checkout', 'orders', 'reports', 'setup'])
    const usage = Object.fromEntries(w.tables.map((t) => [t.table, t]))
    expect(usage.orders!.writers).toEqual({orders: 1})
    expect(usage.order_lines!.readers).toEqual({reports: 1})
    expect(usage.users!.readers).toEqual({checkout: 1})
    expect(w.transactions).toEqual([{tables: ['order_lines', 'orders'], calls: 1, services: {orders: 1}}])
    expect(w.joins.map((j) => j.tables)).toEqual(expect.arrayContaining([['order_lines', 'orders'], ['orders', 'users']]))
    expect(w.unparsed.calls).toBe(0)
    expect(w.window.from).toMatch(/^2\d{3}-/)
  })
})

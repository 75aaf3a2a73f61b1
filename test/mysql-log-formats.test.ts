/**
 * MySQL / MariaDB / Percona Server log layouts of server versions not running here, from the
 * documented formats (test/fixtures/mysql-logs/README.md says where each layout comes from).
 * Every fixture holds the same two sessions, so every layout must give the same statements, the
 * same attribution and the same administrator commands; pt-query-digest, when installed, must
 * count the same. The MariaDB 10.11 layouts are captured from the real server in mysql-logs.test.ts.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {workloadReport} from '../src/render/workload-report.js'
import type {StatementEvent} from '../src/workload/events.js'
import {ingest} from '../src/workload/ingest.js'
import {parseGeneralEntry} from '../src/workload/sources/mysql-general-entry.js'
import {readMysqlGeneralLog} from '../src/workload/sources/mysql-general.js'
import {readMysqlSlowLog} from '../src/workload/sources/mysql-slow.js'
import type {SourceReport} from '../src/workload/sources/report.js'
import {announcePtSkip, asPtAdmin, PT_QUERY_DIGEST, ptCounts} from './support/pt-query-digest.js'

const FIXTURES = join(import.meta.dirname, 'fixtures', 'mysql-logs')

async function read(kind: 'general' | 'slow', path: string): Promise<{events: StatementEvent[]; report: SourceReport}> {
  const events: StatementEvent[] = []
  const report = await (kind === 'general' ? readMysqlGeneralLog : readMysqlSlowLog)(path, (e) => events.push(e))
  return {events, report}
}

const JOIN_SQL = 'select o.id,\n       c.name\n  from orders o join customers c on c.id = o.customer_id'

describe('general log: every version layout gives the same statements and administrator commands', () => {
  // What the two sessions did (see the fixtures): 42 = app on shop, 43 = billing, database chosen by Init DB.
  const app = {session: '42', user: 'app', client: 'localhost', database: 'shop'}
  const billing = {session: '43', user: 'billing', client: '10.0.0.7', database: 'billing'}
  const statements = [
    {sql: 'select * from orders where id = 1', ...app},
    {sql: JOIN_SQL, ...app},
    {sql: 'update invoices set paid = 1 where id = 7', ...billing},
    {sql: 'select * from order_lines where order_id = 1', ...app}, // Execute, with the value bound
  ]
  const admin = {'Close stmt': 1, Connect: 2, 'Field List': 1, 'Init DB': 1, Ping: 1, Prepare: 1, Quit: 2, Statistics: 1}
  const layouts = [
    {file: 'mysql-5.0-general.log', from: '2005-10-07T21:55:24', to: '2005-10-07T21:55:26'},
    {file: 'mysql-5.1-general.log', from: '2008-11-19T09:13:31', to: '2008-11-19T09:13:33'},
    {file: 'mysql-5.7-general.log', from: '2016-07-20T18:13:25.100037Z', to: '2016-07-20T18:13:27.100518Z'},
    {file: 'mysql-8.0-general.log', from: '2025-11-21T19:40:01.200037+01:00', to: '2025-11-21T19:40:03.200518+01:00'},
  ]
  for (const layout of layouts) {
    it(layout.file, async () => {
      const path = join(FIXTURES, layout.file)
      const {events, report} = await read('general', path)
      expect(events.map(({sql, session, user, client, database}) => ({sql, session, user, client, database}))).toEqual(statements)
      expect(report).toMatchObject({format: 'mysql-general', events: 4, warnings: [], adminCommands: admin, from: layout.from, to: layout.to})
      if (!PT_QUERY_DIGEST) return announcePtSkip()
      const pt = ptCounts('genlog', path)
      expect(pt.queries + (pt.admin.Execute ?? 0)).toBe(report.events)
      expect(pt.admin).toEqual(asPtAdmin('genlog', report.adminCommands, 1))
    })
  }

  it('entry lines: 5.0 padded and cut command names, tabs or spaces, no timestamp, not an entry', () => {
    expect(parseGeneralEntry('051007 21:55:24\t      7 Delayed ins INSERT DELAYED INTO t VALUES (1)')).toEqual({
      time: '051007 21:55:24', id: '7', command: 'Delayed insert', argument: 'INSERT DELAYED INTO t VALUES (1)',
    })
    expect(parseGeneralEntry('\t\t      7 Connect Out ')).toMatchObject({command: 'Connect Out', argument: ''})
    // pt-query-digest's genlog003 sample: spaces where the timestamp was
    expect(parseGeneralEntry('               \t     11 Connect     root@localhost on  ')).toMatchObject({time: undefined, id: '11', command: 'Connect'})
    // spaces only, no tab at all (pt-query-digest's genlog002 sample)
    expect(parseGeneralEntry('100211  0:55:24      51 Query       SELECT category_id')).toEqual({time: '100211  0:55:24', id: '51', command: 'Query', argument: 'SELECT category_id'})
    expect(parseGeneralEntry('                     51 Query       SELECT auction_id,')).toMatchObject({time: undefined, id: '51', command: 'Query', argument: 'SELECT auction_id,'})
    expect(parseGeneralEntry('2025-11-21T18:40:01Z 12 Query\tselect\t1')).toEqual({time: '2025-11-21T18:40:01Z', id: '12', command: 'Query', argument: 'select\t1'})
    expect(parseGeneralEntry('\t\t   12 Bulk_execute\tinsert into t values (?)')).toMatchObject({command: 'Bulk_execute'})
    for (const line of ['   and 3 Queries later', '  42 rows', 'select 1', '12 Query\tx', '\t\t   12 Queryx']) expect(parseGeneralEntry(line), line).toBeNull()
  })
})

describe('slow log: every version layout gives the same statements', () => {
  const sqls = ['select * from orders where id = 1', 'update invoices set paid = 1 where id = 7', JOIN_SQL, "insert into order_lines (order_id, sku) values (1, 'C-3')"]
  const layouts = [
    // MySQL 5.1: `# Time` once a second, no connection id: the database comes from `use` only.
    {file: 'mysql-5.1-slow.log', sessions: [undefined, undefined, undefined, undefined], users: ['app', 'billing', 'app', 'app'], databases: ['shop', 'billing', 'shop', undefined], at: '2008-11-19T09:13:31.000Z'},
    // log-short-format: `# Query_time` only, no user, no session.
    {file: 'mysql-5.5-short-slow.log', sessions: [undefined, undefined, undefined, undefined], users: [undefined, undefined, undefined, undefined], databases: ['shop', 'billing', 'shop', undefined], at: '2008-11-19T09:13:31.000Z'},
    // MySQL 8.0 with log_slow_extra: the database of session 42 is carried to its later statements.
    {file: 'mysql-8.0-slow.log', sessions: ['42', '43', '42', '42'], users: ['app', 'billing', 'app', 'app'], databases: ['shop', 'billing', 'shop', 'shop'], at: '2025-11-21T18:40:01.123456Z'},
    {file: 'percona-5.6-slow.log', sessions: ['42', '43', '42', '42'], users: ['app', 'billing', 'app', 'app'], databases: ['shop', 'billing', 'shop', 'shop'], at: '2008-11-19T09:13:31.000123'},
    {file: 'percona-8.0-slow.log', sessions: ['42', '43', '42', '42'], users: ['app', 'billing', 'app', 'app'], databases: ['shop', 'billing', 'shop', 'shop'], at: '2025-11-21T18:40:01.123456Z'},
  ]
  for (const layout of layouts) {
    it(layout.file, async () => {
      const path = join(FIXTURES, layout.file)
      const {events, report} = await read('slow', path)
      expect(events.map((e) => e.sql)).toEqual(sqls)
      expect(events.map((e) => e.session)).toEqual(layout.sessions)
      expect(events.map((e) => e.user)).toEqual(layout.users)
      expect(events.map((e) => e.database)).toEqual(layout.databases)
      expect(events.map((e) => e.totalMs)).toEqual([0.123, 2, 0.3, 0.1])
      expect(events[0]!.at).toBe(layout.at)
      expect(report).toMatchObject({format: 'mysql-slow', events: 4, adminCommands: {Quit: 1}})
      const sampled = layout.file === 'percona-5.6-slow.log'
      expect(report.warnings.map((w) => w.message)).toEqual(sampled ? [expect.stringMatching(/^a sampled log \(Percona Server log_slow_rate_limit=10, per query\)/)] : [])
      if (!PT_QUERY_DIGEST) return announcePtSkip()
      const pt = ptCounts('slowlog', path)
      expect(pt.queries).toBe(report.events)
      expect(pt.admin).toEqual(asPtAdmin('slowlog', report.adminCommands))
    })
  }
})

describe('slow log: entry boundaries', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'carve-mysql-formats-'))
  })
  afterAll(async () => {
    if (dir) await rm(dir, {recursive: true, force: true})
  })
  const slow = async (name: string, lines: string[]) => {
    const path = join(dir, name)
    await writeFile(path, lines.join('\n') + '\n')
    return read('slow', path)
  }

  it('a `;` then a `#` line inside a string or comment stays in the statement (MariaDB 10.11 wrote this; pt-query-digest loses the rest of the file there)', async () => {
    const {events, report} = await slow('semicolon-hash.log', [
      '# Time: 261207  2:08:01',
      '# User@Host: root[root] @  [127.0.0.1]',
      '# Thread_id: 27  Schema: shop  QC_hit: No',
      '# Query_time: 0.002976  Lock_time: 0.000043  Rows_sent: 0  Rows_examined: 0',
      '# Rows_affected: 1  Bytes_sent: 11',
      'SET timestamp=1796609281;',
      "insert into t values (3, 'x;",
      "# not a header');",
      '# User@Host: root[root] @  [127.0.0.1]',
      '# Thread_id: 27  Schema: shop  QC_hit: No',
      '# Query_time: 0.000098  Lock_time: 0.000027  Rows_sent: 1  Rows_examined: 1',
      'SET timestamp=1796609281;',
      'select v from t',
      '# a comment line, not after a `;`',
      'where id = 1;',
    ])
    expect(events.map((e) => e.sql)).toEqual(["insert into t values (3, 'x;\n# not a header')", 'select v from t\n# a comment line, not after a `;`\nwhere id = 1'])
    expect(report.warnings).toEqual([])
  })

  it('old servers glued `# Time` and `# User@Host` on one line; entries without SET timestamp', async () => {
    const {events} = await slow('glued.log', [
      '# Time: 071218 11:48:27 # User@Host: [SQL_SLAVE] @  []',
      '# Thread_id: 10',
      '# Query_time: 0.000012  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0',
      '# No InnoDB statistics available for this query',
      'BEGIN;',
      '# User@Host: [SQL_SLAVE] @  []',
      '# Thread_id: 10',
      '# Query_time: 0.726052  Lock_time: 0.000091  Rows_sent: 0  Rows_examined: 62951',
      'use db1;',
      'SET timestamp=1197996507;',
      'update db2.t n inner join db1.g a using (g) set n.c = a.c;',
    ])
    expect(events.map(({sql, session, user, database, at}) => ({sql, session, user, database, at}))).toEqual([
      {sql: 'BEGIN', session: '10', user: 'SQL_SLAVE', database: undefined, at: '2007-12-18T11:48:27'},
      {sql: 'update db2.t n inner join db1.g a using (g) set n.c = a.c', session: '10', user: 'SQL_SLAVE', database: 'db1', at: '2007-12-18T16:48:27.000Z'},
    ])
  })

  it('an entry whose header has no statement is warned; entries without any header start at SET timestamp', async () => {
    const {events, report} = await slow('headless.log', [
      '# Query_time: 0.1  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0',
      '# Query_time: 0.2  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 0',
      'SET timestamp=1197996507;',
      'select 1;',
      'SET timestamp=1197996508;',
      'select 2;',
    ])
    expect(events.map((e) => [e.sql, e.totalMs, e.at])).toEqual([
      ['select 1', 200, '2007-12-18T16:48:27.000Z'],
      ['select 2', undefined, '2007-12-18T16:48:28.000Z'],
    ])
    expect(report.warnings.map((w) => w.message)).toEqual(['1 entries without a statement (line 1)'])
  })
})

describe("the shop example's MariaDB capture (examples/shop/logs/mariadb-general.log)", () => {
  it('pt-query-digest counts the same statements and administrator commands', async (ctx) => {
    const path = join(import.meta.dirname, '..', 'examples', 'shop', 'logs', 'mariadb-general.log')
    const {report} = await read('general', path)
    expect(report.warnings).toEqual([])
    expect(report.events).toBeGreaterThan(5000)
    if (!PT_QUERY_DIGEST) {
      announcePtSkip()
      return ctx.skip()
    }
    const pt = ptCounts('genlog', path)
    // pt-query-digest counts Execute as an administrator command; Carve, as the statement it ran.
    expect(pt.queries + (pt.admin.Execute ?? 0)).toBe(report.events)
    const {Execute: _, ...ptAdmin} = pt.admin
    expect(ptAdmin).toEqual(asPtAdmin('genlog', report.adminCommands))
  })
})

describe('carve workload ingest: every layout with no flags', () => {
  it('detects each file, counts its statements, and keeps its administrator commands apart in sources[]', async () => {
    const files = ['mysql-5.0-general.log', 'mysql-8.0-general.log', 'mysql-5.5-short-slow.log', 'percona-8.0-slow.log'].map((f) => join(FIXTURES, f))
    const workload = await ingest({files, workers: 1})
    expect(workload.engine).toBe('mysql')
    expect(workload.sources.map(({format, events, adminCommands}) => ({format, events, adminCommands}))).toEqual([
      {format: 'mysql-general', events: 4, adminCommands: {'Close stmt': 1, Connect: 2, 'Field List': 1, 'Init DB': 1, Ping: 1, Prepare: 1, Quit: 2, Statistics: 1}},
      {format: 'mysql-general', events: 4, adminCommands: {'Close stmt': 1, Connect: 2, 'Field List': 1, 'Init DB': 1, Ping: 1, Prepare: 1, Quit: 2, Statistics: 1}},
      {format: 'mysql-slow', events: 4, adminCommands: {Quit: 1}},
      {format: 'mysql-slow', events: 4, adminCommands: {Quit: 1}},
    ])
    expect(workload.totals.calls).toBe(16)
    expect(workloadReport(workload, {limit: 10})).toMatch(/Administrator commands, not counted as statements: Quit 6, Connect 4, .*Init DB 2/)
  })
})

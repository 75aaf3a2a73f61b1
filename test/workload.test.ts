/**
 * Ingestion end to end: attribution, the SQL-folder source, bad input (unknown, empty, mixed,
 * a 2 GB line), parallel reading giving the same workload as one thread, and pg_stat_statements
 * from a real server.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openPostgres} from '../src/db/postgres.js'
import {Attributor} from '../src/workload/attribution.js'
import {loadServiceMap} from '../src/workload/service-map.js'
import {detectFormat, ingest} from '../src/workload/ingest.js'
import {maskSql, splitStatements, sqlcommenterTags} from '../src/workload/mask.js'
import {splitIntoUnits} from '../src/workload/parallel.js'
import {hasStackTrace, runCarve} from './support/cli.js'
import {clusterUnavailableReason, startPgCluster} from './support/pg-cluster.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'carve-workload-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const line = (n: number, app: string, user: string, sql: string) =>
  `2026-11-21 18:00:${String(n % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')} UTC [${100 + app.length}] ${user}@shop ${app} LOG:  statement: ${sql}`

describe('masking and sqlcommenter', () => {
  it('masks literals, keeps identifiers, collects comments (never from inside strings)', () => {
    const m = maskSql(`select "a", 'x/*y*/z', 42, $1, t1.c /*application='orders%20api',route='%2Fx'*/ -- tail`, 'postgres')
    expect(m.key).toBe('select "a", ?, ?, $1, t1.c')
    expect(m.comments).toEqual(["application='orders%20api',route='%2Fx'", ' tail'])
    expect(sqlcommenterTags(m.comments)).toEqual({application: 'orders api', route: '/x'})
    expect(maskSql("select `a`, \"s\", 'it\\'s' # c", 'mysql').key).toBe('select `a`, ?, ?')
    expect(splitStatements("select ';'; select $$;$$; -- ;\nselect 3", 'postgres').map((s) => s.text)).toEqual(["select ';'", 'select $$;$$', '-- ;\nselect 3'])
  })

  it('attributes by tag, then application, then user and client maps, then the user', () => {
    const a = new Attributor({applications: {'orders api': 'orders-service'}, users: {ro_user: 'reporting'}, clients: {'10.1.0.0/16': 'batch'}})
    expect(a.attribute({tags: {application: 'orders api'}, application: 'psql', user: 'x'})).toEqual({service: 'orders-service', evidence: 'sqlcommenter'})
    expect(a.attribute({application: 'billing', user: 'x'})).toEqual({service: 'billing', evidence: 'application'})
    expect(a.attribute({application: 'psql', user: 'ro_user'})).toEqual({service: 'reporting', evidence: 'user-map'})
    expect(a.attribute({user: 'someone', client: '10.1.2.3'})).toEqual({service: 'batch', evidence: 'client-map'})
    expect(a.attribute({user: 'someone', client: '10.2.2.3'})).toEqual({service: 'someone', evidence: 'user'})
    expect(a.attribute({})).toEqual({service: 'unknown', evidence: 'none'})
  })

  it('a broken service map is a precise usage error', () => {
    expect(() => loadServiceMap(file('bad-map.yml', 'users:\n  - not a mapping\n'))).toThrow(/users: .*expected record/i)
    expect(() => loadServiceMap(file('bad-key.yml', 'usres: {a: b}\n'))).toThrow(/Unrecognized key/)
    expect(() => loadServiceMap(file('bad-yaml.yml', 'users: {a: [\n'))).toThrow(/not valid YAML/)
  })
})

describe('ingest', () => {
  it('learns readers, writers, joins and transactions from a stderr log', async () => {
    const log = [
      line(1, 'orders', 'o', 'BEGIN'),
      line(2, 'orders', 'o', "insert into orders (id) values (1)"),
      line(3, 'orders', 'o', "insert into order_lines (order_id) values (1)"),
      line(4, 'orders', 'o', 'COMMIT'),
      line(5, 'billing', 'b', 'update orders set paid = true where id = 1'),
      line(6, 'reports', 'r', 'select * from orders o join invoices i on i.order_id = o.id'),
      line(7, 'reports', 'r', 'this is not sql at all'),
    ].join('\n')
    const w = await ingest({files: [file('a.log', log)], knownTables: ['orders', 'order_lines', 'invoices', 'old_table']})
    const t = Object.fromEntries(w.tables.map((x) => [x.table, x]))
    expect(t.orders!.writers).toEqual({billing: 1, orders: 1})
    expect(t.orders!.classification).toBe('shared-writers')
    expect(t.order_lines!.classification).toBe('single-writer')
    expect(t.invoices!.classification).toBe('read-only')
    expect(t.old_table!.classification).toBe('untouched')
    expect(w.transactions).toEqual([{tables: ['order_lines', 'orders'], calls: 1, services: {orders: 1}}])
    expect(w.joins).toEqual([{tables: ['invoices', 'orders'], calls: 1, services: {reports: 1}}])
    expect(w.unparsed.calls).toBe(1)
    expect(w.unparsed.samples[0]).toMatchObject({line: 7, file: expect.stringContaining('a.log')})
    expect(w.window).toEqual({from: '2026-11-21T18:00:01.001Z', to: '2026-11-21T18:00:07.007Z'})
  })

  it('statements that pg_query fingerprints alike but touch other tables stay apart', async () => {
    // pg_query names an aliased table by its alias: these two share a fingerprint.
    const log = [line(1, 'orders', 'o', 'select * from orders o where o.id = 1'), line(2, 'ums', 'u', 'select * from users o where o.id = 2')].join('\n')
    const w = await ingest({files: [file('alias.log', log)]})
    expect(w.access.map((a) => `${a.service}:${a.table}`)).toEqual(['orders:orders', 'ums:users'])
    expect(w.statements).toHaveLength(2)
  })

  it('reads a folder of .sql files per service', async () => {
    mkdirSync(join(dir, 'code', 'orders-service'), {recursive: true})
    writeFileSync(join(dir, 'code', 'orders-service', 'repo.sql'), 'select * from orders;\nupdate payments set paid = true where id = $1;\n')
    writeFileSync(join(dir, 'code', 'billing.sql'), 'insert into invoices (id) values (1);')
    expect(await detectFormat(join(dir, 'code'))).toBe('sql-postgres')
    const w = await ingest({files: [join(dir, 'code')]})
    expect(w.access.map((a) => `${a.service}:${a.table}:${a.read ? 'R' : ''}${a.write ? 'W' : ''}`)).toEqual([
      'billing:invoices:W', 'orders-service:orders:R', 'orders-service:payments:W',
    ])
  })

  it('a file mixing PostgreSQL and MySQL lines: read as one format, the rest counted', async () => {
    const mixed = [line(1, 'a', 'u', 'select 1 from t'), '251121 18:40:01\t   12 Query\tselect * from x', line(2, 'a', 'u', 'select 2 from t')].join('\n')
    const w = await ingest({files: [file('mixed.log', mixed)]})
    expect(w.totals.calls).toBe(2)
    expect(w.sources[0]!.warnings).toEqual(['1 lines that are not log entries (line 2)'])
  })

  it('a 2 GB single line is skipped with flat memory', async () => {
    const path = join(dir, 'huge.log')
    const fd = openSync(path, 'w')
    writeSync(fd, line(1, 'a', 'u', 'select 1 from before_it') + '\n' + line(2, 'a', 'u', 'select '))
    const chunk = Buffer.alloc(64 << 20, 'x')
    for (let i = 0; i < 32; i++) writeSync(fd, chunk)
    writeSync(fd, '\n' + line(3, 'a', 'u', 'select 3 from after_it') + '\n')
    closeSync(fd)
    const before = process.memoryUsage().rss
    const w = await ingest({files: [path], workers: 1})
    const grown = process.memoryUsage().rss - before
    rmSync(path)
    expect(w.tables.map((t) => t.table)).toEqual(['after_it', 'before_it'])
    expect(w.sources[0]!.warnings).toEqual(['1 over-long lines skipped (line 2)'])
    expect(grown).toBeLessThan(300 << 20)
    // Writing and reading 2 GB on a shared 2-core machine: a generous limit, not a speed claim.
  }, 240_000)

  it('pieces of a large file carry their true first line numbers', async () => {
    const lines = Array.from({length: 40_000}, (_, i) => line(i, 'app', 'u', `select ${i} from t${i % 10}`))
    const path = file('split.log', lines.join('\n') + '\n')
    const units = await splitIntoUnits(path, 'pg-stderr', '%m [%p] %q%u@%d %a ', 2, 1024)
    expect(units.length).toBe(4)
    const text = readFileSync(path, 'utf8')
    for (const u of units.slice(1)) {
      expect(text.slice(0, u.range!.start).split('\n').length).toBe(u.range!.firstLine)
      expect(text[u.range!.start - 1]).toBe('\n')
    }
  })
})

describe('carve workload (CLI)', () => {
  it('unknown and empty files: clear errors, exit 1, no stack trace', async () => {
    const unknown = await runCarve(['workload', 'ingest', file('notes.txt', 'hello\nworld\n'), '--out', join(dir, 'w.json')])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/error: nothing to ingest \(1 file skipped: not a log format Carve reads \(PostgreSQL/)
    expect(hasStackTrace(unknown.stderr)).toBe(false)
    const empty = await runCarve(['workload', 'ingest', file('empty.log', ''), '--out', join(dir, 'w.json')])
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/the file is empty/)
    const missing = await runCarve(['workload', 'ingest', join(dir, 'nope.log')])
    expect(missing.code).toBe(2)
    const broken = await runCarve(['workload', 'show', file('broken.json', '{"format":"x"}')])
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/is not a Carve workload/)
  })

  it('a bzip2 log where the bzip2 program is missing: one line naming the package, exit 2', async () => {
    if (spawnSync('bzip2', ['--help']).error) {
      console.warn('[carve tests] SKIPPING the missing-decompressor message: bzip2 is not installed')
      return
    }
    const log = file('p.log.bz2', execFileSync('bzip2', ['-c'], {input: line(1, 'a', 'u', 'select 1 from t') + '\n'}))
    const emptyPath = join(dir, 'no-programs')
    mkdirSync(emptyPath, {recursive: true})
    const r = await runCarve(['workload', 'ingest', log, '--out', join(dir, 'bz.json')], {env: {PATH: emptyPath}})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/error: .*p\.log\.bz2 is bzip2-compressed and the bzip2 program is not installed\nhint: install it \(Debian\/Ubuntu: apt-get install bzip2\)/)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })

  it('reading in parallel pieces gives the same workload as one thread', async () => {
    const apps = ['orders', 'billing', 'reports']
    let size = 0
    const parts: string[] = []
    for (let i = 0; size < 36 << 20; i++) {
      const app = apps[i % 3]!
      const sql = i % 5 === 0 ? `update t${i % 13} set x = ${i} where id = ${i}` : `select * from t${i % 13} a join t${(i + 1) % 13} b on a.id = b.id where a.v = '${i}'`
      const l = line(i, app, app, sql)
      parts.push(l)
      size += l.length + 1
    }
    const path = file('big.log', parts.join('\n') + '\n')
    const one = await runCarve(['workload', 'ingest', path, '-j', '1', '--out', join(dir, 'one.json'), '--json'])
    const two = await runCarve(['workload', 'ingest', path, '-j', '2', '--out', join(dir, 'two.json'), '--json'])
    expect(one.code, one.stderr).toBe(0)
    expect(two.code, two.stderr).toBe(0)
    const a = JSON.parse(readFileSync(join(dir, 'one.json'), 'utf8'))
    const b = JSON.parse(readFileSync(join(dir, 'two.json'), 'utf8'))
    expect(b).toEqual(a)
    expect(a.totals.calls).toBe(parts.length)
  })
})

const clusterReason = clusterUnavailableReason()
describe.skipIf(clusterReason !== null)('pg_stat_statements from a real PostgreSQL server', () => {
  it('is read per role and attributed through the service map', async () => {
    const cluster = await startPgCluster({shared_preload_libraries: "'pg_stat_statements'"})
    try {
      const admin = new pg.Client({connectionString: cluster.url()})
      await admin.connect()
      await admin.query('create extension pg_stat_statements')
      await admin.query('create table orders (id int primary key, total int); create table invoices (id int, order_id int)')
      await admin.query("create role orders_svc login; create role billing_svc login; grant all on all tables in schema public to orders_svc, billing_svc")
      await admin.end()
      for (const [role, statements] of [['orders_svc', ['insert into orders values (1, 5)', 'update orders set total = 6 where id = 1']], ['billing_svc', ['insert into invoices select id, id from orders']]] as const) {
        const c = new pg.Client({connectionString: cluster.url().replace('postgres@', `${role}@`)})
        await c.connect()
        for (const s of statements) await c.query(s)
        await c.end()
      }
      const conn = await openPostgres(cluster.url())
      try {
        const w = await ingest({files: [], live: {format: 'pg_stat_statements', conn}, serviceMap: {applications: {}, users: {orders_svc: 'orders-service', billing_svc: 'billing-service'}, clients: {}}})
        const t = Object.fromEntries(w.tables.map((x) => [x.table, x]))
        expect(t.orders!.writers).toEqual({'orders-service': 2})
        expect(t.orders!.readers).toEqual({'billing-service': 1})
        expect(t.invoices!.writers).toEqual({'billing-service': 1})
        expect(w.services.find((s) => s.name === 'orders-service')!.evidence).toEqual({'user-map': 2})
      } finally {
        await conn.close()
      }
    } finally {
      await cluster.stop()
    }
  })
})
if (clusterReason) console.warn(`[carve tests] SKIPPING pg_stat_statements test: ${clusterReason}`)

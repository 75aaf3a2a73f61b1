/**
 * Every PostgreSQL log layout Carve reads with no flags, produced by a real PostgreSQL 15 for the
 * same traffic: each platform's documented log_line_prefix (Debian, RDS/Aurora, Azure, Cloud SQL,
 * Heroku, syslog, pgBadger's advice, one with %Q), csvlog and jsonlog, and real server lines
 * wrapped in the platforms' documented envelopes (syslog/rsyslog, journald, Heroku logplex,
 * Cloud Logging, CloudNativePG, Azure diagnostic settings), plain and compressed. pgBadger, when
 * installed, reads the same files and must count the same statements.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StatementEvent} from '../src/workload/events.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'
import {readAzureLog} from '../src/workload/sources/pg-azure.js'
import {detectFileFormat} from '../src/workload/sources/registry.js'
import {runCarve} from './support/cli.js'
import {clusterUnavailableReason, type PgCluster, startPgCluster} from './support/pg-cluster.js'
import {
  asCloudLoggingJson, asCloudLoggingText, asCnpg, asHeroku, asJournal, asSyslog, capture, type Capture, setupCaptureDatabase, stderrEntries, TRAFFIC_STATEMENTS,
} from './support/pg-log-capture.js'

const PREFIXES = {
  debian: '%m [%p] %q%u@%d ',
  readme: '%t [%p]: user=%u,db=%d,app=%a ',
  rds: '%t:%r:%u@%d:[%p]:',
  azure: '%t-%c-',
  cloudsql: '%m [%p]: [%l-1] db=%d,user=%u ',
  heroku: 'sql_error_code = %e time_ms = "%m" pid="%p" proc_start_time="%s" session_id="%c" vtid="%v" tid="%x" log_line="%l" %qdatabase="%d" connection_source="%r" user="%u" application_name="%a" ',
  syslog: '[%p] user=%u,db=%d,app=%a,client=%h ',
  queryid: '%m [%p] %Q %u@%d %a ',
  pipes: '%n|%e|%c|%v|%x|%a|',
} as const

/**
 * Real server entries under Azure's log_line_prefix (`%t-%c-`) as a diagnostic setting exports
 * them (Azure Monitor's resource-log schema: time, resourceId, category, operationName,
 * properties): Flexible Server keeps the whole entry in properties.message; Single Server splits
 * off the prefix and the severity; Log Analytics rows (AzureDiagnostics) are flat. A DETAIL is
 * not a record of its own but the `detail` of the record before it.
 */
function asAzureRecords(stderr: string, shape: 'flexible' | 'single' | 'log-analytics'): Record<string, unknown>[] {
  const resourceId = '/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.DBFORPOSTGRESQL/FLEXIBLESERVERS/DB1'
  const records: Record<string, unknown>[] = []
  let last: Record<string, unknown> | undefined
  for (const entry of stderrEntries(stderr)) {
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+)-([0-9a-f]+)\.([0-9a-f]+)-([A-Z]+):  (.*)$/s.exec(entry[0]!)
    if (!m) throw new Error(`not an entry under %t-%c-: ${entry[0]}`)
    const [, ts, start, pid, level, first] = m
    const body = [first!, ...entry.slice(1).map((l) => l.replace(/^\t/, ''))].join('\n')
    const props = last?.properties as Record<string, unknown> | undefined
    if (level === 'DETAIL' && last) {
      if (shape === 'log-analytics') last.Detail = body
      else props!.detail = body
      continue
    }
    const time = `${ts!.slice(0, 10)}T${ts!.slice(11, 19)}.${String(records.length).padStart(3, '0')}Z`
    const whole = [entry[0]!, ...entry.slice(1).map((l) => l.replace(/^\t/, ''))].join('\n')
    const processId = parseInt(pid!, 16)
    last = shape === 'log-analytics'
      ? {TimeGenerated: time, Category: 'PostgreSQLLogs', OperationName: 'LogEvent', ResourceProvider: 'MICROSOFT.DBFORPOSTGRESQL', ResourceId: resourceId, errorLevel_s: level, processId_d: processId, Message: whole}
      : shape === 'flexible'
        ? {time, resourceId, category: 'PostgreSQLLogs', operationName: 'LogEvent', properties: {timestamp: `${ts!.slice(0, 19)}.000 UTC`, processId, errorLevel: level, sqlerrcode: '00000', message: whole}}
        : {time, resourceId: resourceId.replace('FLEXIBLESERVERS', 'SERVERS'), category: 'PostgreSQLLogs', operationName: 'LogEvent', LogicalServerName: 'db1',
          properties: {prefix: `${ts}-${start}.${pid}-`, errorLevel: level, message: body, detail: '', domain: 'postgres-15', schemaName: '', tableName: '', columnName: '', datatypeName: ''}}
    records.push(last)
  }
  return records
}

const clusterReason = clusterUnavailableReason()
if (clusterReason) console.warn(`[carve tests] SKIPPING PostgreSQL log formats from a real server: ${clusterReason}`)
const pgbadger = spawnSync('pgbadger', ['--version']).status === 0
if (!pgbadger) console.warn('[carve tests] SKIPPING pgBadger cross-checks: pgbadger is not installed (Debian package pgbadger)')

/**
 * What pgBadger counts as queries in a file (its JSON report's overall_stat.queries_number). Its
 * pid file goes beside the file: pgBadger refuses to start while another run (a benchmark, a
 * parallel test file) holds the default /tmp/pgbadger.pid.
 */
function pgbadgerCount(file: string, format: string, prefix?: string): number {
  const out = `${file}.pgbadger.json`
  execFileSync('pgbadger', ['-q', '--pid-dir', dirname(file), '--pid-file', `${basename(file)}.pgbadger.pid`, '-f', format, ...(prefix ? ['--prefix', prefix] : []), '-o', out, file], {stdio: 'pipe'})
  return (JSON.parse(readFileSync(out, 'utf8')) as {overall_stat: {queries_number: number}}).overall_stat.queries_number
}

describe.skipIf(clusterReason !== null)('PostgreSQL logs of every platform, from a real server, read with no flags', () => {
  let cluster: PgCluster
  let dir: string
  const captures: Partial<Record<keyof typeof PREFIXES, Capture>> = {}
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'carve-pgformats-'))
    cluster = await startPgCluster({
      logging_collector: 'on', log_destination: "'stderr,csvlog,jsonlog'", log_filename: "'postgresql.log'",
      log_statement: "'all'", log_connections: 'on', log_checkpoints: 'on',
    })
    await setupCaptureDatabase(cluster)
    for (const [name, prefix] of Object.entries(PREFIXES) as [keyof typeof PREFIXES, string][]) {
      captures[name] = await capture(cluster, prefix, name === 'queryid' ? {compute_query_id: 'on'} : {})
    }
  }, 180_000)
  afterAll(async () => {
    await cluster?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  /** The traffic's facts, whatever the layout: every statement, the tables, the transaction. */
  const expectTraffic = (w: Workload, withSessions = true) => {
    expect(w.totals.calls).toBe(TRAFFIC_STATEMENTS)
    expect(w.unparsed.calls).toBe(0)
    expect(w.tables.map((t) => t.table).sort()).toEqual(['order_lines', 'orders', 'users'])
    if (withSessions) expect(w.transactions.map((t) => t.tables)).toEqual([['order_lines', 'orders']])
  }
  const read = async (path: string, format: string) => {
    expect((await detectFileFormat(path)).format).toBe(format)
    return ingest({files: [path], workers: 1})
  }

  it('stderr under each platform\'s log_line_prefix: the prefix is inferred from the lines', async () => {
    for (const name of Object.keys(PREFIXES) as (keyof typeof PREFIXES)[]) {
      if (name === 'syslog' || name === 'heroku') continue
      const path = file(`${name}.log`, captures[name]!.stderr)
      const w = await read(path, 'pg-stderr')
      expectTraffic(w)
      if (name === 'readme' || name === 'queryid' || name === 'pipes') {
        // Applications are attributed (sqlcommenter first): a query id never becomes a service.
        expect(w.services.map((s) => s.name).sort()).toEqual(['admin', 'checkout', 'orders', 'reports'])
      }
      if (pgbadger && name !== 'pipes') expect(pgbadgerCount(path, 'stderr', PREFIXES[name])).toBe(TRAFFIC_STATEMENTS)
    }
  })

  it('csvlog and jsonlog; a stderr line with 30 commas is never taken for csvlog', async () => {
    const csv = file('debian.csv', captures.debian!.csv)
    const json = file('debian.json', captures.debian!.json)
    expectTraffic(await read(csv, 'pg-csvlog'))
    expectTraffic(await read(json, 'pg-jsonlog'))
    if (pgbadger) {
      expect(pgbadgerCount(csv, 'csv')).toBe(TRAFFIC_STATEMENTS)
      expect(pgbadgerCount(json, 'jsonlog')).toBe(TRAFFIC_STATEMENTS)
    }
    // A csvlog whose every field is quoted (as some exporters write it) is csvlog too.
    const quoted = captures.debian!.csv.split('\n').map((l) => l.replace(/^(\d{4}-[^,]+),/, '"$1",')).join('\n')
    expectTraffic(await read(file('quoted.csv', quoted), 'pg-csvlog'))
  })

  it('syslog (BSD and RFC 3339 headers, [N-k] pieces stitched back) and journalctl -o json', async () => {
    const bsd = file('syslog.log', asSyslog(captures.syslog!.stderr, 'bsd'))
    const w = await read(bsd, 'pg-syslog')
    expectTraffic(w)
    // The join is on the second and third lines of a three-line statement: the pieces were joined.
    expect(w.joins.map((j) => j.tables)).toContainEqual(['orders', 'users'])
    expectTraffic(await read(file('rsyslog.log', asSyslog(captures.syslog!.stderr, 'rfc3339')), 'pg-syslog'))
    expectTraffic(await read(file('journal.json', asJournal(captures.syslog!.stderr)), 'pg-journald'))
    if (pgbadger) expect(pgbadgerCount(bsd, 'syslog')).toBe(TRAFFIC_STATEMENTS)
  })

  it('Heroku logplex, Cloud SQL (textPayload and jsonPayload, lines or an array) and CloudNativePG', async () => {
    const heroku = file('heroku.log', asHeroku(captures.heroku!.stderr))
    const h = await read(heroku, 'pg-heroku')
    expectTraffic(h)
    expect(h.sources[0]!.warnings).toEqual(['1 lines of other programs or not log entries (line 2)'])
    if (pgbadger) expect(pgbadgerCount(heroku, 'logplex')).toBe(TRAFFIC_STATEMENTS)
    const text = asCloudLoggingText(captures.cloudsql!.stderr)
    expectTraffic(await read(file('cloudsql.json', text), 'pg-cloudsql'))
    const array = JSON.stringify(text.trim().split('\n').map((l) => JSON.parse(l) as unknown).reverse(), null, 2)
    expectTraffic(await read(file('cloudsql-array.json', array), 'pg-cloudsql'))
    expectTraffic(await read(file('cloudsql-jsonpayload.json', asCloudLoggingJson(captures.debian!.json)), 'pg-cloudsql'))
    expectTraffic(await read(file('cnpg.json', asCnpg(captures.debian!.csv)), 'pg-cnpg'))
  })

  it('Azure Database for PostgreSQL diagnostic-settings exports: Flexible and Single Server records, a record or an Event Hub batch a line, a pretty-printed document, Log Analytics rows newest first', async () => {
    const stderr = captures.azure!.stderr
    const flexible = asAzureRecords(stderr, 'flexible')
    // DETAIL rides in its statement's record: the extended-protocol insert's parameters.
    expect(flexible.some((r) => (r.properties as {detail?: string}).detail?.startsWith('parameters: $1 = '))).toBe(true)
    const lines = (records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n'
    const shapes: [string, string][] = [
      ['azure-flexible.json', lines(flexible)],
      ['azure-single.json', lines(asAzureRecords(stderr, 'single'))],
      // Event Hub bodies, one batch a line, with another category's records among them.
      ['azure-eventhub.json', Array.from({length: Math.ceil(flexible.length / 3)}, (_, i) => JSON.stringify({records: flexible.slice(i * 3, i * 3 + 3)})).join('\n') + '\n'],
      ['azure-document.json', JSON.stringify({records: flexible}, null, 2)],
      ['azure-loganalytics.json', JSON.stringify(asAzureRecords(stderr, 'log-analytics').reverse(), null, 2)],
    ]
    for (const [name, content] of shapes) {
      // The sessions (%c) come through: the two-table write transaction is found.
      const path = file(name, content)
      expectTraffic(await read(path, 'pg-azure'))
      // The record's DETAIL reaches its statement: the extended-protocol insert's parameters.
      const events: StatementEvent[] = []
      await readAzureLog(path, (e) => events.push(e))
      expect(events.find((e) => e.sql.startsWith('insert into orders'))?.parameters, name).toMatch(/^\$1 = '\d+', \$2 = '1', \$3 = '10'$/)
    }
    const mixed = lines([...flexible.slice(0, 2), {time: '2026-11-21T18:00:00Z', category: 'PostgreSQLFlexSessions', operationName: 'LogEvent', properties: {}}, ...flexible.slice(2)])
    const w = await read(file('azure-mixed.json', mixed), 'pg-azure')
    expectTraffic(w)
    expect(w.sources[0]!.warnings).toEqual(['1 records of other categories (not PostgreSQLLogs) (line 3)'])
    // pgBadger 12 has no reader for Azure's JSON: it counts the server's own stderr lines the
    // export was built from, Carve the export.
    if (pgbadger) expect(pgbadgerCount(file('azure-source.log', stderr), 'stderr', PREFIXES.azure)).toBe(TRAFFIC_STATEMENTS)
  })

  it('gzip, bzip2, xz and zstd are recognised by their magic bytes, whatever the name', async () => {
    const plain = captures.rds!.stderr
    // Damage is tested on a larger file that does not compress to nothing: the decoders give
    // back only whole blocks (bzip2 -1: 100 kB, zstd: 128 kB).
    const large = Buffer.from(Array.from({length: 120}, () => plain.replace('select count(*)', `select count(*) /* ${randomBytes(1500).toString('hex')} */`)).join(''))
    expectTraffic(await read(file('rds-gz.log', gzipSync(plain)), 'pg-stderr'))
    for (const [tool, args] of [['bzip2', ['-c', '-1']], ['xz', ['-c']], ['zstd', ['-c', '-q']]] as const) {
      if (spawnSync(tool, ['--help']).error) {
        console.warn(`[carve tests] SKIPPING ${tool}: not installed`)
        continue
      }
      const compressed = execFileSync(tool, [...args], {input: plain})
      expectTraffic(await read(file(`rds-${tool}.log`, compressed), 'pg-stderr'))
      // Damage is reported, what came before it is kept.
      const damaged = execFileSync(tool, [...args], {input: large})
      const cut = await ingest({files: [file(`rds-${tool}-cut.log`, damaged.subarray(0, Math.floor(damaged.length * 0.7)))], workers: 1})
      expect(cut.totals.calls).toBeGreaterThan(0)
      expect(cut.sources[0]!.warnings.some((m) => m.includes(`${tool} stream is truncated`))).toBe(true)
    }
  })

  it('CLI: the README\'s prefix given without --format; no statement is an error that names the format and the fix', async () => {
    const readme = file('readme-cli.log', captures.readme!.stderr)
    const given = await runCarve(['workload', 'ingest', readme, '--log-line-prefix', PREFIXES.readme, '--out', join(dir, 'w1.json'), '-j', '1'])
    expect(given.code).toBe(0)
    expect((JSON.parse(readFileSync(join(dir, 'w1.json'), 'utf8')) as Workload).totals.calls).toBe(TRAFFIC_STATEMENTS)

    // Only connection lines (log_statement = none): lines, but no statement.
    const quiet = file('quiet.log', captures.rds!.stderr.split('\n').filter((l) => /connection (received|authorized)/.test(l)).join('\n') + '\n')
    const human = await runCarve(['workload', 'ingest', quiet, '--out', join(dir, 'w2.json')])
    expect(human.code).toBe(1)
    expect(human.stderr).toMatch(/error: no statement found in 1 input/)
    expect(human.stderr).toMatch(/lines but no statement: read as a PostgreSQL stderr log with log_line_prefix '%t:%r:%u@%d:\[%p\]:'; .*log_statement/)
    const json = await runCarve(['workload', 'ingest', quiet, '--out', join(dir, 'w3.json'), '--json'])
    expect(json.code).toBe(1)
    const out = JSON.parse(json.stdout) as Workload & {error: {code: string}}
    expect(out.error.code).toBe('workload.no-statements')
    expect(out.sources[0]!.warnings[0]).toMatch(/lines but no statement/)

    const bouncer = file('pgbouncer.log', [
      '2026-11-21 18:00:00.123 UTC [812] LOG kernel file descriptor limit: 1024 (hard: 524288); max_client_conn: 100, max expected fd use: 112',
      '2026-11-21 18:00:00.124 UTC [812] LOG listening on 127.0.0.1:6432',
      '2026-11-21 18:00:01.001 UTC [812] LOG C-0x55d0c8a0e0f0: shop/orders@127.0.0.1:51234 login attempt: db=shop user=orders tls=no',
      '2026-11-21 18:01:00.001 UTC [812] LOG stats: 12 xacts/s, 40 queries/s, in 4096 B/s, out 8192 B/s, xact 900 us, query 300 us, wait 12 us',
    ].join('\n') + '\n')
    const b = await runCarve(['workload', 'ingest', bouncer, '--out', join(dir, 'w4.json')])
    expect(b.code).toBe(1)
    expect(b.stderr).toMatch(/a pgbouncer log \(4 of 4 lines\): it records connections, not statements/)
  })
})

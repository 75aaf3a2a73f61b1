/**
 * Capture what a real PostgreSQL server logs for the same traffic under several
 * log_line_prefix settings, and wrap real server lines in the envelopes platforms document
 * (syslog with sequence numbers, Heroku logplex, journald JSON, Cloud Logging, CloudNativePG).
 *
 * One private cluster logs to stderr, csvlog and jsonlog at once; between phases the prefix is
 * changed with ALTER SYSTEM + reload, and each phase's slice of the three files is kept.
 */
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import pg from 'pg'

import {splitCsvRecord} from '../../src/workload/sources/pg-logs.js'
import type {PgCluster} from './pg-cluster.js'

export interface Capture {
  prefix: string
  stderr: string
  csv: string
  json: string
}

/** Statements the traffic executes (every one is logged by log_statement = all). */
export const TRAFFIC_STATEMENTS = 9

async function client(cluster: PgCluster, app: string): Promise<pg.Client> {
  const c = new pg.Client({connectionString: cluster.url(), application_name: app})
  await c.connect()
  return c
}

/** The same traffic every phase: a two-table write transaction, extended protocol, multi-line SQL. */
async function traffic(cluster: PgCluster): Promise<void> {
  const orders = await client(cluster, 'orders')
  await orders.query('BEGIN')
  await orders.query('insert into orders values ($1, $2, $3)', [Math.floor(Math.random() * 1e9), 1, 10])
  await orders.query("insert into order_lines values (1, 'a')")
  await orders.query('COMMIT')
  await orders.query("/*application='checkout'*/ select o.id,\n  u.email\nfrom orders o join users u on u.id = o.user_id")
  await orders.end()
  const reports = await client(cluster, 'reports')
  await reports.query('select count(*) from orders join order_lines on order_lines.order_id = orders.id')
  // Many commas: a stderr line that splits into as many "CSV fields" as a csvlog record has.
  await reports.query(`select ${Array.from({length: 30}, (_, i) => `${i} as c${i}`).join(', ')} from users`)
  await reports.query('update users set email = email where id = -1')
  await reports.end()
  const admin = await client(cluster, 'admin')
  await admin.query('CHECKPOINT')
  await admin.end()
}

const files = (cluster: PgCluster) => ({stderr: join(cluster.logDir, 'postgresql.log'), csv: join(cluster.logDir, 'postgresql.csv'), json: join(cluster.logDir, 'postgresql.json')})
const size = (path: string) => {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

let markers = 0

/**
 * Log a marker statement and wait until the logging collector has written it to all three files:
 * everything logged before it is then on disk (the collector writes in order). The machine may be
 * busy, so this waits for the marker rather than for a quiet moment.
 */
async function mark(cluster: PgCluster): Promise<string> {
  const label = `carve_capture_marker_${++markers}`
  const c = await client(cluster, 'setup')
  await c.query(`select 1 as ${label}`)
  await c.end()
  const f = files(cluster)
  for (let i = 0; i < 300; i++) {
    if ([f.stderr, f.csv, f.json].every((p) => size(p) > 0 && readFileSync(p, 'utf8').includes(label))) return label
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the server did not log ${label} within 30 s`)
}

export async function setupCaptureDatabase(cluster: PgCluster): Promise<void> {
  const c = await client(cluster, 'setup')
  await c.query('create table orders (id int primary key, user_id int, total numeric)')
  await c.query('create table order_lines (order_id int, sku text)')
  await c.query("create table users (id int primary key, email text); insert into users values (1, 'a@example.com')")
  await c.end()
}

export async function capture(cluster: PgCluster, prefix: string, settings: Record<string, string> = {}): Promise<Capture> {
  const c = await client(cluster, 'setup')
  await c.query(`alter system set log_line_prefix = '${prefix.replace(/'/g, "''")}'`)
  for (const [k, v] of Object.entries(settings)) await c.query(`alter system set ${k} = '${v}'`)
  await c.query('select pg_reload_conf()')
  await c.end()
  // New sessions see the reloaded setting once the postmaster has processed the SIGHUP.
  for (let i = 0; i < 50; i++) {
    const probe = await client(cluster, 'setup')
    const {rows} = await probe.query<{p: string}>('show log_line_prefix')
    await probe.end()
    if (rows[0]!.p === prefix) break
    await new Promise((r) => setTimeout(r, 100))
  }
  await mark(cluster)
  const f = files(cluster)
  const start = {stderr: size(f.stderr), csv: size(f.csv), json: size(f.json)}
  await traffic(cluster)
  const end = await mark(cluster)
  // The slice ends where the line holding the end marker starts (its session's connection lines
  // before it are not statements).
  const slice = (path: string, from: number) => {
    const text = readFileSync(path).subarray(from).toString('utf8')
    return text.slice(0, text.lastIndexOf('\n', text.indexOf(end)) + 1)
  }
  return {prefix, stderr: slice(f.stderr, start.stderr), csv: slice(f.csv, start.csv), json: slice(f.json, start.json)}
}

/** stderr text → entries: a line and the tab-led lines continuing it. */
export function stderrEntries(text: string): string[][] {
  const entries: string[][] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('\t') && entries.length) entries.at(-1)!.push(line)
    else entries.push([line])
  }
  return entries
}

/**
 * syslog as PostgreSQL writes it with syslog_sequence_numbers = on: `[N-k]` per piece, a piece
 * per line of the entry, the pid in the header (taken off the stderr prefix `[%p] `), and
 * rsyslog's #011 for a tab.
 */
export function asSyslog(stderr: string, style: 'bsd' | 'rfc3339' = 'bsd'): string {
  let seq = 0
  const out: string[] = []
  for (const entry of stderrEntries(stderr)) {
    const m = /^\[(\d+)\] (.*)$/s.exec(entry[0]!)
    if (!m) continue
    seq++
    const when = style === 'bsd' ? 'Nov 21 18:00:00' : '2026-11-21T18:00:00.123456+00:00'
    const lines = [m[2]!, ...entry.slice(1)]
    lines.forEach((l, k) => out.push(`${when} db1 postgres[${m[1]}]: [${seq}-${k + 1}] ${l.replace(/\t/g, '#011')}`))
  }
  return out.join('\n') + '\n'
}

/** journalctl -o json of the same syslog messages. */
export function asJournal(stderr: string): string {
  let seq = 0
  const out: string[] = []
  for (const entry of stderrEntries(stderr)) {
    const m = /^\[(\d+)\] (.*)$/s.exec(entry[0]!)
    if (!m) continue
    seq++
    const lines = [m[2]!, ...entry.slice(1)]
    lines.forEach((l, k) => out.push(JSON.stringify({
      __REALTIME_TIMESTAMP: String(1795284000000000 + seq * 1000 + k), _PID: m[1], SYSLOG_PID: m[1], SYSLOG_IDENTIFIER: 'postgres',
      _COMM: 'postgres', PRIORITY: '6', MESSAGE: `[${seq}-${k + 1}] ${l}`,
    })))
  }
  return out.join('\n') + '\n'
}

/** Heroku logplex: `TIME app[postgres.PID]: [DATABASE] [N-k] text`; the pid is the prefix's pid="…". */
export function asHeroku(stderr: string): string {
  const out: string[] = []
  let seq = 0
  for (const entry of stderrEntries(stderr)) {
    const pid = /pid="(\d+)"/.exec(entry[0]!)?.[1] ?? '0'
    seq++
    entry.forEach((l, k) => out.push(`2026-11-21T18:00:00.${String(seq).padStart(6, '0')}+00:00 app[postgres.${pid}]: [DATABASE] [${seq}-${k + 1}] ${l.replace(/^\t/, '')}`))
  }
  // A drain also carries the app's own and the router's lines.
  out.splice(1, 0, '2026-11-21T18:00:00.000001+00:00 heroku[router]: at=info method=GET path="/" host=x.herokuapp.com status=200')
  return out.join('\n') + '\n'
}

/** Cloud Logging entries (as a sink exports them, one JSON a line): the whole entry in textPayload. */
export function asCloudLoggingText(stderr: string): string {
  return stderrEntries(stderr).map((entry, i) => JSON.stringify({
    textPayload: entry.join('\n'), insertId: `s${i}`, resource: {type: 'cloudsql_database', labels: {database_id: 'p:db1'}},
    timestamp: `2026-11-21T18:00:${String(i % 60).padStart(2, '0')}Z`, severity: 'INFO', logName: 'projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log',
  })).join('\n') + '\n'
}

/** Cloud Logging entries whose jsonPayload is the server's jsonlog record. */
export function asCloudLoggingJson(jsonlog: string): string {
  return jsonlog.split('\n').filter((l) => l.trim()).map((l, i) => JSON.stringify({
    jsonPayload: JSON.parse(l) as unknown, insertId: `j${i}`, logName: 'projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log', severity: 'INFO',
  })).join('\n') + '\n'
}

const CSV_COLUMNS = [
  'log_time', 'user_name', 'database_name', 'process_id', 'connection_from', 'session_id', 'session_line_num',
  'command_tag', 'session_start_time', 'virtual_transaction_id', 'transaction_id', 'error_severity',
  'sql_state_code', 'message', 'detail', 'hint', 'internal_query', 'internal_query_pos', 'context', 'query',
  'query_pos', 'location', 'application_name', 'backend_type', 'leader_pid', 'query_id',
]

/** CloudNativePG: each csvlog record as a `record` object under the operator's envelope. */
export function asCnpg(csv: string): string {
  const records: string[] = []
  let current = ''
  let open = false
  for (const line of csv.split('\n')) {
    current = current ? `${current}\n${line}` : line
    for (const ch of line) if (ch === '"') open = !open
    if (!open) {
      if (current.trim()) records.push(current)
      current = ''
    }
  }
  return records.map((r) => {
    const values = splitCsvRecord(r)
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, values[i] ?? '']))
    return JSON.stringify({level: 'info', ts: '2026-11-21T18:00:00.000Z', logger: 'postgres', msg: 'record', logging_pod: 'cluster-example-1', record})
  }).join('\n') + '\n'
}

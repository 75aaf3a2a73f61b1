/**
 * Replaying captured legacy traffic against PostgreSQL databases and comparing what happened.
 *
 * The statements come from a PostgreSQL csvlog read with Carve's own reader (readPgCsvLog): each
 * event carries the statement text exactly as the service sent it, its session, and — for
 * extended-protocol executes — the bound values from `DETAIL: parameters:`. Each captured
 * session gets a connection of its own, so BEGIN/COMMIT/ROLLBACK keep their meaning, and
 * statements run one at a time in log order (the order the server started them), which keeps two
 * replays of the same log on two identical databases step for step identical — sequences hand out
 * the same ids in the same order.
 */
import {createHash} from 'node:crypto'

import pg from 'pg'

import type {StatementEvent} from '../../src/workload/events.js'
import {readPgCsvLog} from '../../src/workload/sources/pg-logs.js'

export interface LoggedStatement {
  /** Position in the log (0-based, over statements only). */
  seq: number
  session: string
  /** application_name as logged, else the user: what a reader of a failure wants to see. */
  service: string
  application?: string
  sql: string
  /** Bound values ($1, $2, … in order; null for NULL); undefined for simple-protocol statements. */
  params?: (string | null)[]
  line: number
}

/** `$1 = 'a''b', $2 = NULL` (as PostgreSQL logs bound parameters) → ['a\'b', null]. */
export function parseLoggedParameters(text: string): (string | null)[] {
  const values: (string | null)[] = []
  const item = /\s*\$(\d+) = (NULL|'((?:[^']|'')*)')\s*(?:,|$)/gy
  let m: RegExpExecArray | null
  let at = 0
  while (at < text.length && (m = item.exec(text)) !== null) {
    const index = Number(m[1]) - 1
    if (index !== values.length) throw new Error(`parameters out of order at $${m[1]} in: ${text.slice(0, 200)}`)
    values.push(m[2] === 'NULL' ? null : m[3]!.replace(/''/g, "'"))
    at = item.lastIndex
  }
  if (at < text.trimEnd().length) throw new Error(`cannot parse logged parameters near: ${text.slice(at, at + 80)}`)
  return values
}

/** Every statement of a PostgreSQL csvlog, in log order. */
export async function readLoggedStatements(path: string): Promise<LoggedStatement[]> {
  const events: StatementEvent[] = []
  const report = await readPgCsvLog(path, (e) => events.push(e))
  if (report.warnings.length) throw new Error(`${path}: ${report.warnings.map((w) => w.message).join('; ')}`)
  return events.map((e, seq) => ({
    seq,
    session: e.session ?? `pid-${e.line}`,
    service: e.application ?? e.user ?? 'unknown',
    application: e.application,
    sql: e.sql,
    params: e.parameters === undefined ? undefined : parseLoggedParameters(e.parameters),
    line: e.line,
  }))
}

/**
 * The statement with string literals, quoted identifiers, comments and everything inside
 * parentheses blanked out (same length, so positions match the original): what is left is the
 * outermost query's own clauses.
 */
function topLevel(sql: string): string {
  const out = sql.split('')
  let depth = 0
  const blank = (from: number, to: number) => {
    for (let k = from; k <= to && k < out.length; k++) out[k] = ' '
  }
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!
    let end = -1
    if (ch === "'" || ch === '"') end = sql.indexOf(ch, i + 1)
    else if (ch === '-' && sql[i + 1] === '-') end = sql.indexOf('\n', i)
    else if (ch === '/' && sql[i + 1] === '*') end = sql.indexOf('*/', i + 2) + 1
    else if (ch === '(' || ch === ')') {
      depth += ch === '(' ? 1 : -1
      out[i] = ' '
      continue
    } else {
      if (depth > 0) out[i] = ' '
      continue
    }
    if (end <= 0) end = sql.length
    blank(i, end)
    i = end
  }
  return out.join('')
}

export interface OrderSpec {
  /**
   * The ORDER BY keys as result columns (0-based), when every key names one (`x`, `t.x` or a
   * position); null when a key is an expression: then the whole row order must match.
   */
  keys: number[] | null
  /** The LIMIT, when there is one (null: a LIMIT whose value is not a literal or parameter). */
  limit?: number | null
}

/** The outermost ORDER BY of a statement (not one in a subquery or window), or null. */
export function orderOf(sql: string, columns: string[], params?: (string | null)[]): OrderSpec | null {
  const top = topLevel(sql)
  const orderAt = [...top.matchAll(/\border\s+by\b/gi)].at(-1)
  if (!orderAt) return null
  const start = orderAt.index + orderAt[0].length
  const stop = /\b(limit|offset|fetch|for)\b/i.exec(top.slice(start))
  const clauseEnd = stop ? start + stop.index : sql.length
  const items: string[] = []
  let from = start
  for (let i = start; i <= clauseEnd; i++) {
    if (i === clauseEnd || top[i] === ',') {
      items.push(sql.slice(from, i).trim())
      from = i + 1
    }
  }
  const names = columns.map((c) => c.toLowerCase())
  const keys: number[] = []
  for (const raw of items) {
    const item = raw.replace(/\s+nulls\s+(first|last)\s*$/i, '').replace(/\s+(asc|desc)\s*$/i, '').trim()
    let index = -1
    if (/^\d+$/.test(item)) index = Number(item) - 1
    else {
      const m = /^(?:[a-z_][a-z0-9_]*\.)?([a-z_][a-z0-9_]*)$/i.exec(item)
      if (m && names.filter((n) => n === m[1]!.toLowerCase()).length === 1) index = names.indexOf(m[1]!.toLowerCase())
    }
    if (index < 0 || index >= columns.length) return {keys: null}
    keys.push(index)
  }
  const spec: OrderSpec = {keys}
  const limit = /\blimit\s+(\d+|\$(\d+))/i.exec(top)
  if (limit) spec.limit = limit[2] ? Number(params?.[Number(limit[2]) - 1] ?? NaN) : Number(limit[1])
  else if (/\b(limit|fetch)\b/i.test(top)) spec.limit = null
  if (spec.limit !== undefined && spec.limit !== null && Number.isNaN(spec.limit)) spec.limit = null
  return spec
}

/**
 * Types whose values come from the clock or a random generator (now(), clock_timestamp(),
 * gen_random_uuid() in column defaults and triggers): two replays cannot agree on them, so the
 * "stable" hash leaves them out. Everything else in a row must match exactly.
 */
const VOLATILE_TYPES = new Set([
  1114, // timestamp
  1184, // timestamptz
  1083, // time
  1266, // timetz
  1186, // interval
  2950, // uuid
])

export interface Outcome {
  ok: boolean
  /** Command tag (SELECT, INSERT, …) when it succeeded. */
  command?: string
  rowCount?: number | null
  /** Digest of every returned value (see hashRows for how order counts). */
  hash?: string
  /** The same without the columns of clock/random types. */
  stableHash?: string
  /** Whether any column of a clock/random type was returned. */
  volatileColumns?: boolean
  error?: {code?: string; message: string}
}

/** Read every value as the server's text: no client-side parsing can blur a difference. */
const rawText = {getTypeParser: () => (value: string) => value}

/**
 * A digest of a result. Without ORDER BY the rows are a multiset (sorted before hashing). With
 * ORDER BY on known columns the order is compared as far as it is defined: rows are grouped into
 * runs of equal sort keys, each run compared as a multiset, the runs in order — ties may come in
 * any order, as PostgreSQL promises nothing about them. When a LIMIT may have cut the last run,
 * which of its tied rows made it is not defined either: of that run only the key and the size
 * count. With ORDER BY on expressions the row order must match exactly.
 */
function hashRows(rows: unknown[][], keep: boolean[], order: OrderSpec | null): string {
  const line = (r: unknown[]) => JSON.stringify(r.filter((_v, i) => keep[i]))
  const h = createHash('sha256')
  if (!order || !order.keys) {
    const lines = rows.map(line)
    if (!order) lines.sort()
    for (const l of lines) h.update(l).update('\n')
    return h.digest('hex').slice(0, 16)
  }
  const keys = order.keys
  const runs: {key: string; lines: string[]}[] = []
  for (const r of rows) {
    const key = JSON.stringify(keys.map((k) => r[k]))
    const run = runs.at(-1)
    if (run && run.key === key) run.lines.push(line(r))
    else runs.push({key, lines: [line(r)]})
  }
  const cut = order.limit === null || (order.limit !== undefined && rows.length >= order.limit)
  runs.forEach((run, i) => {
    // Keys of clock/random columns are left out like the columns themselves.
    const shownKey = JSON.stringify(keys.filter((k) => keep[k]).map((k) => JSON.parse(run.key)[keys.indexOf(k)]))
    h.update(shownKey).update(':')
    if (cut && i === runs.length - 1) h.update(`${run.lines.length} rows`)
    else h.update(run.lines.sort().join('\n'))
    h.update('\n')
  })
  return h.digest('hex').slice(0, 16)
}

export async function runStatement(client: pg.Client, s: LoggedStatement): Promise<Outcome> {
  try {
    const result = await client.query({text: s.sql, values: s.params, rowMode: 'array', types: rawText} as pg.QueryConfig)
    // A simple-protocol string with several statements answers with one result per statement.
    const last = (Array.isArray(result) ? result.at(-1) : result) as pg.QueryArrayResult
    const fields = last.fields ?? []
    const rows = (last.rows ?? []) as unknown[][]
    const order = orderOf(s.sql, fields.map((f) => f.name), s.params)
    const stable = fields.map((f) => !VOLATILE_TYPES.has(f.dataTypeID))
    return {
      ok: true,
      command: last.command,
      rowCount: last.rowCount,
      hash: fields.length ? hashRows(rows, fields.map(() => true), order) : undefined,
      stableHash: fields.length ? hashRows(rows, stable, order) : undefined,
      volatileColumns: stable.some((k) => !k),
    }
  } catch (error) {
    const e = error as {code?: string; message: string}
    return {ok: false, error: {code: e.code, message: e.message}}
  }
}

/**
 * Bring a database to a state in which two copies given the same statements return rows in the
 * same order: PostgreSQL leaves the order of ties in ORDER BY (and everything without one) to
 * the physical row order and the chosen plan, and both drift between copies — a rolled-back
 * probe write leaves a dead row version where the other copy has none, autovacuum and
 * autoanalyze run when they like, and ANALYZE samples at random. So, on every table: autovacuum
 * off, VACUUM FULL (rewrites each table with its live rows in their current order, dead
 * versions gone) and ANALYZE with a statistics target large enough to read every row (no
 * sampling, so identical statistics). Parallel plans are switched off for the database, as their
 * row order depends on worker timing. None of this changes what a statement means.
 */
export async function settleForReplay(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({connectionString: adminUrl})
  await client.connect()
  try {
    const {rows} = await client.query<{rel: string}>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS rel
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY 1`,
    )
    for (const {rel} of rows) await client.query(`ALTER TABLE ${rel} SET (autovacuum_enabled = off)`)
    await client.query('SET default_statistics_target = 10000')
    await client.query(`VACUUM (FULL, ANALYZE) ${rows.map((r) => r.rel).join(', ')}`)
    await client.query(`ALTER DATABASE "${database.replace(/"/g, '""')}" SET max_parallel_workers_per_gather = 0`)
  } finally {
    await client.end()
  }
}

/**
 * Give every sequence of `targetUrl` that also exists in `sourceUrl` (by name, wherever its schema
 * is now) the source's position. Sequences are not transactional: a probe write that a plan's
 * verify.sql rolls back still uses up values (through triggers, too), and the copies would hand
 * out different ids from then on.
 */
export async function alignSequences(sourceUrl: string, targetUrl: string): Promise<number> {
  const source = new pg.Client({connectionString: sourceUrl})
  const target = new pg.Client({connectionString: targetUrl})
  await source.connect()
  await target.connect()
  // pg_sequences shows no value for a sequence set with is_called = false: read the relations.
  const list = `SELECT c.relname AS name, c.oid::regclass::text AS seq FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`
  const state = async (client: pg.Client, seq: string) =>
    (await client.query<{value: string; called: boolean}>(`SELECT last_value::text AS value, is_called AS called FROM ${seq}`)).rows[0]!
  try {
    const inTarget = new Map<string, string[]>()
    for (const r of (await target.query<{name: string; seq: string}>(list)).rows) inTarget.set(r.name, [...(inTarget.get(r.name) ?? []), r.seq])
    let moved = 0
    for (const r of (await source.query<{name: string; seq: string}>(list)).rows) {
      const there = inTarget.get(r.name)
      if (there?.length !== 1) continue
      const want = await state(source, r.seq)
      const have = await state(target, there[0]!)
      if (want.value === have.value && want.called === have.called) continue
      await target.query('SELECT setval($1::regclass, $2::bigint, $3)', [there[0], want.value, want.called])
      moved++
    }
    return moved
  } finally {
    await source.end()
    await target.end()
  }
}

export interface ReplayOptions {
  /** Seconds a statement may wait for a lock before it fails (the same on every replay). */
  lockTimeoutSeconds?: number
}

/**
 * Replay `statements` against the database at `url`, one connection per captured session
 * (application_name as captured), strictly one statement at a time in log order. Returns one
 * outcome per statement, in the same order.
 */
export async function replay(url: string, statements: LoggedStatement[], options: ReplayOptions = {}): Promise<Outcome[]> {
  const clients = new Map<string, pg.Client>()
  try {
    for (const s of statements) {
      if (clients.has(s.session)) continue
      const client = new pg.Client({connectionString: url, application_name: s.application ?? ''})
      client.on('error', () => {})
      clients.set(s.session, client)
      await client.connect()
      // A statement the capture saw wait for another session's lock would, replayed one at a
      // time, wait for a statement that is never sent: a lock timeout turns that into an error
      // (the same error on every replay) instead of a hang.
      await client.query(`SET lock_timeout = '${options.lockTimeoutSeconds ?? 2}s'`)
    }
    const outcomes: Outcome[] = []
    for (const s of statements) outcomes.push(await runStatement(clients.get(s.session)!, s))
    return outcomes
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end().catch(() => {})))
  }
}

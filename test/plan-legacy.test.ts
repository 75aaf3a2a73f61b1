/**
 * The strangler facade, proven on real traffic: after the whole shop plan is applied, the
 * services' unchanged statements — replayed from the example's captured log with their literal
 * values and bound parameters — behave exactly as they do on an untouched copy of the database.
 *
 * Two databases are loaded with the example (the second as a copy of the first), both owned by a
 * plain login standing for the legacy application ("the database owner"). The plan is applied to
 * one of them by the test server's administrative user — the way a DBA would run it — and then
 * both replay the log as the legacy login, each captured session on a connection of its own, one
 * statement at a time in log order. Every statement that succeeds on the untouched database must
 * succeed on the migrated one with the same row count and the same rows.
 *
 * Schema changes in the log (the deploy pipeline's ALTER TABLE / CREATE INDEX) are not replayed
 * with the traffic: under the old names they now reach a view, which PostgreSQL refuses by
 * design (the move step's README says so); they are checked on their own, after the replay, so
 * that a column they add on one side only does not turn every later `SELECT *` into a mismatch.
 *
 * Needs CARVE_TEST_PG_URL with a superuser (it creates a login role, databases and the plan's
 * roles; skips with a message otherwise). The whole log is replayed — 12.6k statements of 29
 * sessions, on both databases at once: 35–50 s in all on two busy cores. The helpers that read
 * the log and compare results are checked on their own below, with or without a server.
 */
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {exampleBoundaries} from '../src/boundaries/example-contexts.js'
import {exampleDir, loadExample} from '../src/db/examples.js'
import {openPostgres} from '../src/db/postgres.js'
import {inspect} from '../src/introspect/index.js'
import {generatePlan} from '../src/plan/generate.js'
import type {GeneratedPlan} from '../src/plan/model.js'
import {loadServiceMap} from '../src/workload/service-map.js'
import {listExampleLogs} from '../src/workload/example-logs.js'
import {ingest} from '../src/workload/ingest.js'
import {alignSequences, type LoggedStatement, orderOf, type Outcome, parseLoggedParameters, readLoggedStatements, replay, runStatement, settleForReplay} from './support/replay.js'
import {announceSkip, PG_URL, siblingDatabaseUrl} from './support/servers.js'

if (!PG_URL) announceSkip('PostgreSQL')

const SHOP = exampleDir('shop')
const LOG = join(SHOP, 'logs', 'postgresql.csv')

/** Schema changes: run by the deploy pipeline, not traffic (see the file comment). */
const DDL = /^(\s|\/\*[\s\S]*?\*\/|--[^\n]*\n)*(ALTER|CREATE|DROP|COMMENT|GRANT|REVOKE)\b/i

function withUser(url: string, user: string, password: string): string {
  const u = new URL(url)
  u.username = encodeURIComponent(user)
  u.password = encodeURIComponent(password)
  return u.toString()
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

function brief(s: LoggedStatement): string {
  const sql = s.sql.replace(/\s+/g, ' ').slice(0, 220)
  return `#${s.seq} ${s.service} (log line ${s.line}): ${sql}${s.params ? ` -- params ${JSON.stringify(s.params).slice(0, 160)}` : ''}`
}

async function countRows(url: string, relations: string[]): Promise<Map<string, number>> {
  const c = new pg.Client({connectionString: url})
  await c.connect()
  try {
    const counts = new Map<string, number>()
    for (const r of relations) counts.set(r, Number((await c.query<{n: string}>(`SELECT count(*) AS n FROM ${r}`)).rows[0]!.n))
    return counts
  } finally {
    await c.end()
  }
}

describe('replaying a captured log: reading and comparing', () => {
  it('reads bound parameters as PostgreSQL logs them', () => {
    expect(parseLoggedParameters("$1 = '12', $2 = NULL, $3 = 'it''s, $4 = ''x'''")).toEqual(['12', null, "it's, $4 = 'x'"])
    expect(parseLoggedParameters('')).toEqual([])
    expect(() => parseLoggedParameters("$2 = '1'")).toThrow(/out of order/)
  })

  it('reads every statement of the shop log with its session and parameters', async () => {
    const statements = await readLoggedStatements(LOG)
    expect(statements.length).toBeGreaterThan(12_000)
    expect(new Set(statements.map((s) => s.session)).size).toBeGreaterThanOrEqual(17)
    const withParams = statements.filter((s) => s.params)
    expect(withParams.length).toBeGreaterThan(5_000)
    // Every $n in a parameterized statement has a value.
    for (const s of withParams) {
      const highest = Math.max(0, ...[...s.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))
      expect(s.params!.length, s.sql).toBeGreaterThanOrEqual(highest)
    }
  })

  it('knows which result order a statement defines', () => {
    expect(orderOf('SELECT a, b FROM t', ['a', 'b'])).toBeNull()
    expect(orderOf('SELECT a FROM t WHERE b IN (SELECT b FROM u ORDER BY c)', ['a'])).toBeNull()
    expect(orderOf('SELECT a, row_number() OVER (ORDER BY a) FROM t', ['a', 'row_number'])).toBeNull()
    expect(orderOf("SELECT 'order by a', a FROM t -- ORDER BY a", ['?column?', 'a'])).toBeNull()
    expect(orderOf('SELECT m.id, p.name FROM m JOIN p ON (p.id = m.id) ORDER BY p.name DESC NULLS LAST, 1 LIMIT 50', ['id', 'name'])).toEqual({keys: [1, 0], limit: 50})
    expect(orderOf('SELECT a, b FROM t ORDER BY b LIMIT $2', ['a', 'b'], ['x', '10'])).toEqual({keys: [1], limit: 10})
    expect(orderOf('SELECT a, b FROM t ORDER BY lower(a)', ['a', 'b'])).toEqual({keys: null})
  })
})

describe.skipIf(!PG_URL)('legacy statements keep working through the compatibility views (PostgreSQL)', () => {
  const tag = randomBytes(3).toString('hex')
  // Roles are cluster-wide: every role this test creates (the plan's and the legacy login)
  // carries this prefix, and afterAll drops exactly those.
  const rolePrefix = `carve_t${tag}_`
  const legacy = {user: `${rolePrefix}legacy_login`, password: randomBytes(12).toString('hex')}
  const untouched = siblingDatabaseUrl(PG_URL ?? 'postgres://x@localhost/x', 'legacy_a')
  const migrated = siblingDatabaseUrl(PG_URL ?? 'postgres://x@localhost/x', 'legacy_b')
  let admin: pg.Client
  let plan: GeneratedPlan
  /** Moved table name → its schema after the plan. */
  const schemaOf = new Map<string, string>()
  let traffic: LoggedStatement[] = []
  let ddl: LoggedStatement[] = []
  let before: Map<string, number>
  let outcomes: {a: Outcome[]; b: Outcome[]}
  let replayMs = 0
  let sequencesAligned = 0

  beforeAll(async () => {
    admin = new pg.Client({connectionString: PG_URL})
    await admin.connect()
    await admin.query(`CREATE ROLE ${q(legacy.user)} LOGIN PASSWORD '${legacy.password}'`)
    // Durability is not under test: without a flush per commit the replay runs several times faster.
    await admin.query(`CREATE DATABASE ${q(untouched.name)} OWNER ${q(legacy.user)}`)
    await admin.query(`ALTER DATABASE ${q(untouched.name)} SET synchronous_commit = off`)
    const loader = await openPostgres(withUser(untouched.url, legacy.user, legacy.password))
    try {
      await loadExample(loader, 'shop')
    } finally {
      await loader.close()
    }
    // An exact copy, byte for byte the same rows and sequence positions.
    await admin.query(`CREATE DATABASE ${q(migrated.name)} OWNER ${q(legacy.user)} TEMPLATE ${q(untouched.name)}`)
    await admin.query(`ALTER DATABASE ${q(migrated.name)} SET synchronous_commit = off`)

    // The plan, from the catalog of the database it is applied to.
    const dba = await openPostgres(migrated.url)
    try {
      const catalog = await inspect(dba)
      const workload = await ingest({files: listExampleLogs(SHOP), serviceMap: loadServiceMap(join(SHOP, 'logs', 'service-map.yml'))})
      plan = generatePlan(catalog, exampleBoundaries(SHOP)!, workload, {name: 'shop', conventions: {rolePrefix, outboxDelivery: 'trigger'}})
      for (const c of plan.manifest.contexts) for (const t of c.tables) schemaOf.set(t, c.schema)
      before = await countRows(untouched.url, [...schemaOf.keys()].map((t) => `public.${q(t)}`))
      for (const step of plan.manifest.steps) {
        try {
          await dba.exec('BEGIN')
          await dba.exec(plan.files.get(step.files.up!)!)
          await dba.exec(plan.files.get(step.files.verify!)!)
          await dba.exec('COMMIT')
        } catch (error) {
          await dba.exec('ROLLBACK').catch(() => {})
          throw new Error(`applying step ${step.id} failed: ${(error as Error).message}`)
        }
      }
    } finally {
      await dba.close()
    }

    // The two copies now differ in what the plan did and — as side effects of it — in physical
    // row order and sequence positions; only the first is under test (see settleForReplay and
    // alignSequences for why the others would make equal results look different).
    await Promise.all([settleForReplay(untouched.url, untouched.name), settleForReplay(migrated.url, migrated.name)])
    sequencesAligned = await alignSequences(untouched.url, migrated.url)

    const statements = await readLoggedStatements(LOG)
    traffic = statements.filter((s) => !DDL.test(s.sql))
    ddl = statements.filter((s) => DDL.test(s.sql))
    const started = performance.now()
    const [a, b] = await Promise.all([
      replay(withUser(untouched.url, legacy.user, legacy.password), traffic),
      replay(withUser(migrated.url, legacy.user, legacy.password), traffic),
    ])
    replayMs = performance.now() - started
    outcomes = {a, b}
  }, 300_000)

  afterAll(async () => {
    if (!admin) return
    for (const db of [migrated.name, untouched.name]) await admin.query(`DROP DATABASE IF EXISTS ${q(db)} WITH (FORCE)`).catch(() => {})
    const roles = await admin.query<{rolname: string}>(`SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1`, [rolePrefix])
    for (const r of roles.rows) await admin.query(`DROP ROLE IF EXISTS ${q(r.rolname)}`)
    await admin.end()
  }, 120_000)

  it('moved every context out of public, leaving views under the old names', async () => {
    expect(schemaOf.size).toBeGreaterThan(60)
    const c = new pg.Client({connectionString: migrated.url})
    await c.connect()
    try {
      const {rows} = await c.query<{name: string; kind: string}>(
        `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])`,
        [[...schemaOf.keys()]],
      )
      expect(rows.filter((r) => r.kind !== 'v').map((r) => r.name)).toEqual([])
      expect(rows).toHaveLength(schemaOf.size)
    } finally {
      await c.end()
    }
  })

  it('every statement that succeeds on the untouched database succeeds on the migrated one, with the same rows', () => {
    const {a, b} = outcomes
    expect(a).toHaveLength(traffic.length)
    // One entry per kind of problem (an error message with its object names taken out), with
    // the objects it hit and the first statement: enough to find the step at fault.
    const problems = new Map<string, {count: number; seq: number; first: string; objects: Set<string>}>()
    const problem = (kind: string, s: LoggedStatement, detail: string) => {
      const objects = [...kind.matchAll(/"([^"]+)"/g)].map((m) => m[1]!)
      const key = kind.replace(/"[^"]+"/g, '"…"')
      const entry = problems.get(key) ?? {count: 0, seq: s.seq, first: `${brief(s)} => ${detail}`, objects: new Set<string>()}
      entry.count++
      for (const o of objects) entry.objects.add(o)
      problems.set(key, entry)
    }
    const tally = {replayed: traffic.length, okBoth: 0, failBoth: 0, onlyUntouchedFails: 0, byFullHash: 0, byStableHash: 0}
    const commands = new Map<string, number>()
    const failedBoth = new Map<string, number>()
    for (let i = 0; i < traffic.length; i++) {
      const s = traffic[i]!
      const x = a[i]!
      const y = b[i]!
      if (!x.ok) {
        // Fails on the untouched database too (ids the capture got from its own sequences, …):
        // nothing to compare. A statement that fails only there is allowed (a dropped FK).
        if (y.ok) tally.onlyUntouchedFails++
        else {
          tally.failBoth++
          failedBoth.set(x.error!.code ?? '?', (failedBoth.get(x.error!.code ?? '?') ?? 0) + 1)
        }
        continue
      }
      commands.set(x.command!, (commands.get(x.command!) ?? 0) + 1)
      if (!y.ok) {
        // Object names in PostgreSQL's messages come quoted or after "for view|table|schema".
        const message = y.error!.message.replace(/\b(for (?:view|table|schema|relation|sequence|function)) (\w+)/, '$1 "$2"')
        problem(`fails only on the migrated database: ${y.error!.code} ${message}`, s, y.error!.message)
        continue
      }
      tally.okBoth++
      if (x.command !== y.command || x.rowCount !== y.rowCount) {
        const kind = x.command === 'COMMIT' && y.command === 'ROLLBACK' ? 'COMMIT answered by ROLLBACK (the transaction failed earlier)' : 'different command tag or row count'
        problem(kind, s, `${x.command} ${x.rowCount} vs ${y.command} ${y.rowCount}`)
        continue
      }
      // Values from now()/clock_timestamp()/gen_random_uuid() (column defaults, the audit
      // trigger) differ between any two runs: rows that carry such columns are compared without
      // them — every other column, and the row count, still has to match.
      if (x.volatileColumns) {
        tally.byStableHash++
        if (x.stableHash !== y.stableHash) problem('different rows (clock/random columns left out)', s, `${x.stableHash} vs ${y.stableHash}`)
      } else {
        tally.byFullHash++
        if (x.hash !== y.hash) problem('different rows', s, `${x.hash} vs ${y.hash}`)
      }
    }
    // Causes first, in the order the log meets them; the failures they drag along (the rest of an
    // aborted transaction, its COMMIT answered by ROLLBACK) last.
    const cascade = (kind: string) => kind.includes(' 25P02 ') || kind.startsWith('COMMIT answered by ROLLBACK')
    const summary = [...problems]
      .sort((p, r) => Number(cascade(p[0])) - Number(cascade(r[0])) || p[1].seq - r[1].seq)
      .map(([kind, p]) => `${p.count} × ${kind}${p.objects.size ? ` (${p.objects.size} objects: ${[...p.objects].sort().slice(0, 12).join(', ')}${p.objects.size > 12 ? ', …' : ''})` : ''}\n    first: ${p.first}`)
    const kinds = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'].map((k) => `${k} ${commands.get(k) ?? 0}`).join(', ')
    console.log(
      `[plan-legacy] replayed ${tally.replayed} statements of ${new Set(traffic.map((s) => s.session)).size} sessions on both databases in ${(replayMs / 1000).toFixed(1)} s; ` +
        `succeeded on the untouched one: ${kinds}, other ${[...commands].filter(([k]) => !['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(k)).map(([k, n]) => `${k} ${n}`).join(', ')}; ` +
        `same outcome on both: ${tally.okBoth} (rows compared in full: ${tally.byFullHash}, without clock/random columns: ${tally.byStableHash}); ` +
        `failed on both: ${tally.failBoth} (${[...failedBoth].map(([k, n]) => `${k}×${n}`).join(', ')}); failed only on the untouched one: ${tally.onlyUntouchedFails}; ` +
        `problems: ${[...problems.values()].reduce((n, p) => n + p.count, 0)}; ` +
        `sequences the plan's verify probes had advanced, reset before the replay: ${sequencesAligned}`,
    )
    expect(summary).toEqual([])
    // Not vacuous: the traffic really ran, with every kind of statement.
    for (const k of ['SELECT', 'INSERT', 'UPDATE', 'DELETE']) expect(commands.get(k) ?? 0).toBeGreaterThan(0)
    expect(tally.okBoth).toBeGreaterThan(traffic.length * 0.95)
  })

  it('writes through the compatibility views land in the moved tables', async () => {
    const names = [...schemaOf.keys()].sort()
    const afterUntouched = await countRows(untouched.url, names.map((t) => `public.${q(t)}`))
    const afterMoved = await countRows(migrated.url, names.map((t) => `${q(schemaOf.get(t)!)}.${q(t)}`))
    const untouchedCounts = Object.fromEntries(names.map((t) => [t, afterUntouched.get(`public.${q(t)}`)]))
    const movedCounts = Object.fromEntries(names.map((t) => [t, afterMoved.get(`${q(schemaOf.get(t)!)}.${q(t)}`)]))
    expect(movedCounts).toEqual(untouchedCounts)
    const grew = names.filter((t) => movedCounts[t]! > before.get(`public.${q(t)}`)!)
    // The traffic inserts orders, carts and audit rows (among others): they are in the owners' schemas now.
    expect(grew).toEqual(expect.arrayContaining(['orders', 'carts', 'cart_items', 'audit_events']))
    expect(schemaOf.get('orders')).toBe('orders')
    console.log(`[plan-legacy] ${grew.length} moved tables gained rows written through their views, e.g. orders.orders ${before.get('public."orders"')} → ${movedCounts.orders}`)
  })

  it('the outbox triggers saw the writes made through the views', async () => {
    const outboxes = plan.manifest.contexts.map((c) => `${q(c.schema)}.${q('outbox')}`)
    const c = new pg.Client({connectionString: migrated.url})
    await c.connect()
    const present = await c.query<{r: string | null}>('SELECT to_regclass(r)::text AS r FROM unnest($1::text[]) AS r', [outboxes]).finally(() => c.end())
    const events = await countRows(migrated.url, present.rows.flatMap((r) => (r.r ? [r.r] : [])))
    expect(events.get('orders.outbox') ?? 0).toBeGreaterThan(0)
    expect(events.get('payments.outbox') ?? 0).toBeGreaterThan(0)
  })

  it('schema changes under the old names reach a view and are refused: they must target the owner schema', async () => {
    expect(ddl.map((s) => s.service)).toEqual(ddl.map(() => 'migrations'))
    const run = async (url: string) => {
      const c = new pg.Client({connectionString: withUser(url, legacy.user, legacy.password)})
      await c.connect()
      try {
        const out: Outcome[] = []
        for (const s of ddl) out.push(await runStatement(c, s))
        return out
      } finally {
        await c.end()
      }
    }
    const a = await run(untouched.url)
    const b = await run(migrated.url)
    expect(a.map((o) => o.error?.message ?? 'ok')).toEqual(ddl.map(() => 'ok'))
    // 42809 wrong_object_type: "ALTER action ADD COLUMN cannot be performed on relation", "cannot
    // create index on relation" — the documented limit of a compatibility view, not a grant problem.
    expect(b.map((o) => o.error?.code ?? 'ok')).toEqual(ddl.map(() => '42809'))
    console.log(`[plan-legacy] ${ddl.length} schema changes in the log, refused on the migrated database as expected:\n${ddl.map((s, i) => `  ${brief(s)} => ${b[i]!.error!.message}`).join('\n')}`)
  })
})

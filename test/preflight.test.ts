/**
 * Split mode and apply preflight (issue 12 point 8): `carve plan --split` chooses the sync mode
 * from the server's wal_level and says why; `carve apply` refuses a plan whose step cannot run on
 * this server before its first step — the ledger and the schema stay untouched.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {findBlockers, type ServerFacts} from '../src/execute/preflight.js'
import type {LoadedStep} from '../src/execute/plan-files.js'
import {chooseSplitMode} from '../src/plan/split-mode.js'
import {hasStackTrace, runCarve} from './support/cli.js'
import {tempDir} from './support/plan-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

describe('the split mode chosen by carve plan', () => {
  it('follows wal_level when not asked, and says why', () => {
    expect(chooseSplitMode(undefined, {flavor: 'postgresql', walLevel: 'logical'}).mode).toBe('logical-replication')
    const replica = chooseSplitMode(undefined, {flavor: 'postgresql', walLevel: 'replica'})
    expect(replica.mode).toBe('change-capture')
    expect(replica.reason).toMatch(/wal_level=replica/)
    expect(chooseSplitMode('logical', {flavor: 'postgresql', walLevel: 'replica'}).reason).toMatch(/refuses until then/)
    expect(chooseSplitMode('change-capture', {flavor: 'postgresql', walLevel: 'logical'}).mode).toBe('change-capture')
    expect(chooseSplitMode(undefined, {flavor: 'pglite', walLevel: null}).reason).toMatch(/embedded database/)
  })
})

const facts = (over: Partial<ServerFacts> = {}): ServerFacts => ({
  engine: 'postgres', flavor: 'postgresql', physicalSplit: true, embedded: false, readsPrivileges: true, serverMajor: 15, label: 'db', walLevel: 'logical', maxReplicationSlots: 10, maxWalSenders: 10,
  superuser: true, replication: true, createDb: true, createRole: true, existingRoles: [], canOpenOtherDatabases: true, ...over,
})
const spec = (mode: string, key: string[] = ['id']) => ({
  context: 'c', owner: 'o', mode, source_database: 's', target_database: 't', schema: 'c',
  tables: [{source: {schema: 'c', name: 'a'}, target: {schema: 'c', name: 'a'}, key, columns: ['id'], initial_copy: 'keyset', partitions: []}],
  sequences: [], outbox: {schema: 'c', name: 'outbox'}, meta_schema: 'carve', publication: 'p', sync_publication: 'p_init', subscription: 's', slot: 's',
  reverse: {publication: 'r', subscription: 'r', slot: 'r'}, compatibility_views: [], soak_days: 7,
})
const step = (id: string, kind: string, s?: unknown): LoadedStep =>
  ({step: {id, kind, title: id, context: 'c', level: {from: 2, to: 3}, depends_on: [], transactional: false, locks: [], irreversible: false, files: {}, checksums: {}, spec: s}, files: {}, checksum: '', index: 0}) as unknown as LoadedStep
const manifest = {contexts: [{name: 'c', owner: 'o', schema: 'c', role: 'carve_o', tables: ['a']}]}

describe('preflight rules (pure)', () => {
  it('names the step, the missing requirement and the fix', () => {
    const logical = [step('009-split-prepare-c', 'split-prepare', spec('logical-replication'))]
    expect(findBlockers(logical, manifest, facts())).toEqual([])
    const [wal] = findBlockers(logical, manifest, facts({walLevel: 'replica'}))
    expect(wal).toMatchObject({step: '009-split-prepare-c', need: expect.stringMatching(/wal_level=replica/), fix: expect.stringMatching(/--split-mode change-capture/)})
    expect(findBlockers([step('009-split-prepare-c', 'split-prepare', spec('change-capture'))], manifest, facts({walLevel: 'replica'}))).toEqual([])
    expect(findBlockers([step('009-split-prepare-c', 'split-prepare', spec('change-capture', []))], manifest, facts())[0]!.need).toMatch(/primary key; c\.a has none/)
    expect(findBlockers(logical, manifest, facts({flavor: 'pglite', embedded: true, canOpenOtherDatabases: false}))[0]!.need).toMatch(/embedded pglite/)
    expect(findBlockers(logical, manifest, facts({engine: 'mysql', flavor: 'mariadb', physicalSplit: false, readsPrivileges: false}))[0]!.need).toMatch(/needs PostgreSQL/)
    expect(findBlockers(logical, manifest, facts({superuser: false, createDb: false, serverMajor: 16, replication: false})).map((b) => b.need)).toEqual([
      expect.stringMatching(/CREATEDB/), expect.stringMatching(/REPLICATION/),
    ])
    const roles = [step('003-service-roles', 'service-roles')]
    expect(findBlockers(roles, manifest, facts({superuser: false, createRole: false}))[0]!.need).toMatch(/carve_o.*CREATEROLE/)
    expect(findBlockers(roles, manifest, facts({superuser: false, createRole: false, existingRoles: ['carve_o']}))).toEqual([])
  })
})

if (!PG_URL) announceSkip('PostgreSQL')

describe.skipIf(!PG_URL)('plan --split and apply preflight on the PostgreSQL server', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>
  let client: pg.Client
  let dir: string
  let walLevel: string

  beforeAll(async () => {
    db = await createPgDatabase('preflight')
    client = new pg.Client({connectionString: db.url})
    await client.connect()
    await client.query(`CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), total numeric NOT NULL);
      INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 20) g;
      INSERT INTO orders SELECT g, 1 + g % 20, g FROM generate_series(1, 50) g;`)
    walLevel = (await client.query<{w: string}>(`SELECT current_setting('wal_level') AS w`)).rows[0]!.w
    dir = tempDir('carve-preflight-')
    writeFileSync(join(dir, 'carve.yml'), 'version: 1\ncontexts:\n  - name: crm\n    owner: crm-service\n    tables: [customers]\n  - name: sales\n    owner: sales-service\n    tables: [orders]\n')
  }, 60_000)
  afterAll(async () => {
    await client?.end()
    await db?.drop()
  })

  it('plan --split picks the mode from the server\'s wal_level and says so, in its output and the plan README', async () => {
    const out = join(dir, 'auto')
    const r = await runCarve(['plan', '--db', db.url, '--out', out, '--split', '--context', 'sales'], {cwd: dir})
    expect(r.stderr + r.stdout).not.toSatisfy(hasStackTrace)
    expect(r.code).toBe(0)
    const expected = walLevel === 'logical' ? 'logical-replication' : 'change-capture'
    expect(r.stdout).toContain(`note: physical split mode: ${walLevel === 'logical' ? 'logical replication' : 'change capture'}`)
    if (walLevel !== 'logical') expect(r.stdout).toContain(`wal_level=${walLevel}`)
    const plan = readFileSync(join(out, 'plan.yml'), 'utf8')
    expect(plan).toContain(`mode: ${expected}`)
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('physical split mode:')
  }, 120_000)

  it('a context named after a login role is noted: "$user" in search_path would bypass its compatibility views', async () => {
    const role = `h5login${Math.random().toString(36).slice(2, 8).replace(/[^a-z0-9]/g, "")}`
    await client.query(`CREATE ROLE ${role} LOGIN`)
    try {
      const file = join(dir, 'user.yml')
      writeFileSync(file, `version: 1\ncontexts:\n  - name: ${role}\n    owner: crm-service\n    tables: [customers]\n`)
      const r = await runCarve(['plan', '--db', db.url, '--file', file, '--out', join(dir, 'user-plan'), '--target-level', '2'], {cwd: dir})
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain(`note: context ${role} moves into schema ${role}, the name of login role ${role}: with the default search_path ("$user", public)`)
    } finally {
      await client.query(`DROP ROLE ${role}`)
    }
  }, 120_000)

  it('a plan forced to logical on a server without wal_level=logical is refused by apply before step 1, the ledger untouched', async () => {
    if (walLevel === 'logical') {
      console.warn('[carve tests] the server has wal_level=logical: the refusal cannot be shown on it')
      return
    }
    const out = join(dir, 'logical')
    const planned = await runCarve(['plan', '--db', db.url, '--out', out, '--split', '--split-mode', 'logical'], {cwd: dir})
    expect(planned.code).toBe(0)
    expect(planned.stdout).toMatch(/as asked with --split-mode logical, although this server has wal_level=/)
    const r = await runCarve(['apply', out, '--db', db.url], {cwd: dir})
    expect(r.code).toBe(1)
    expect(r.stderr).not.toSatisfy(hasStackTrace)
    expect(r.stderr).toMatch(/nothing applied: step \d+-split-prepare-crm cannot run on .*wal_level=logical; .* has wal_level=\w+ \(and 1 more: \d+-split-prepare-sales\)$/m)
    expect(r.stderr).toMatch(/--split-mode change-capture/)
    expect(r.stderr).not.toMatch(/split-copy/)
    const state = await client.query<{ledger: string | null; schema: string | null; table: string | null}>(
      `SELECT to_regclass('carve.ledger_steps')::text AS ledger, (SELECT nspname FROM pg_namespace WHERE nspname = 'sales') AS schema, to_regclass('public.orders')::text AS table`,
    )
    expect(state.rows[0]).toEqual({ledger: null, schema: null, table: 'orders'})
  }, 120_000)
})

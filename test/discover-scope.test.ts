/**
 * `carve discover` on a real PostgreSQL server: Carve's own schema (the ledger a plan's run
 * leaves) never appears in the proposal, and a boundaries file naming a context after a
 * database role (the connecting user) or a table that does not exist is refused with its line.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hasStackTrace, runCarve} from './support/cli.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const SCHEMA = `
create table customers (id bigint primary key);
create table customer_addresses (id bigint primary key, customer_id bigint references customers);
create table orders (id bigint primary key, customer_id bigint references customers);
create table order_lines (id bigint primary key, order_id bigint references orders);
create schema carve;
create table carve.ledger_steps (id bigint primary key);
create table carve.ledger_events (id bigint primary key, step_id bigint references carve.ledger_steps);
`

if (!PG_URL) announceSkip('PostgreSQL')

describe.skipIf(!PG_URL)('carve discover on PostgreSQL: only the application\'s tables, no role names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'carve-scope-'))
  let db: Awaited<ReturnType<typeof createPgDatabase>>
  let user = ''
  beforeAll(async () => {
    db = await createPgDatabase('discover_scope')
    const {default: pg} = await import('pg')
    const client = new pg.Client({connectionString: db.url})
    await client.connect()
    try {
      await client.query(SCHEMA)
      user = (await client.query<{u: string}>('select current_user as u')).rows[0]!.u
    } finally {
      await client.end()
    }
  })
  afterAll(async () => {
    await db?.drop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('the carve schema never appears in a proposal', async () => {
    const r = await runCarve(['discover', '--db', db.url, '--json', '--file', join(dir, 'none.yml')], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    const proposal = JSON.parse(r.stdout) as {contexts: {name: string; tables: string[]}[]; tables: {table: string; evidence: string[]}[]}
    const tables = proposal.tables.map((t) => t.table).sort()
    expect(tables).toEqual(['customer_addresses', 'customers', 'order_lines', 'orders'])
    expect(proposal.contexts.map((c) => c.name)).not.toContain('ledger')
    expect(proposal.tables.find((t) => t.table === 'order_lines')!.evidence[0]).toMatch(/FK with orders/)
  })

  it('a context named after the connecting role, or a table that does not exist: exit 2 with file:line', async () => {
    const roleName = user.toLowerCase().replace(/_/g, '-')
    writeFileSync(join(dir, 'role.yml'), `version: 1\ncontexts:\n  - name: sales\n    tables: [orders, order_lines]\n  - name: ${roleName}\n    tables: [customers, customer_addresses]\n`)
    const role = await runCarve(['discover', '--db', db.url, '--file', 'role.yml', '--yes'], {cwd: dir})
    expect(role.code).toBe(2)
    expect(role.stderr).toMatch(new RegExp(`role\\.yml:5: contexts\\.1\\.name: "${roleName}" is the name of a database role`))
    writeFileSync(join(dir, 'ledger.yml'), 'version: 1\ncontexts:\n  - name: sales\n    tables: [orders, order_lines, carve.ledger_steps]\n')
    const ledger = await runCarve(['discover', '--db', db.url, '--file', 'ledger.yml', '--yes'], {cwd: dir})
    expect(ledger.code).toBe(2)
    expect(ledger.stderr).toMatch(/ledger\.yml:4: contexts\.0\.tables\.2: "carve\.ledger_steps" is Carve's own table/)
    expect(hasStackTrace(ledger.stderr + role.stderr)).toBe(false)
  }, 120_000)
})

/**
 * Decisions that stick and proposals that stay the application's: pins keep their context's
 * name and tables across runs and re-clusters, the file's owners and order are kept, Carve's own
 * schema never appears, reserved names are refused, and a file naming a table that does not
 * exist is an error with its line.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {editEnv, moveTables, nameProblem, pinsOf, pinTables, recluster, renameContext} from '../src/boundaries/edit.js'
import {type BoundariesFile, boundariesFromProposal, decisionsFrom, loadBoundaries, readBoundaries, sameBoundaries} from '../src/boundaries/file.js'
import {assertBoundariesMatch} from '../src/boundaries/file-check.js'
import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {proposalFromFile} from '../src/boundaries/resume.js'
import {reservedNameProblem} from '../src/boundaries/scope.js'
import type {Catalog, Table} from '../src/introspect/model.js'

function table(name: string, refs: string[] = [], schema = 'public'): Table {
  return {
    schema, name, kind: 'table', comment: null,
    columns: [{name: 'id', type: 'bigint', nullable: false, default: null, identity: 'always', generated: null, comment: null, position: 1}],
    primaryKey: ['id'], primaryKeyName: `${name}_pkey`, uniques: [], checks: [],
    foreignKeys: refs.map((r) => ({name: `${name}_${r}_fkey`, columns: [`${r}_id`], refSchema: schema, refTable: r, refColumns: ['id'], onDelete: 'no action' as const, onUpdate: 'no action' as const, deferrable: false, validated: true})),
    indexes: [], triggers: [], estimatedRows: 100, sizeBytes: 8192, partitioning: null, partitionOf: null,
    flags: {scd2: null, tenantColumn: null, deprecated: null},
  }
}

/** Three clear clusters (people, audit trail, orders); login_failures hangs off users. */
function catalog(extra: Table[] = []): Catalog {
  return {
    format: 'carve.catalog/v1',
    database: {engine: 'postgres', flavor: 'postgresql', serverVersion: '15.0', serverMajor: 15, name: 'app'},
    schemas: ['public', ...new Set(extra.map((t) => t.schema))].filter((s, i, a) => a.indexOf(s) === i),
    tables: [
      table('users'), table('user_profiles', ['users']), table('user_settings', ['users']), table('login_failures', ['users']),
      table('audit_events'), table('audit_entries', ['audit_events']), table('audit_archive', ['audit_events']),
      table('audit_exports', ['audit_events']), table('audit_settings', ['audit_events']),
      table('orders', ['users']), table('order_lines', ['orders']), table('order_notes', ['orders']), table('order_refunds', ['orders']),
      ...extra,
    ],
    views: [], functions: [], sequences: [], enums: [], inferredReferences: [],
    stats: {catalogQueries: 0, elapsedMs: 0},
  }
}

const where = (p: Proposal) => Object.fromEntries(p.contexts.flatMap((c) => c.tables.map((t) => [t, c.name])))
const tablesOf = (p: Proposal, name: string) => p.contexts.find((c) => c.name === name)?.tables ?? []
const AUDIT = ['audit_archive', 'audit_entries', 'audit_events', 'audit_exports', 'audit_settings']

/** The team's file: login_failures moved into audit and pinned there, contexts named by people. */
function teamFile(): BoundariesFile {
  return {
    version: 1,
    contexts: [
      {name: 'people', owner: 'people-service', description: 'Who uses the shop', tables: ['users', 'user_profiles', 'user_settings']},
      {name: 'audit', owner: null, description: '', tables: ['login_failures', ...AUDIT]},
      {name: 'sales', owner: 'orders-service', description: 'What was sold', tables: ['orders', 'order_lines', 'order_notes', 'order_refunds']},
    ],
    pins: {login_failures: 'audit'}, classifications: {}, exceptions: [],
  }
}

describe('decisions that stick', () => {
  it('a pinned table keeps its context\'s name and tables on the next run: no audit-2', () => {
    const file = teamFile()
    const {pins, owners, previous} = decisionsFrom(file)
    const p = propose(catalog(), undefined, {pins, owners, previous, seed: 42})
    expect(p.contexts.map((c) => c.name).sort()).toEqual(['audit', 'people', 'sales'])
    expect(tablesOf(p, 'audit')).toEqual(['login_failures', ...AUDIT].sort())
    expect(tablesOf(p, 'people')).toEqual(['user_profiles', 'user_settings', 'users'])
    // The owner a person set is kept; an unowned context stays unowned (nothing invented).
    expect(p.contexts.find((c) => c.name === 'sales')!.owner).toBe('orders-service')
    expect(p.contexts.find((c) => c.name === 'audit')!.owner).toBeNull()
    // Writing it back changes nothing: same order, same words.
    expect(sameBoundaries(boundariesFromProposal(p, file), file)).toBe(true)
    expect(boundariesFromProposal(p, file).contexts.map((c) => c.tables)).toEqual(file.contexts.map((c) => c.tables))
    // Without the previous contexts the same pins would split audit in two: the test can fail.
    const naive = propose(catalog(), undefined, {pins, owners, seed: 42})
    expect(naive.contexts.some((c) => /^audit-\d$/.test(c.name)) || tablesOf(naive, 'audit').length < 6).toBe(true)
  })

  it('re-cluster in a session keeps the moved table and its context together, and names survive', () => {
    const cat = catalog()
    const env = editEnv(cat)
    const file = teamFile()
    const before: BoundariesFile = {
      ...file, pins: {},
      contexts: [{...file.contexts[0]!, tables: [...file.contexts[0]!.tables, 'login_failures']}, {...file.contexts[1]!, tables: AUDIT}, file.contexts[2]!],
    }
    const start = proposalFromFile(env, before, propose(cat, undefined, {seed: 42}))
    // The person moves login_failures into audit (the session pins moved tables) and renames sales, then re-clusters.
    const moved = renameContext(env, pinTables(env, moveTables(env, start, ['login_failures'], 'audit'), ['login_failures']), 'sales', 'commerce')
    expect(pinsOf(moved)).toEqual(new Map([['login_failures', 'audit']]))
    const p = recluster(env, moved, (d) => propose(cat, undefined, {...d, seed: 42}))
    expect(p.contexts.map((c) => c.name).sort()).toEqual(['audit', 'commerce', 'people'])
    expect(tablesOf(p, 'audit')).toEqual(['login_failures', ...AUDIT].sort())
    expect(where(p)).toMatchObject({orders: 'commerce', users: 'people'})
  })

  it('a session opens what the file says, placing only tables created since', () => {
    const cat = catalog([table('user_avatars', ['users'])])
    const env = editEnv(cat)
    const p = proposalFromFile(env, teamFile(), propose(cat, undefined, {seed: 42}))
    expect(p.contexts.map((c) => [c.name, c.owner, c.description])).toEqual([
      ['people', 'people-service', 'Who uses the shop'], ['audit', null, ''], ['sales', 'orders-service', 'What was sold'],
    ])
    expect(where(p)).toMatchObject({user_avatars: 'people', login_failures: 'audit'})
  })
})

describe('placement evidence', () => {
  it('each table says why it is in its context: its ties there, its name family, who writes it', () => {
    const p = propose(catalog(), undefined, {seed: 42})
    const of = (t: string) => p.tables.find((x) => x.table === t)!.evidence
    expect(of('audit_entries')).toEqual(['1 FK with audit_events', 'name family audit (5 tables here)'])
    expect(of('audit_events')[0]).toBe('4 FKs with audit_archive, audit_entries, audit_exports +1')
    // In the session's details too, weakest placements first.
    const env = editEnv(catalog())
    const moved = moveTables(env, p, ['order_notes'], p.tables.find((t) => t.table === 'audit_events')!.context)
    const notes = moved.tables.find((t) => t.table === 'order_notes')!
    expect(notes.evidence).toEqual(['no tie inside the context: attached to its strongest neighbour'])
  })
})

describe('only the application\'s tables, under names that are free', () => {
  it('Carve\'s own schema and system catalogs never appear in a proposal', () => {
    const ledger = [table('ledger_steps', [], 'carve'), table('ledger_events', ['ledger_steps'], 'carve'), table('pg_stat_statements', [], 'pg_catalog')]
    const p = propose(catalog(ledger), undefined, {seed: 42})
    expect(p.tables.map((t) => t.table).filter((t) => /ledger|pg_/.test(t))).toEqual([])
    expect(p.contexts.map((c) => c.name)).not.toContain('ledger')
    expect(editEnv(catalog(ledger)).catalog.tables.some((t) => t.schema === 'carve')).toBe(false)
  })

  it('carve, public, pg_*, information_schema and database roles are refused as context names', () => {
    for (const name of ['carve', 'public', 'pg-temp', 'information-schema']) expect(reservedNameProblem(name), name).toMatch(/reserved|pg_/)
    expect(reservedNameProblem('app-user', ['app_user'])).toMatch(/database role \(app_user\).*\$user/)
    expect(reservedNameProblem('orders', ['app_user'])).toBeNull()
    const p = propose(catalog(), undefined, {seed: 42})
    expect(nameProblem(p, 'public')).toMatch(/reserved/)
    expect(nameProblem(p, 'shop-owner', undefined, ['shop_owner'])).toMatch(/database role/)
    // A generated name that is a role's gets a suffix instead.
    const roles = p.contexts.map((c) => c.name)
    const again = propose(catalog(), undefined, {seed: 42, reservedNames: roles})
    for (const c of again.contexts) expect(roles).not.toContain(c.name)
  })

  const dir = mkdtempSync(join(tmpdir(), 'carve-decisions-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('a file naming a table that does not exist, or a context called public: file:line, exit 2', () => {
    const path = join(dir, 'carve.yml')
    writeFileSync(path, 'version: 1\ncontexts:\n  - name: sales\n    owner: null\n    tables:\n      - orders\n      - order_line\n')
    const keys = new Set(catalog().tables.map((t) => t.name))
    const error = (() => {
      try {
        assertBoundariesMatch(readBoundaries(path), keys)
      } catch (e) {
        return e as {message: string; exitCode: number}
      }
      return null
    })()
    expect(error?.exitCode).toBe(2)
    expect(error?.message).toMatch(/carve\.yml:7: contexts\.0\.tables\.1: table "order_line" does not exist/)
    writeFileSync(path, 'version: 1\ncontexts:\n  - name: sales\n    tables: [orders]\n  - name: public\n    tables: [users]\n')
    expect(() => loadBoundaries(path)).toThrow(/carve\.yml:5: contexts\.1\.name: "public" is reserved/)
    writeFileSync(path, 'version: 1\ncontexts:\n  - name: app-owner\n    tables: [orders]\n')
    expect(() => assertBoundariesMatch(readBoundaries(path), keys, ['app_owner'])).toThrow(/carve\.yml:3: contexts\.0\.name: .*database role/)
    writeFileSync(path, 'version: 1\ncontexts:\n  - name: ops\n    tables: [orders, carve.ledger_steps]\n')
    expect(() => assertBoundariesMatch(readBoundaries(path), keys)).toThrow(/carve\.yml:4: .*Carve's own table/)
  })
})

/**
 * The interactive discover session and the edit operations under it. Proposals come from a small
 * in-memory catalog and workload (no database). The session is driven three ways: scripted
 * answers through `io.prompts` (fast, exact), the real Inquirer prompts through
 * `@inquirer/testing/vitest`'s screen (key presses, rendered screens), and render() of one prompt.
 */
// Must come first: it mocks @inquirer/prompts for the modules imported after it.
import {screen} from '@inquirer/testing/vitest'

import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {stripVTControlCharacters} from 'node:util'

import {render} from '@inquirer/testing'
import {afterAll, describe, expect, it, vi} from 'vitest'

import {
  editEnv, expiryProblem, mergeContexts, moveTables, nameProblem, pinContext, pinsOf, reanalyse, recluster, recordException, renameContext,
  sessionBoundaries, setOwner, splitContext, unpinContext,
} from '../src/boundaries/edit.js'
import {type BoundariesFile, boundariesFromProposal, boundariesSchema, emptyBoundaries, loadBoundaries, saveBoundaries} from '../src/boundaries/file.js'
import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {proposalFromFile} from '../src/boundaries/resume.js'
import {exceptionQuestions, runDiscoverSession, type SessionPrompts} from '../src/cli/discover-session.js'
import type {Catalog, Table} from '../src/introspect/model.js'
import type {Workload} from '../src/workload/model.js'

// ── A small shop, in memory ──────────────────────────────────────────────────────────────────

function table(name: string, refs: string[] = [], deprecated: string | null = null): Table {
  return {
    schema: 'public', name, kind: 'table', comment: null,
    columns: [{name: 'id', type: 'bigint', nullable: false, default: null, identity: 'always', generated: null, comment: null, position: 1}],
    primaryKey: ['id'], primaryKeyName: `${name}_pkey`, uniques: [], checks: [],
    foreignKeys: refs.map((r) => ({name: `${name}_${r}_fkey`, columns: [`${r}_id`], refSchema: 'public', refTable: r, refColumns: ['id'], onDelete: 'no action' as const, onUpdate: 'no action' as const, deferrable: false, validated: true})),
    indexes: [], triggers: [], estimatedRows: 100, sizeBytes: 8192, partitioning: null, partitionOf: null,
    flags: {scd2: null, tenantColumn: null, deprecated},
  }
}

function shopCatalog(): Catalog {
  return {
    format: 'carve.catalog/v1',
    database: {engine: 'postgres', flavor: 'postgresql', serverVersion: '15.0', serverMajor: 15, name: 'shop'},
    schemas: ['public'],
    tables: [
      table('customers'), table('customer_addresses', ['customers']),
      table('orders', ['customers']), table('order_lines', ['orders', 'products']),
      table('products', ['categories']), table('categories'), table('product_prices', ['products']),
      table('invoices', ['orders']), table('payments', ['invoices']), table('invoice_lines', ['invoices']),
      table('legacy_notes', [], 'comment: deprecated'),
    ],
    views: [], functions: [], sequences: [], enums: [], inferredReferences: [],
    stats: {catalogQueries: 0, elapsedMs: 0},
  }
}

const WRITES: Record<string, Record<string, number>> = {
  customers: {'customer-service': 50},
  customer_addresses: {'customer-service': 30},
  orders: {'orders-service': 100, admin: 3},
  order_lines: {'orders-service': 200},
  products: {'catalog-service': 40},
  categories: {'catalog-service': 5},
  product_prices: {'catalog-service': 20, 'pricing-service': 7},
  invoices: {'billing-service': 60},
  payments: {'billing-service': 80, 'orders-service': 10},
  invoice_lines: {'billing-service': 90},
}

function shopWorkload(): Workload {
  const statement = (fingerprint: string, calls: number, joins: [string, string][]) => ({
    fingerprint, kind: 'select', text: 'select ?', calls, totalMs: 1, rows: 1, services: {}, reads: joins.flat(), writes: [], locks: [], ddl: [], joins,
  })
  return {
    format: 'carve.workload/v1', engine: 'postgres', window: {from: null, to: null}, sources: [],
    totals: {events: 0, calls: 0, fingerprints: 0, parsedCalls: 0, unparsedCalls: 0, transactions: 0, multiTableWriteTransactions: 0},
    services: [],
    statements: [statement('a', 40, [['orders', 'order_lines']]), statement('b', 10, [['invoices', 'orders']])] as unknown as Workload['statements'],
    access: [],
    joins: [{tables: ['orders', 'order_lines'], calls: 40, services: {}}, {tables: ['invoices', 'orders'], calls: 10, services: {}}],
    transactions: [{tables: ['orders', 'order_lines'], calls: 100, services: {}}, {tables: ['payments', 'orders'], calls: 5, services: {}}],
    tables: Object.entries(WRITES).map(([t, writers]) => ({table: t, writers, readers: {}, ddl: {}, classification: Object.keys(writers).length > 1 ? 'shared-writers' as const : 'single-writer' as const})),
    unparsed: {calls: 0, distinct: 0, samples: []},
  }
}

const catalog = shopCatalog()
const workload = shopWorkload()
const env = editEnv(catalog, workload)
const base = propose(catalog, workload, {seed: 42})
const TODAY = '2026-01-15'

const dir = mkdtempSync(join(tmpdir(), 'carve-session-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let fileCount = 0
const freshPath = () => join(dir, `carve-${++fileCount}.yml`)

const where = (p: Proposal) => Object.fromEntries(p.contexts.flatMap((c) => c.tables.map((t) => [t, c.name])))
const names = (p: Proposal) => p.contexts.map((c) => c.name)
const ctx = (p: Proposal, name: string) => p.contexts.find((c) => c.name === name)!

// ── Edit operations ──────────────────────────────────────────────────────────────────────────

describe('edit operations', () => {
  it('the fixture clusters as expected, and re-analysing it changes nothing', () => {
    expect(where(base)).toMatchObject({
      customers: 'customer', customer_addresses: 'customer', orders: 'orders', order_lines: 'orders',
      products: 'catalog', categories: 'catalog', product_prices: 'catalog', invoices: 'billing', payments: 'billing', invoice_lines: 'billing', legacy_notes: 'deprecated',
    })
    expect(base.totals.multiWriterTables).toEqual(['orders', 'payments', 'product_prices'])
    expect(reanalyse(env, base, base.contexts)).toEqual(base)
  })

  it('rename: kebab-case and unique, pins and references follow, the input is untouched', () => {
    const before = JSON.stringify(base)
    const pinned = pinContext(env, base, 'orders')
    const p = renameContext(env, pinned, 'orders', 'sales')
    expect(JSON.stringify(base)).toBe(before)
    expect(names(p)).toContain('sales')
    expect(names(p)).not.toContain('orders')
    expect(pinsOf(p)).toEqual(new Map([['order_lines', 'sales'], ['orders', 'sales']]))
    expect(p.tables.find((t) => t.table === 'orders')!.context).toBe('sales')
    expect(p.couplings.some((c) => c.from === 'sales' || c.to === 'sales')).toBe(true)
    expect(() => renameContext(env, base, 'orders', 'Sales Team')).toThrow(/kebab-case\): sales-team$/)
    expect(() => renameContext(env, base, 'orders', 'billing')).toThrow(/already a context called "billing"/)
    expect(() => renameContext(env, base, 'nope', 'x')).toThrow(/no context called "nope"/)
    expect(renameContext(env, base, 'orders', 'orders')).toBe(base)
    expect(nameProblem(base, 'orders', 'orders')).toBeNull()
  })

  it('merge: one context with both tables, metrics recomputed, owner of the first', () => {
    const p = mergeContexts(env, base, 'orders', 'billing')
    expect(names(p)).not.toContain('billing')
    expect(ctx(p, 'orders').tables).toEqual(['invoice_lines', 'invoices', 'order_lines', 'orders', 'payments'])
    expect(ctx(p, 'orders').owner).toBe('orders-service')
    // invoices → orders was the only FK between them; the join and the transaction are inside now.
    expect(p.totals.crossContextFks).toBe(base.totals.crossContextFks - 1)
    expect(p.totals.crossContextWriteTransactions).toBe(0)
    expect(p.totals.crossContextJoinShare).toBe(0)
    expect(ctx(p, 'orders').metrics.foreignWriters).toEqual(['admin', 'billing-service'])
    expect(names(mergeContexts(env, base, 'orders', 'billing', 'sales'))).toContain('sales')
    expect(names(mergeContexts(env, base, 'orders', 'billing', 'billing'))).toEqual(names(base).filter((n) => n !== 'billing').map((n) => (n === 'orders' ? 'billing' : n)))
    expect(() => mergeContexts(env, base, 'orders', 'orders')).toThrow(/two different/)
    expect(() => mergeContexts(env, base, 'orders', 'billing', 'catalog')).toThrow(/already a context/)
  })

  it('split: the chosen tables become a new context right after, owned by their main writer', () => {
    const p = splitContext(env, base, 'billing', ['payments'], 'payments')
    expect(names(p).indexOf('payments')).toBe(names(p).indexOf('billing') + 1)
    expect(ctx(p, 'payments')).toMatchObject({tables: ['payments'], owner: 'billing-service'})
    expect(ctx(p, 'billing').tables).toEqual(['invoice_lines', 'invoices'])
    expect(p.totals.crossContextFks).toBe(base.totals.crossContextFks + 1)
    expect(() => splitContext(env, base, 'billing', ['invoices', 'payments', 'invoice_lines'], 'x')).toThrow(/every table.*rename/)
    expect(() => splitContext(env, base, 'billing', ['orders'], 'x')).toThrow(/not in context "billing": orders/)
    expect(() => splitContext(env, base, 'billing', [], 'x')).toThrow(/at least one/)
    expect(() => splitContext(env, base, 'billing', ['payments'], 'orders')).toThrow(/already/)
  })

  it('move: tables change context, emptied contexts go, pins follow the table', () => {
    const pinned = pinContext(env, base, 'customer')
    const p = moveTables(env, pinned, ['customers', 'customer_addresses'], 'orders')
    expect(names(p)).not.toContain('customer')
    expect(ctx(p, 'orders').tables).toEqual(['customer_addresses', 'customers', 'order_lines', 'orders'])
    expect(pinsOf(p)).toEqual(new Map([['customer_addresses', 'orders'], ['customers', 'orders']]))
    const q = moveTables(env, base, ['payments'], 'orders')
    expect(q.tables.find((t) => t.table === 'payments')).toMatchObject({context: 'orders'})
    // orders-service owns it now; billing-service became the foreign writer.
    expect(q.tables.find((t) => t.table === 'payments')!.access).toEqual(expect.arrayContaining([{consumer: 'billing-service', access: 'foreign write', calls: 80}, {consumer: 'orders-service', access: 'owner write', calls: 10}]))
    expect(() => moveTables(env, base, ['nope'], 'orders')).toThrow(/no context holds nope/)
    expect(() => moveTables(env, base, ['payments'], 'nope')).toThrow(/no context called/)
  })

  it('owner: access classes and foreign writers follow; null means no owner', () => {
    const p = setOwner(env, base, 'orders', 'admin')
    expect(ctx(p, 'orders').owner).toBe('admin')
    expect(ctx(p, 'orders').metrics.foreignWriters).toEqual(['orders-service'])
    expect(ctx(p, 'orders').description).toMatch(/^Written mostly by admin/)
    expect(p.tables.find((t) => t.table === 'orders')!.access.find((a) => a.consumer === 'admin')!.access).toBe('owner write')
    const none = setOwner(env, base, 'orders', null)
    expect(ctx(none, 'orders').owner).toBeNull()
    expect(ctx(none, 'orders').metrics.foreignWriters).toEqual(['admin', 'orders-service'])
    expect(() => setOwner(env, base, 'orders', '  ')).toThrow(/name/)
  })

  it('pins: pinContext pins every table, unpin clears, deprecated grouping is not a pin', () => {
    expect(pinsOf(base)).toEqual(new Map())
    const p = pinContext(env, base, 'catalog')
    expect(pinsOf(p)).toEqual(new Map([['categories', 'catalog'], ['product_prices', 'catalog'], ['products', 'catalog']]))
    expect(pinsOf(unpinContext(env, p, 'catalog'))).toEqual(new Map())
    // Renamed or not, the deprecated group is discovery's doing, not a pin.
    expect(pinsOf(renameContext(env, base, 'deprecated', 'retired'))).toEqual(new Map())
  })

  it('re-cluster keeps pinned tables where they were put and the names people gave', () => {
    // payments, pinned into customer, would otherwise go back to the invoices.
    const moved = pinContext(env, renameContext(env, moveTables(env, base, ['payments'], 'customer'), 'orders', 'sales'), 'customer')
    const run = (d: {pins: Map<string, string>; owners: Map<string, string>}) => propose(catalog, workload, {...d, seed: 42})
    const p = recluster(env, moved, run)
    expect(where(p)).toMatchObject({payments: 'customer', customers: 'customer', customer_addresses: 'customer', orders: 'sales', order_lines: 'sales', products: 'catalog'})
    expect(pinsOf(p)).toEqual(pinsOf(moved))
    expect(ctx(p, 'sales').owner).toBe('orders-service')
    // Without pins, Louvain puts payments back with the invoices, and the names stay.
    const free = recluster(env, unpinContext(env, moved, 'customer'), run)
    expect(where(free)).toMatchObject({payments: 'billing', invoices: 'billing', customers: 'customer', orders: 'sales'})
  })

  it('recordException validates and replaces the same consumer/table/access', () => {
    const e = {consumer: 'admin', table: 'orders', access: 'write' as const, approved_by: 'ana@example.com', expires: '2026-06-30', exit_plan: 'admin UI calls the orders API'}
    const once = recordException(emptyBoundaries(), e, TODAY)
    expect(once.exceptions).toEqual([e])
    const twice = recordException(once, {...e, expires: '2026-09-30'}, TODAY)
    expect(twice.exceptions).toEqual([{...e, expires: '2026-09-30'}])
    expect(recordException(twice, {...e, access: 'read'}, TODAY).exceptions).toHaveLength(2)
    expect(() => recordException(once, {...e, expires: '30/06/2026'}, TODAY)).toThrow(/YYYY-MM-DD/)
    expect(() => recordException(once, {...e, expires: '2026-02-30'}, TODAY)).toThrow(/not a real date/)
    expect(() => recordException(once, {...e, expires: TODAY}, TODAY)).toThrow(/after today/)
    expect(() => recordException(once, {...e, approved_by: ' '}, TODAY)).toThrow(/approved/)
    expect(() => recordException(once, {...e, exit_plan: ''}, TODAY)).toThrow(/exit plan/)
    expect(expiryProblem('2026-01-16', TODAY)).toBeNull()
  })

  it('the file a session saves is valid and carries its pins', () => {
    const p = pinContext(env, renameContext(env, base, 'orders', 'sales'), 'sales')
    const file = sessionBoundaries(p, emptyBoundaries())
    expect(boundariesSchema.safeParse(file).success).toBe(true)
    expect(file.pins).toEqual({order_lines: 'sales', orders: 'sales'})
    expect(file.classifications).toEqual({legacy_notes: 'deprecated'})
  })
})

// ── The session, with scripted answers ───────────────────────────────────────────────────────

const INTERRUPT = Symbol('ctrl-c')
type Config = {message: string; choices?: ({name?: string; value: unknown; disabled?: unknown; checked?: boolean} | {separator: string})[]; default?: unknown; validate?: (v: never) => unknown}
type Answer = unknown

/** Choose the choice whose displayed name matches. */
const pick = (re: RegExp) => (config: Config) => {
  const choice = config.choices?.find((c) => 'value' in c && !c.disabled && re.test(stripVTControlCharacters(c.name ?? String(c.value))))
  if (!choice || !('value' in choice)) throw new Error(`no choice matching ${re} in "${config.message}": ${config.choices?.map((c) => ('name' in c ? stripVTControlCharacters(c.name ?? '') : '')).join(' | ')}`)
  return choice.value
}
const checked = (...extra: string[]) => (config: Config) => [...config.choices!.filter((c) => 'checked' in c && c.checked).map((c) => (c as {value: unknown}).value), ...extra]

function scripted(answers: Answer[]) {
  const asked: string[] = []
  const answer = async (kind: string, config: Config) => {
    asked.push(`${kind}: ${stripVTControlCharacters(config.message)}`)
    if (!answers.length) throw new Error(`no answer left for ${kind} "${config.message}"`)
    let a = answers.shift()
    if (a === INTERRUPT) throw Object.assign(new Error('User force closed the prompt with SIGINT'), {name: 'ExitPromptError'})
    if (typeof a === 'function') a = a(config)
    if (kind === 'input') {
      const value = a === undefined ? config.default : a
      const ok = config.validate ? await (config.validate as (v: unknown) => unknown)(value) : true
      if (ok !== true) throw new Error(`answer "${String(value)}" to "${config.message}" refused: ${String(ok)}`)
      return value
    }
    if (kind === 'select' && !config.choices!.some((c) => 'value' in c && c.value === a && !c.disabled)) throw new Error(`"${String(a)}" is not a choice of "${config.message}"`)
    return a
  }
  const prompts = {
    select: (c: Config) => answer('select', c),
    input: (c: Config) => answer('input', c),
    checkbox: (c: Config) => answer('checkbox', c),
    confirm: (c: Config) => answer('confirm', c),
  } as unknown as SessionPrompts
  return {prompts, asked, remaining: answers}
}

function session(answers: Answer[], options: {file?: BoundariesFile; filePath?: string; proposal?: Proposal} = {}) {
  const s = scripted(answers)
  const out: string[] = []
  const filePath = options.filePath ?? freshPath()
  const result = runDiscoverSession({
    proposal: options.proposal ?? base, catalog, workload, env, file: options.file ?? emptyBoundaries(), filePath,
    recluster: (d) => propose(catalog, workload, {...d, seed: 42}),
    io: {prompts: s.prompts, write: (t) => out.push(stripVTControlCharacters(t)), today: TODAY},
  })
  return {result, out, filePath, ...s}
}

describe('the discover session (scripted answers)', () => {
  it('rename + merge + move + save writes a valid carve.yml', async () => {
    const s = session([
      pick(/^Review a context/), pick(/^customer\b/),
      pick(/^Rename/), 'shoppers',
      pick(/^Merge/), pick(/^orders\b/), 'sales',
      pick(/^Move tables out/), ['customer_addresses'], pick(/^billing\b/),
      pick(/^Accept/),
      pick(/^← Back/),
      pick(/^Show what would change/),
      pick(/^Save/),
    ])
    const result = await s.result
    expect(s.remaining).toEqual([])
    expect(result).toMatchObject({saved: true, interrupted: false})
    const file = loadBoundaries(s.filePath)
    expect(file).toEqual(result.file)
    const tablesOf = Object.fromEntries(file.contexts.map((c) => [c.name, c.tables]))
    expect(tablesOf).toEqual({
      deprecated: ['legacy_notes'], catalog: ['categories', 'product_prices', 'products'], billing: ['customer_addresses', 'invoice_lines', 'invoices', 'payments'],
      sales: ['customers', 'order_lines', 'orders'],
    })
    expect(file.contexts.find((c) => c.name === 'sales')!.owner).toBe('customer-service')
    expect(file.pins).toEqual({customer_addresses: 'billing'})
    expect(readFileSync(s.filePath, 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\/carve\.schema\.json\n# Carve boundaries/)
    const text = s.out.join('\n')
    expect(text).toContain('Renamed customer to shoppers.')
    expect(text).toContain('Merged orders into sales.')
    expect(text).toContain('Moved customer_addresses to billing (pinned there).')
    expect(text).toMatch(/has no contexts yet: saving writes 4 contexts/)
    expect(text).toMatch(/Wrote .*carve-\d+\.yml: 4 contexts, 1 pinned tables, 0 exceptions\./)
  })

  it('Ctrl-C mid-session leaves the previous carve.yml byte-identical', async () => {
    const filePath = freshPath()
    saveBoundaries(filePath, {...boundariesFromProposal(base, emptyBoundaries()), exceptions: [{consumer: 'admin', table: 'orders', access: 'write', approved_by: 'ana', expires: '2027-01-01', exit_plan: 'API'}]})
    const before = readFileSync(filePath)
    const file = loadBoundaries(filePath)
    const s = session([
      pick(/^Review a context/), pick(/^orders\b/), pick(/^Rename/), 'sales', pick(/^← Back/), pick(/^← Back/),
      pick(/^Review multi-writer/), pick(/^payments\b/), pick(/^Record an exception/), 'bo', '2026-12-31', 'payments API',
      INTERRUPT,
    ], {file, filePath})
    expect(await s.result).toMatchObject({saved: false, interrupted: true, file: null})
    expect(readFileSync(filePath).equals(before)).toBe(true)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('pin + re-cluster keeps pinned tables in place and names survive', async () => {
    const s = session([
      pick(/^Review a context/), pick(/^orders\b/), pick(/^Rename/), 'sales', pick(/^← Back/),
      pick(/^billing\b/), pick(/^Move tables out/), ['payments'], pick(/^customer\b/), pick(/^← Back/), pick(/^← Back/),
      pick(/^Pin contexts and re-cluster/), checked('customer'),
      pick(/^Save/),
    ])
    const result = await s.result
    expect(result.saved).toBe(true)
    const file = loadBoundaries(s.filePath)
    const home = Object.fromEntries(file.contexts.flatMap((c) => c.tables.map((t) => [t, c.name])))
    expect(home).toMatchObject({payments: 'customer', customers: 'customer', customer_addresses: 'customer', orders: 'sales', order_lines: 'sales', products: 'catalog'})
    expect(file.pins).toEqual({customer_addresses: 'customer', customers: 'customer', payments: 'customer'})
    expect(s.asked).toContain('checkbox: Pin which contexts? (space toggles, ⏎ re-clusters) Pinned tables stay put; the rest is clustered again.')
    // The pins and the names people gave hold: nothing the person placed moves back.
    expect(s.out.join('\n')).toMatch(/Re-clustered: no table moved/)
  })

  it('split and move to a new context; an empty name cancels; owner from the writers', async () => {
    const s = session([
      pick(/^Review a context/), pick(/^billing\b/),
      pick(/^Split off/), ['payments'], '',
      pick(/^Split off/), ['payments'], 'payments',
      pick(/^Move tables out/), ['invoice_lines'], pick(/^A new context/), 'invoice-lines',
      pick(/^Set the owner/), pick(/^Another service/), 'finance-service',
      pick(/^← Back/), pick(/^← Back/), pick(/^Save/),
    ])
    await s.result
    const file = loadBoundaries(s.filePath)
    expect(file.contexts.map((c) => [c.name, c.owner, c.tables])).toEqual(expect.arrayContaining([
      ['billing', 'finance-service', ['invoices']], ['invoice-lines', 'billing-service', ['invoice_lines']], ['payments', 'billing-service', ['payments']],
    ]))
    expect(file.pins).toEqual({invoice_lines: 'invoice-lines', payments: 'payments'})
    expect(s.out).toContain('Cancelled.')
  })

  it('declining a re-cluster keeps the contexts; undo restores the previous state', async () => {
    const s = session([
      pick(/^Review a context/), pick(/^catalog\b/), pick(/^Merge/), pick(/^orders\b/), 'catalog', pick(/^← Back/), pick(/^← Back/),
      pick(/^Pin contexts and re-cluster/), () => [], false,
      pick(/^Undo: merge orders into catalog/),
      pick(/^Save/),
    ])
    const result = await s.result
    // What would move was shown before it was declined.
    expect(s.out.join('\n')).toMatch(/Re-clustering would move 2 tables:/)
    expect(where(result.proposal)).toEqual(where(base))
    expect(loadBoundaries(s.filePath).pins).toEqual({})
  })

  it('exceptions and violations for multi-writer tables; quitting with unsaved decisions asks first', async () => {
    const s = session([
      pick(/^Review multi-writer tables \(3, 0 decided\)/), pick(/^orders\b/), pick(/^Record an exception/), 'ana@example.com', undefined, 'admin UI calls the orders API',
      pick(/^payments\b/), pick(/^Leave it as a violation/),
      pick(/^← Back/),
      pick(/^Review multi-writer tables \(3, 2 decided\)/), pick(/^← Back/),
      pick(/^Quit without saving/), false,
      pick(/^Save/),
    ])
    const result = await s.result
    expect(result.saved).toBe(true)
    expect(loadBoundaries(s.filePath).exceptions).toEqual([{consumer: 'admin', table: 'orders', access: 'write', approved_by: 'ana@example.com', expires: '2026-07-15', exit_plan: 'admin UI calls the orders API'}])
    expect(s.out.join('\n')).toContain('payments: left as a violation (orders-service must stop writing it, or write through billing-service).')
  })

  it('quitting without changes to an existing file does not ask', async () => {
    const filePath = freshPath()
    saveBoundaries(filePath, sessionBoundaries(base, emptyBoundaries()))
    const s = session([pick(/^Quit without saving/)], {file: loadBoundaries(filePath), filePath})
    expect(await s.result).toMatchObject({saved: false, interrupted: false})
    expect(s.asked).toEqual(['select: 5 contexts, 0 reviewed. What next?'])
  })

  it('names from the database are shown escaped', async () => {
    const evil = renameContext(env, base, 'orders', 'orders')
    const weird = {...evil, contexts: evil.contexts.map((c) => (c.name === 'orders' ? {...c, owner: 'svc\u001b[2Jx'} : c))}
    const s = session([pick(/^Review a context/), (c: Config) => {
      expect(c.choices!.map((x) => ('name' in x ? x.name : '')).join('\n')).not.toContain('\u001b[2J')
      return pick(/^orders\b/)(c)
    }, pick(/^← Back/), pick(/^← Back/), pick(/^Quit/), true], {proposal: weird})
    await s.result
    expect(s.out.join('\n')).toContain('svc\\x1b[2Jx')
  })
})

describe('a session resumed from carve.yml', () => {
  it('opens what the file says (names, owners, reviewed marks); saving without edits leaves it byte-identical', async () => {
    const filePath = freshPath()
    // A file a team edited: a renamed context with its own words, a context without an owner, a reviewed mark.
    const fromProposal = boundariesFromProposal(renameContext(env, base, 'orders', 'sales'), emptyBoundaries())
    const file: BoundariesFile = {
      ...fromProposal,
      contexts: fromProposal.contexts.map((c) => (c.name === 'sales' ? {...c, description: 'What was sold'} : c.name === 'billing' ? {...c, owner: null} : c)),
      reviewed: ['sales'],
    }
    saveBoundaries(filePath, file)
    const text = readFileSync(filePath, 'utf8').replace('contexts:', '# the team\'s own comment\ncontexts:')
    writeFileSync(filePath, text)
    const loaded = loadBoundaries(filePath)
    const start = proposalFromFile(env, loaded, base)
    const s = session([
      (c: Config) => {
        expect(c.message).toBe('5 contexts, 1 reviewed. What next?')
        return pick(/^Show what would change/)(c)
      },
      pick(/^Save/),
    ], {file: loaded, filePath, proposal: start})
    expect(await s.result).toMatchObject({saved: true, interrupted: false})
    expect(s.out.join('\n')).toMatch(/sales ✓/)
    expect(s.out.join('\n')).toMatch(/Saving would not change/)
    expect(s.out.join('\n')).toMatch(/is unchanged: nothing to write/)
    expect(readFileSync(filePath, 'utf8')).toBe(text)
  })

  it('an accepted context is recorded as reviewed; the owner left empty stays empty', async () => {
    const filePath = freshPath()
    saveBoundaries(filePath, {...boundariesFromProposal(base, emptyBoundaries()), contexts: boundariesFromProposal(base, emptyBoundaries()).contexts.map((c) => ({...c, owner: c.name === 'billing' ? null : c.owner}))})
    const loaded = loadBoundaries(filePath)
    const s = session([pick(/^Review a context/), pick(/^catalog\b/), pick(/^Accept/), pick(/^← Back/), pick(/^Save/)], {file: loaded, filePath, proposal: proposalFromFile(env, loaded, base)})
    expect(await s.result).toMatchObject({saved: true})
    const saved = loadBoundaries(filePath)
    expect(saved.reviewed).toEqual(['catalog'])
    // The context's details said why each table is there.
    expect(s.out.join('\n')).toMatch(/why here:\n +categories +1 FK with products; written by catalog-service\n +product_prices +1 FK with products; name family product \(2 tables here\); written by catalog-service \(and 1 other\)/)
    expect(saved.contexts.find((c) => c.name === 'billing')!.owner).toBeNull()
  })
})

// ── The session through the real prompts ─────────────────────────────────────────────────────

describe('the discover session (real prompts, key presses)', () => {
  const start = (filePath: string, file: BoundariesFile = emptyBoundaries()) => {
    const out: string[] = []
    const result = runDiscoverSession({
      proposal: base, catalog, workload, env, file, filePath,
      recluster: (d) => propose(catalog, workload, {...d, seed: 42}),
      io: {write: (t) => out.push(stripVTControlCharacters(t)), today: TODAY, keys: screen.input},
    })
    return {result, out}
  }
  const backspace = (n: number) => {
    for (let i = 0; i < n; i++) screen.keypress('backspace')
  }

  it('renders the menu; an exception with a bad date is refused with the validation message; save', async () => {
    const filePath = freshPath()
    const {result, out} = start(filePath)
    expect(out.join('\n')).toContain('Strongest couplings')
    expect(screen.getScreen()).toContain('What next?')
    expect(screen.getScreen()).toMatch(/❯ Review a context/)
    expect(screen.getScreen()).toContain('Review multi-writer tables (3, 0 decided)')
    screen.keypress('down')
    screen.keypress('down')
    expect(screen.getScreen()).toMatch(/❯ Review multi-writer tables/)
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Which multi-writer table?')
    expect(screen.getScreen()).toMatch(/❯ orders +in orders, written by admin, orders-service/)
    screen.keypress('enter')
    await screen.next()
    expect(out.at(-1)).toMatch(/admin +3 +writes a table it does not own/)
    expect(screen.getScreen()).toContain('What about the other writers of orders?')
    expect(screen.getScreen()).toMatch(/❯ Record an exception for admin/)
    screen.keypress('enter')
    await screen.next()
    // An empty "approved by" cancels and comes back to the table.
    expect(screen.getScreen()).toContain('Approved by (name or email):')
    screen.keypress('enter')
    await screen.next()
    expect(out.slice(-2).join('\n')).toContain('Cancelled: no exception recorded.')
    expect(screen.getScreen()).toContain('What about the other writers of orders?')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Approved by (name or email):')
    screen.type('ana@example.com')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toBe('? Expires on (YYYY-MM-DD): (2026-07-15)')
    screen.type('2025-12-31')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('the exception must expire after today (2026-01-15): pick a future date')
    backspace(10)
    screen.type('31/12/2026')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('use a date like 2027-03-31 (YYYY-MM-DD)')
    backspace(10)
    screen.type('2026-12-31')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Exit plan')
    screen.type('admin UI calls the orders API')
    screen.keypress('enter')
    await screen.next()
    expect(out.join('\n')).toContain('Recorded: admin may write orders until 2026-12-31 (approved by ana@example.com).')
    // Back in the list, on the next table; orders is marked.
    expect(screen.getScreen()).toMatch(/orders .*✓ exception recorded/)
    expect(screen.getScreen()).toMatch(/❯ payments/)
    screen.keypress('up')
    screen.keypress('up')
    expect(screen.getScreen()).toMatch(/❯ ← Back to the main menu/)
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Undo: exception for admin on orders')
    // Type-to-search: "sa" jumps to "Save … and quit".
    screen.type('Sa')
    expect(screen.getScreen()).toMatch(/❯ Save .* and quit/)
    screen.keypress('enter')
    expect(await result).toMatchObject({saved: true, interrupted: false})
    expect(loadBoundaries(filePath).exceptions).toEqual([{consumer: 'admin', table: 'orders', access: 'write', approved_by: 'ana@example.com', expires: '2026-12-31', exit_plan: 'admin UI calls the orders API'}])
  })

  it('Esc backs out of a step: an input, an action menu, a list', async () => {
    const filePath = freshPath()
    const {result, out} = start(filePath)
    screen.keypress('enter')
    await screen.next()
    screen.type('bi')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('What about billing?')
    screen.keypress('down')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('New name for billing:')
    screen.type('money')
    screen.keypress('escape')
    await screen.next()
    expect(out.at(-1)).toBe('Cancelled.')
    expect(screen.getScreen()).toContain('What about billing?')
    screen.keypress('escape')
    await screen.next()
    expect(screen.getScreen()).toContain('Which context?')
    screen.keypress('escape')
    await screen.next()
    expect(screen.getScreen()).toContain('What next?')
    screen.type('Q')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Quit without saving?')
    screen.type('y')
    screen.keypress('enter')
    expect(await result).toMatchObject({saved: false, interrupted: false})
    expect(existsSync(filePath)).toBe(false)
    expect(out.join('\n')).not.toContain('money')
  })

  it('Ctrl-C in the middle of an edit leaves carve.yml byte-identical', async () => {
    const filePath = freshPath()
    saveBoundaries(filePath, sessionBoundaries(base, emptyBoundaries()))
    const before = readFileSync(filePath)
    const {result} = start(filePath, loadBoundaries(filePath))
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Which context?')
    screen.type('or')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('What about orders?')
    screen.keypress('down')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('New name for orders:')
    screen.type('sales')
    screen.keypress({name: 'c', ctrl: true})
    expect(await result).toMatchObject({saved: false, interrupted: true})
    expect(readFileSync(filePath).equals(before)).toBe(true)
    expect(existsSync(`${filePath}.${process.pid}.tmp`)).toBe(false)
  })
})

describe('one prompt, rendered', () => {
  it('the expiry question refuses a bad date with its message and accepts a good one', async () => {
    const {input} = await vi.importActual<typeof import('@inquirer/prompts')>('@inquirer/prompts')
    const {answer, events, getScreen, nextRender} = await render(input, exceptionQuestions(TODAY).expires)
    expect(getScreen()).toBe('? Expires on (YYYY-MM-DD): (2026-07-15)')
    events.type('2026-13-01')
    events.keypress('enter')
    await nextRender()
    expect(getScreen()).toContain('2026-13-01 is not a real date')
    for (let i = 0; i < 10; i++) events.keypress('backspace')
    events.keypress('enter')
    await expect(answer).resolves.toBe('2026-07-15')
  })
})

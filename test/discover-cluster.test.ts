/**
 * Discovery's clustering (src/graph/*, src/boundaries/cluster.ts, propose): determinism, pins,
 * repair of disconnected communities, isolated and deprecated tables, name and reference-data
 * evidence, ownership from a workload, a schema whose right answer is obvious, and the
 * refinement pass. All catalogs are built in memory: no database. (The time discovery takes on
 * 10,000 tables is a benchmark: bench/benchmarks/clustering.ts.)
 */
import {describe, expect, it} from 'vitest'

import {clusterTables, DEFAULT_RESOLUTION, repairPartition, seededRandom} from '../src/boundaries/cluster.js'
import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {buildTableGraph, isCodeListName} from '../src/graph/build.js'
import {compactGraph, modularityOf, refinePartition} from '../src/graph/louvain.js'
import {columnTies} from '../src/graph/columns.js'
import {nameGroups, nameModules} from '../src/graph/name-trie.js'
import {nameEvidence} from '../src/graph/names.js'
import {CATALOG_FORMAT, type Catalog, type Table} from '../src/introspect/model.js'
import {WORKLOAD_FORMAT, type TableUsage, type Workload} from '../src/workload/model.js'

// ---------------------------------------------------------------------------------------------
// Fixtures

/** A table with an `id` and one `<ref>_id` column per referenced table. */
function table(name: string, refs: string[] = [], options: {deprecated?: boolean; schema?: string} = {}): Table {
  return {
    schema: options.schema ?? 'public', name, kind: 'table', comment: null,
    columns: [{name: 'id', type: 'bigint', nullable: false, default: null, identity: null, generated: null, comment: null, position: 1},
      ...refs.map((r, i) => ({name: `${r}_id`, type: 'bigint', nullable: true, default: null, identity: null, generated: null, comment: null, position: i + 2}))],
    primaryKey: ['id'], primaryKeyName: `${name}_pkey`, uniques: [], checks: [], indexes: [], triggers: [],
    foreignKeys: refs.map((r) => ({name: `${name}_${r}_fkey`, columns: [`${r}_id`], refSchema: 'public', refTable: r, refColumns: ['id'], onDelete: 'no action' as const, onUpdate: 'no action' as const, deferrable: false, validated: true})),
    estimatedRows: null, sizeBytes: null, partitioning: null, partitionOf: null,
    flags: {scd2: null, tenantColumn: null, deprecated: options.deprecated ? 'name' : null},
  }
}

function catalog(tables: Table[]): Catalog {
  return {
    format: CATALOG_FORMAT,
    database: {engine: 'postgres', flavor: 'postgresql', serverVersion: '15.20', serverMajor: 15, name: 'test'},
    schemas: ['public'], tables, views: [], functions: [], sequences: [], enums: [], inferredReferences: [],
    stats: {catalogQueries: 0, elapsedMs: 0},
  }
}

/**
 * Two FK clusters, ordering and invoicing, that only a hub table joins: `customers`, referenced
 * twice from ordering and once from invoicing, so it obviously goes with ordering.
 */
function twoClusters(): Catalog {
  return catalog([
    table('customers'),
    table('orders', ['customers']),
    table('order_lines', ['orders']),
    table('shipments', ['orders', 'order_lines']),
    table('returns', ['orders', 'order_lines', 'shipments', 'customers']),
    table('invoices', ['customers']),
    table('invoice_lines', ['invoices']),
    table('payments', ['invoices', 'invoice_lines']),
    table('refunds', ['invoices', 'payments', 'invoice_lines']),
  ])
}

const ORDERING = ['customers', 'order_lines', 'orders', 'returns', 'shipments']
const INVOICING = ['invoice_lines', 'invoices', 'payments', 'refunds']

/** A bigger schema: modules of tables with FKs mostly inside, some across, and a few hubs. */
function syntheticCatalog(nTables: number, nFks: number, seed = 7): Catalog {
  const rnd = seededRandom(seed)
  const perModule = 40
  const tables = Array.from({length: nTables}, (_v, i) => table(`m${Math.floor(i / perModule)}_t${i % perModule}`))
  for (let k = 0; k < nFks; k++) {
    const i = Math.floor(rnd() * nTables)
    const m = Math.floor(i / perModule)
    const r = rnd()
    const j = r < 0.05 ? Math.floor(rnd() * 20) : r < 0.15 ? Math.floor(rnd() * nTables) : m * perModule + Math.floor(rnd() * Math.min(perModule, nTables - m * perModule))
    if (i === j) continue
    tables[i]!.foreignKeys.push({name: `fk${k}`, columns: [`c${k}`], refSchema: 'public', refTable: tables[j]!.name, refColumns: ['id'], onDelete: 'no action', onUpdate: 'no action', deferrable: false, validated: true})
  }
  return catalog(tables)
}

function workload(owned: Record<string, string[]>, extra: Partial<Workload> = {}): Workload {
  const tables: TableUsage[] = Object.entries(owned).flatMap(([service, ts]) => ts.map((t) => ({table: t, readers: {[service]: 10}, writers: {[service]: 10}, ddl: {}, classification: 'single-writer' as const})))
  return {
    format: WORKLOAD_FORMAT, engine: 'postgres', window: {from: null, to: null}, sources: [],
    totals: {events: 0, calls: 0, fingerprints: 0, parsedCalls: 0, unparsedCalls: 0, transactions: 0, multiTableWriteTransactions: 0},
    services: Object.keys(owned).map((name) => ({name, calls: 10, evidence: {application: 10}})),
    statements: [], access: [], joins: [], transactions: [], tables,
    unparsed: {calls: 0, distinct: 0, samples: []},
    ...extra,
  }
}

const contextOf = (p: Proposal, table: string) => p.contexts.find((c) => c.tables.includes(table))!
const groups = (p: Proposal) => p.contexts.map((c) => [...c.tables].sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))

// ---------------------------------------------------------------------------------------------

describe('discovery clustering', () => {
  it('recovers two FK clusters joined by one hub table exactly', () => {
    const p = propose(twoClusters())
    expect(groups(p)).toEqual([ORDERING, INVOICING].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)))
    expect(p.resolution).toBe(DEFAULT_RESOLUTION)
    expect(p.resolutionChoice).toBe('auto')
    expect(p.modularity).toBeGreaterThan(0.3)
  })

  it('is deterministic: the same input gives the same proposal JSON', () => {
    const c = syntheticCatalog(400, 1200)
    const w = workload({'svc-a': ['m0_t1', 'm0_t2', 'm1_t3'], 'svc-b': ['m2_t4', 'm3_t5']})
    const a = JSON.stringify(propose(c, w))
    const b = JSON.stringify(propose(structuredClone(c), structuredClone(w)))
    expect(a).toBe(b)
    expect(JSON.stringify(propose(c, w, {seed: 7}))).toBe(JSON.stringify(propose(c, w, {seed: 7})))
    // The refinement pass: same graph, same seed, same communities.
    const g = compactGraph(4, [[0, 1, 1], [1, 2, 0.1], [2, 3, 1]])
    const start = () => Int32Array.from([0, 1, 2, 3])
    expect([...refinePartition(g, start(), 1, seededRandom(3))]).toEqual([...refinePartition(g, start(), 1, seededRandom(3))])
  })

  it('keeps pinned tables where the person put them and clusters the rest around them', () => {
    const pins = new Map([['invoices', 'billing'], ['payments', 'billing']])
    const p = propose(twoClusters(), undefined, {pins})
    const billing = p.contexts.find((c) => c.name === 'billing')!
    expect(billing.pinned.sort()).toEqual(['invoices', 'payments'])
    // The unpinned rest of the invoicing cluster joins its pinned tables; ordering is untouched.
    expect(billing.tables.sort()).toEqual(INVOICING)
    expect(contextOf(p, 'orders').tables.sort()).toEqual(ORDERING)
    // Pinned tables stay put even when everything pulls them elsewhere.
    const odd = propose(twoClusters(), undefined, {pins: new Map([['order_lines', 'billing'], ['invoices', 'billing']])})
    const b2 = odd.contexts.find((c) => c.name === 'billing')!
    expect(b2.tables).toEqual(expect.arrayContaining(['order_lines', 'invoices']))
    expect(b2.pinned.sort()).toEqual(['invoices', 'order_lines'])
  })

  it('splits a community between two pinned contexts', () => {
    const pins = new Map([['orders', 'sales'], ['shipments', 'fulfilment']])
    const p = propose(twoClusters(), undefined, {pins})
    const sales = p.contexts.find((c) => c.name === 'sales')!
    const fulfilment = p.contexts.find((c) => c.name === 'fulfilment')!
    expect(sales.tables).toContain('orders')
    expect(fulfilment.tables).toContain('shipments')
    expect(sales.tables).not.toContain('shipments')
    // The rest of the ordering cluster is shared out between the two, nothing is left alone.
    expect([...sales.tables, ...fulfilment.tables].sort()).toEqual(ORDERING)
    // Invoicing, pinned nowhere, is still its own context.
    expect(contextOf(p, 'invoices').tables.sort()).toEqual(INVOICING)
  })

  it('repairs disconnected communities and attaches lone tables, but leaves isolated tables alone', () => {
    const c = catalog([table('a1'), table('a2', ['a1']), table('b1'), table('b2', ['b1']), table('lone', ['b1']), table('island')])
    const tg = buildTableGraph(c)
    // One community holding two unconnected pairs; `lone` alone but tied to b1; `island` tied to nothing.
    const given = new Map([['a1', 'x'], ['a2', 'x'], ['b1', 'x'], ['b2', 'x'], ['lone', 'y'], ['island', 'z']])
    const repaired = repairPartition(tg, given)
    expect(repaired.get('a1')).toBe(repaired.get('a2'))
    expect(repaired.get('b1')).toBe(repaired.get('b2'))
    expect(repaired.get('a1')).not.toBe(repaired.get('b1'))
    expect(repaired.get('lone')).toBe(repaired.get('b1'))
    expect([...repaired.values()].filter((l) => l === repaired.get('island'))).toHaveLength(1)
    // And no community Carve proposes is ever disconnected.
    for (const seed of [1, 2, 3]) {
      const big = syntheticCatalog(600, 1500, seed)
      const g = buildTableGraph(big)
      const {assignment} = clusterTables(g, {seed})
      const members = new Map<string, string[]>()
      for (const [t, l] of assignment) members.set(l, [...(members.get(l) ?? []), t])
      for (const ts of members.values()) {
        const inside = new Set(ts)
        const seen = new Set([ts[0]!])
        const stack = [ts[0]!]
        while (stack.length) g.graph.forEachNeighbor(stack.pop()!, (nb) => {
          if (inside.has(nb) && !seen.has(nb)) stack.push(nb), seen.add(nb)
        })
        expect(seen.size).toBe(ts.length)
      }
    }
  })

  it('proposes isolated tables as contexts of their own, and deprecated tables under `deprecated`', () => {
    const c = twoClusters()
    c.tables.push(table('settings'), table('feature_flags'), table('old_orders_bak', ['orders'], {deprecated: true}), table('legacy_notes', [], {deprecated: true}))
    const p = propose(c)
    expect(contextOf(p, 'settings').tables).toEqual(['settings'])
    expect(contextOf(p, 'feature_flags').tables).toEqual(['feature_flags'])
    const deprecated = p.contexts.find((x) => x.name === 'deprecated')!
    expect(deprecated.tables).toEqual(['legacy_notes', 'old_orders_bak'])
    expect(deprecated.pinned).toEqual(['legacy_notes', 'old_orders_bak'])
    // The deprecated table's stale FK does not move anything.
    expect(contextOf(p, 'orders').tables.sort()).toEqual(ORDERING)
  })

  it('reads name families from snake_case and run-together names, and containment', () => {
    const ev = nameEvidence([
      ['o', 'orders'], ['ol', 'order_lines'], ['osh', 'order_status_history'],
      ['soh', 'salesorderheader'], ['sp', 'salesperson'], ['sr', 'salesreason'], ['sohsr', 'salesorderheadersalesreason'],
      ['p', 'product'], ['pc', 'productcategory'], ['ProductModel', 'ProductModel'],
      ['cp', 'catalog_promotion'], ['pr', 'promotion'], ['st', 'state'], ['su', 'status'],
    ])
    const family = (k: string) => ev.familyOf.get(k)
    expect(new Set(['o', 'ol', 'osh'].map(family))).toEqual(new Set(['order']))
    expect(new Set(['soh', 'sp', 'sr', 'sohsr'].map(family))).toEqual(new Set(['sale']))
    expect(ev.families.find((f) => f.word === 'sale')!.label).toBe('sales')
    expect(new Set(['p', 'pc', 'ProductModel'].map(family))).toEqual(new Set(['product']))
    // Four shared letters are chance (stat-e / stat-us), not a family.
    expect(family('st')).not.toBe(family('su'))
    expect(ev.contains).toEqual(expect.arrayContaining([['cp', 'pr'], ['sohsr', 'sr'], ['osh', 'su']]))
    // The first word is the family, not containment; a trailing plural `s` is not a word.
    expect(ev.contains).not.toContainEqual(['sohsr', 'soh'])
    expect(ev.contains.filter(([a]) => a === 'o')).toEqual([])
  })

  it('finds name modules: a prefix whose tables reference across its branches is a module, a namespace is not', () => {
    // tool_ holds two unrelated plugins (Moodle's layout); forum's tables reference each other.
    const refs = new Map<string, Map<string, unknown>>([
      ['tool_alpha_run', new Map([['tool_alpha', 1]])], ['tool_alpha_log', new Map([['tool_alpha_run', 1]])],
      ['tool_beta_item', new Map([['tool_beta', 1]])],
      ['forum_posts', new Map([['forum_discussions', 1], ['user', 1]])], ['forum_discussions', new Map([['forum', 1], ['user', 1]])],
      ['stats_daily', new Map()],
    ])
    const names = ['tool_alpha', 'tool_alpha_run', 'tool_alpha_log', 'tool_beta', 'tool_beta_item', 'forum', 'forum_posts', 'forum_discussions', 'stats_daily', 'stats_weekly', 'user']
    const input = names.map((n) => [n, nameEvidence([[n, n]]).familyOf.get(n)!, n] as const)
    const groups = nameGroups(input, refs)
    const coherence = (prefix: string) => groups.find((g) => g.prefix === prefix)?.coherence
    expect(coherence('tool')).toBe(0)
    expect(coherence('tool_alpha')).toBe(1)
    expect(coherence('forum')).toBe(1)
    // No reference to judge by: unknown, not incoherent.
    expect(coherence('stat')).toBeNull()
    const modules = nameModules(input, groups, 0.5).map((g) => [g.prefix, g.members])
    expect(modules).toEqual([
      ['forum', ['forum', 'forum_discussions', 'forum_posts']],
      ['stat', ['stats_daily', 'stats_weekly']],
      ['tool_alpha', ['tool_alpha', 'tool_alpha_log', 'tool_alpha_run']],
      ['tool_beta', ['tool_beta', 'tool_beta_item']],
    ])
  })

  it('keeps the plugins of a namespace apart even when they hang on one hub, and lets owners split a name module', () => {
    const c = catalog([
      // (tool_ starts fewer than 60% of the names: a namespace, not the application's prefix.)
      table('users'), table('user_preferences', ['users']), table('courses', ['users']), table('course_sections', ['courses']), table('course_modules', ['courses', 'course_sections']),
      table('tool_alpha', ['users']), table('tool_alpha_runs', ['tool_alpha', 'users']), table('tool_alpha_logs', ['tool_alpha_runs']),
      table('tool_beta', ['users', 'courses']), table('tool_beta_items', ['tool_beta']), table('tool_beta_marks', ['tool_beta_items', 'users']),
    ])
    const p = propose(c)
    expect(contextOf(p, 'tool_alpha').tables.sort()).toEqual(['tool_alpha', 'tool_alpha_logs', 'tool_alpha_runs'])
    expect(contextOf(p, 'tool_beta').tables.sort()).toEqual(['tool_beta', 'tool_beta_items', 'tool_beta_marks'])
    // Contexts are named after their name module, not the namespace.
    expect(contextOf(p, 'tool_alpha').name).toBe('tool-alpha')
    // The workload outranks names: a module's table another service writes goes with that service.
    const w = workload({'alpha-service': ['tool_alpha', 'tool_alpha_runs'], 'audit-service': ['tool_alpha_logs', 'users', 'courses']})
    const owned = propose(c, w)
    expect(contextOf(owned, 'tool_alpha_logs').tables).not.toContain('tool_alpha')
    expect(contextOf(owned, 'tool_alpha_logs').owner).toBe('audit-service')
  })

  it('discounts schema ties across the boundary of two name modules, unless a workload draws the lines', () => {
    const c = catalog([
      table('question'), table('question_answers', ['question']), table('question_hints', ['question']),
      table('quiz', ['question']), table('quiz_slots', ['quiz', 'question']), table('quiz_attempts', ['quiz']),
      table('lesson'), table('lesson_pages', ['lesson']),
    ])
    const weight = (g: ReturnType<typeof buildTableGraph>, a: string, b: string) => g.graph.getEdgeAttribute(g.graph.edge(a, b)!, 'weight')
    const lines = buildTableGraph(c)
    const none = buildTableGraph(c, undefined, {moduleBoundary: 1})
    expect([...lines.nameModules!.keys()].sort()).toEqual(['lesson', 'question', 'quiz'])
    // quiz → question crosses two modules: a quarter; quiz_slots → quiz is inside one: unchanged.
    expect(weight(lines, 'quiz', 'question') / weight(none, 'quiz', 'question')).toBeCloseTo(0.25, 6)
    expect(weight(lines, 'quiz_slots', 'quiz')).toBeCloseTo(weight(none, 'quiz_slots', 'quiz'), 9)
    // With a workload (here one that never touches these tables) ownership draws the lines.
    const owned = buildTableGraph(c, workload({'lesson-service': ['lesson', 'lesson_pages']}))
    expect(weight(owned, 'quiz', 'question')).toBeCloseTo(weight(none, 'quiz', 'question'), 9)
  })

  it('treats master data many modules reference as a shared kernel: their references to it place nothing', () => {
    // Eight modules of three tables, each referencing `users` (of the module user) and one lookup
    // of its own; only `users` is referenced from many modules (an outlier, as hubs are).
    const modules = ['forum', 'quiz', 'wiki', 'lesson', 'glossary', 'survey', 'workshop', 'chat']
    const lookups = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel']
    const c = catalog([
      table('accounts'), table('account_roles', ['accounts']), table('users', ['accounts']), table('user_preferences', ['users']), ...lookups.map((l) => table(l)),
      ...modules.flatMap((m, i) => [table(m, ['users']), table(`${m}_items`, [m, 'users']), table(`${m}_logs`, [`${m}_items`, lookups[i]!])]),
    ])
    const kernel = buildTableGraph(c)
    const glue = buildTableGraph(c, undefined, {sharedKernel: false})
    expect(kernel.sharedKernel).toEqual(['users'])
    // forum → users crosses two modules into master data: nothing; forum_items → forum is inside its module: unchanged.
    expect(kernel.graph.hasEdge('forum', 'users') ? kernel.graph.getEdgeAttribute(kernel.graph.edge('forum', 'users')!, 'weight') : 0).toBe(0)
    expect(glue.graph.getEdgeAttribute(glue.graph.edge('forum', 'users')!, 'weight')).toBeGreaterThan(0)
    const weight = (g: ReturnType<typeof buildTableGraph>, a: string, b: string) => g.graph.getEdgeAttribute(g.graph.edge(a, b)!, 'weight')
    expect(weight(kernel, 'forum_items', 'forum')).toBeCloseTo(weight(glue, 'forum_items', 'forum'), 9)
    const p = propose(c)
    for (const m of modules) {
      expect(contextOf(p, m).tables).toEqual(expect.arrayContaining([m, `${m}_items`, `${m}_logs`]))
      expect(contextOf(p, m).tables).not.toContain('users')
      expect(contextOf(p, m).tables.filter((t) => modules.includes(t))).toEqual([m])
    }
    expect(p.tables.find((t) => t.table === 'users')!.evidence.join('; ')).toContain('master data')
    expect(p.referenceTables).toContain('users')
  })

  it('counts a module spelling another table\'s name once, shared among its tables', () => {
    // Every table of enrol_lti spells `lti` because the module's name does: one tie to lti, not three.
    const c = catalog([
      table('lti'), table('lti_types', ['lti']), table('lti_submission', ['lti']),
      table('enrol'), table('enrol_lti_tools', ['enrol']), table('enrol_lti_users', ['enrol_lti_tools']), table('enrol_lti_deployment', ['enrol_lti_tools']),
    ])
    const g = buildTableGraph(c, undefined, {moduleBoundary: 1}).graph
    const contains = ['enrol_lti_tools', 'enrol_lti_users', 'enrol_lti_deployment'].map((t) => g.getEdgeAttribute(g.edge(t, 'lti')!, 'signals').nameContains)
    for (const x of contains) expect(x).toBeCloseTo(1 / 3, 9)
  })

  it('keeps each code list with its own lookups: currencies with exchange rates, countries with provinces', () => {
    const c = twoClusters()
    c.tables.push(table('currencies'), table('exchange_rates', ['currencies']), table('countries'), table('provinces', ['countries']), table('locales'))
    c.tables.find((t) => t.name === 'orders')!.foreignKeys.push(...table('x', ['currencies', 'countries', 'locales']).foreignKeys)
    c.tables.find((t) => t.name === 'invoices')!.foreignKeys.push(...table('x', ['currencies']).foreignKeys)
    const p = propose(c)
    expect(contextOf(p, 'currencies').tables.sort()).toEqual(['currencies', 'exchange_rates'])
    expect(contextOf(p, 'countries').tables.sort()).toEqual(['countries', 'provinces'])
    expect(contextOf(p, 'locales').tables).toEqual(['locales'])
    expect(contextOf(p, 'orders').tables.sort()).toEqual(ORDERING)
    // One group for all of them, as before, on request.
    const one = propose(c, undefined, {codeListsApart: false})
    expect(contextOf(one, 'currencies').tables.sort()).toEqual(['countries', 'currencies', 'exchange_rates', 'locales', 'provinces'])
  })

  it('ties tables by their specific column names, not by the columns every table has', () => {
    const ties = columnTies([
      ['stock_entry', ['id', 'created_at', 'warehouse', 'batch_no', 'qty']],
      ['stock_ledger', ['id', 'created_at', 'warehouse', 'batch_no', 'valuation']],
      ['gl_entry', ['id', 'created_at', 'account', 'cost_center', 'debit']],
      ['journal_line', ['id', 'created_at', 'account', 'cost_center', 'credit']],
      ['note', ['id', 'created_at', 'body']],
    ], {k: 1, maxShare: 0.5})
    const pairs = ties.map((t) => [t.a, t.b].sort().join('+')).sort()
    expect(pairs).toEqual(['gl_entry+journal_line', 'stock_entry+stock_ledger'])
    for (const t of ties) expect(t.similarity).toBeGreaterThan(0.5)
  })

  it('keeps shared reference data (code lists) out of the contexts that reference it', () => {
    expect(['countries', 'currency', 'iso_country_codes', 'Languages', 'time_zones', 'locale'].every(isCodeListName)).toBe(true)
    expect(['country_stats', 'orders', 'currency_conversions_log'].some(isCodeListName)).toBe(false)
    const c = twoClusters()
    c.tables.push(table('currencies'), table('countries', ['currencies']), table('exchange_rates', ['currencies']))
    c.tables.find((t) => t.name === 'orders')!.foreignKeys.push(...table('x', ['currencies', 'countries']).foreignKeys)
    c.tables.find((t) => t.name === 'customers')!.foreignKeys.push(...table('x', ['countries']).foreignKeys)
    c.tables.find((t) => t.name === 'invoices')!.foreignKeys.push(...table('x', ['currencies']).foreignKeys)
    const p = propose(c)
    expect(contextOf(p, 'currencies').tables.sort()).toEqual(['countries', 'currencies', 'exchange_rates'])
    expect(contextOf(p, 'currencies').name).toBe('reference-data')
    expect(p.referenceTables).toEqual(expect.arrayContaining(['countries', 'currencies', 'exchange_rates']))
    expect(contextOf(p, 'orders').tables.sort()).toEqual(ORDERING)
  })

  it('follows ownership from the workload over the schema, ignoring foreign reads and reporting joins', () => {
    const c = twoClusters()
    const w = workload(
      {'shipping-service': ['shipments', 'returns'], 'order-service': ['orders', 'order_lines', 'customers'], 'billing-service': INVOICING},
      {
        // A reporting tool joining across everything, and the billing service reading orders.
        joins: [
          {tables: ['orders', 'invoices'], calls: 5000, services: {reporting: 4000, 'billing-service': 1000}},
          {tables: ['shipments', 'invoices'], calls: 3000, services: {reporting: 3000}},
        ],
        // The order service writes a shipment in its own transaction: a foreign write.
        transactions: [{tables: ['orders', 'shipments'], calls: 900, services: {'order-service': 900}}],
      },
    )
    const p = propose(c, w)
    expect(groups(p)).toEqual([['customers', 'order_lines', 'orders'], INVOICING, ['returns', 'shipments']])
    expect(contextOf(p, 'shipments').name).toBe('shipping')
    expect(contextOf(p, 'shipments').owner).toBe('shipping-service')
    // The crossings remain visible as couplings.
    expect(p.totals.crossContextWriteTransactions).toBe(900)
  })

  it('honours a fixed resolution and a wanted number of contexts', () => {
    // A planted partition without names: 8 groups of 30 tables, most FKs inside a group.
    const rnd = seededRandom(11)
    const tables = Array.from({length: 240}, (_v, i) => table(`t${i}`))
    for (let k = 0; k < 700; k++) {
      const i = Math.floor(rnd() * 240)
      const j = rnd() < 0.8 ? Math.floor(i / 30) * 30 + Math.floor(rnd() * 30) : Math.floor(rnd() * 240)
      if (i !== j) tables[i]!.foreignKeys.push(...table('x', [`t${j}`]).foreignKeys)
    }
    const c = catalog(tables)
    const fixed = propose(c, undefined, {resolution: 2})
    expect(fixed.resolution).toBe(2)
    expect(fixed.resolutionChoice).toBe('fixed')
    const many = (q: Proposal) => q.contexts.filter((x) => x.tables.length > 1).length
    const standard = many(propose(c))
    const hinted = propose(c, undefined, {contextsHint: 3 * standard})
    expect(hinted.resolutionChoice).toBe('auto')
    expect(hinted.resolution).toBeGreaterThan(1)
    expect(many(hinted)).toBeGreaterThan(standard)
  })

  it('refinement alone finds the modularity optimum of a ring of cliques, and keeps pinned groups apart', () => {
    // Ten 5-cliques in a ring, joined by single edges: the textbook optimum is the ten cliques.
    const edges: [number, number, number][] = []
    for (let k = 0; k < 10; k++) {
      for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) edges.push([k * 5 + i, k * 5 + j, 1])
      edges.push([k * 5, ((k + 1) % 10) * 5 + 1, 1])
    }
    const g = compactGraph(50, edges)
    const comm = refinePartition(g, Int32Array.from({length: 50}, (_x, i) => i), 1, seededRandom(1))
    for (let k = 0; k < 10; k++) for (let i = 1; i < 5; i++) expect(comm[k * 5 + i]).toBe(comm[k * 5])
    expect(new Set(comm).size).toBe(10)
    expect(modularityOf(g, comm)).toBeCloseTo(0.8, 1)
    // Two nodes of different cannot-link groups that start in one community are separated.
    const group = new Int32Array(50).fill(-1)
    group[0] = 0
    group[1] = 1
    const apart = refinePartition(g, Int32Array.from({length: 50}, (_x, i) => Math.floor(i / 5)), 1, seededRandom(1), group)
    expect(apart[0]).not.toBe(apart[1])
  })

  it('refinement lets a node leave a community its ties do not pay for, even with no other neighbour', () => {
    // Two 10-cliques (0–9, 11–20) and, merged into the first one's community, a collapsed name
    // module (node 10: its inner weight as a self-loop) tied to it by one weak reference. Its
    // only neighbouring community is its own; a community of its own is worth more.
    const edges: [number, number, number][] = [[10, 10, 5], [10, 0, 0.25]]
    for (const base of [0, 11]) for (let i = 0; i < 10; i++) for (let j = i + 1; j < 10; j++) edges.push([base + i, base + j, 1])
    const g = compactGraph(21, edges)
    const start = Int32Array.from({length: 21}, (_x, i) => (i <= 10 ? 0 : 1))
    const before = modularityOf(g, start)
    const comm = refinePartition(g, start.slice(), 1, seededRandom(1))
    expect(comm[10]).not.toBe(comm[0])
    for (let i = 1; i < 10; i++) expect(comm[i]).toBe(comm[0])
    for (let i = 12; i < 21; i++) expect(comm[i]).toBe(comm[11])
    expect(modularityOf(g, comm)).toBeGreaterThan(before)
  })

})

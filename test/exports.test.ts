/**
 * Exporters (Mermaid, DBML, GraphML, GEXF, JSON) on a small in-memory catalog full of hostile
 * names: `Order Lines; DROP`, `end`, `graph`, `prix_€`, `"quoted"`, a newline, `%%{init}%%`,
 * a context named `end`. Mermaid's parser needs a browser DOM and is not a dependency, so the
 * Mermaid output is checked structurally here (a line grammar that is stricter than Mermaid's)
 * and by decoding every label back to the name it came from; the plan stage renders it with
 * mermaid-cli. Set CARVE_EXPORTS_DUMP=<dir> to write the outputs there for such a check.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {MultiDirectedGraph} from 'graphology'
import {parse as parseGexf} from 'graphology-gexf'
import {parse as parseGraphml} from 'graphology-graphml'
import {beforeAll, describe, expect, it} from 'vitest'

import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {CATALOG_FORMAT, type Catalog, type Column, type ForeignKey, type Table} from '../src/introspect/model.js'
import {proposalDbml} from '../src/render/dbml.js'
import {proposalGexf, proposalGraphml, proposalJson} from '../src/render/graph-export.js'
import {compactNumber, contextErMermaid, contextMapMermaid, erName, erType, MERMAID_KEYWORDS, mermaidText} from '../src/render/mermaid.js'
import {WORKLOAD_FORMAT, type Workload} from '../src/workload/model.js'

// ---------------------------------------------------------------------------------------------
// Fixture

const ORDER_LINES = 'Order Lines; DROP'
const PRIX = 'prix_€'
const QUOTED = '"quoted"'
const NEWLINE = 'note\nbook %%{init: {"theme": "dark"}}%% #quot; <b>x</b>'
const END_CONTEXT = 'end'
const HOSTILE_CONTEXT = 'subgraph "x"; click c0 call alert() %% `md` ~a~ \\ ﬂ°¶ß'

type ColumnSpec = [name: string, type: string, nullable?: boolean, extra?: Partial<Column>]

function table(schema: string, name: string, columns: ColumnSpec[], options: Partial<Table> & {fks?: [string[], string, string, string[], string?][]} = {}): Table {
  const {fks = [], ...rest} = options
  return {
    schema, name, kind: 'table', comment: null,
    columns: columns.map(([n, type, nullable = true, extra], i) => ({name: n, type, nullable, default: null, identity: null, generated: null, comment: null, position: i + 1, ...extra})),
    primaryKey: [], primaryKeyName: null, uniques: [], checks: [], indexes: [], triggers: [],
    foreignKeys: fks.map(([cols, refSchema, refTable, refColumns, fkName]): ForeignKey => ({
      name: fkName ?? `${name}_${cols.join('_')}_fkey`, columns: cols, refSchema, refTable, refColumns,
      onDelete: 'no action', onUpdate: 'no action', deferrable: false, validated: true,
    })),
    estimatedRows: 100, sizeBytes: 8192, partitioning: null, partitionOf: null,
    flags: {scd2: null, tenantColumn: null, deprecated: null},
    ...rest,
  }
}

const countryFk = (col = 'country_code'): [string[], string, string, string[]] => [[col], 'public', 'countries', ['code']]

function hostileCatalog(): Catalog {
  const tables: Table[] = [
    table('public', 'countries', [['code', 'character(2)', false], ['name', 'text', false]], {primaryKey: ['code'], comment: 'ISO 3166 countries'}),
    table('public', 'customers', [['id', 'bigint', false], ['name', 'character varying(255)', false], ['country_code', 'character(2)']], {primaryKey: ['id'], fks: [countryFk()]}),
    table('public', 'orders', [
      ['id', 'bigint', false, {identity: 'always'}], ['tenant_id', 'integer', false], ['customer_id', 'bigint', false],
      ['status', 'character varying(20)', false, {default: `'new'::character varying`, comment: 'state "machine"; see docs'}],
      ['end', 'timestamp with time zone'], ['pk', 'integer'], ['country_code', 'character(2)'],
    ], {
      primaryKey: ['id'], comment: 'Customer orders; "legacy" it\'s',
      uniques: [{name: 'orders_id_tenant_key', columns: ['id', 'tenant_id']}],
      fks: [[['customer_id'], 'public', 'customers', ['id']], countryFk()],
    }),
    table('public', ORDER_LINES, [
      ['order_id', 'bigint', false], ['tenant_id', 'integer', false], ['line_no', 'integer', false],
      [PRIX, 'numeric(10,2)', false, {default: '0'}], [QUOTED, 'integer[]'], [NEWLINE, 'text'],
    ], {
      primaryKey: ['order_id', 'line_no'],
      fks: [[['order_id', 'tenant_id'], 'public', 'orders', ['id', 'tenant_id'], 'order lines → orders "composite"']],
    }),
    table('public', PRIX, [['id', 'integer', false], ['order_id', 'bigint'], ['amount', 'double precision']], {primaryKey: ['id'], fks: [[['order_id'], 'public', 'orders', ['id']]]}),
    table('public', QUOTED, [['id', 'integer', false], ['end', 'text']], {primaryKey: ['id'], fks: []}),
    table('public', 'end', [['id', 'integer', false], ['graph_id', 'integer'], ['country_code', 'character(2)']], {primaryKey: ['id'], fks: [[['graph_id'], 'public', 'graph', ['id']], countryFk()]}),
    table('public', 'graph', [['id', 'integer', false], ['parent_id', 'integer']], {primaryKey: ['id'], fks: [[['parent_id'], 'public', 'graph', ['id'], 'graph_parent']]}),
    table('public', NEWLINE, [['id', 'integer', false]], {primaryKey: ['id']}),
    table('billing', 'invoices', [['id', 'bigint', false], ['order_id', 'bigint', false], ['country_code', 'character(2)']], {primaryKey: ['id'], fks: [[['order_id'], 'public', 'orders', ['id']], countryFk()]}),
    table('billing', 'payments', [['id', 'bigint', false], ['invoice_id', 'bigint', false]], {primaryKey: ['id'], fks: [[['invoice_id'], 'billing', 'invoices', ['id']]]}),
    table('public', 'products', [['id', 'integer', false], ['name', 'text'], ['country_code', 'character(2)']], {primaryKey: ['id'], fks: [countryFk()]}),
    table('public', 'warehouses', [['id', 'integer', false], ['country_code', 'character(2)']], {primaryKey: ['id'], fks: [countryFk()]}),
    table('public', 'suppliers', [['id', 'integer', false], ['country_code', 'character(2)']], {primaryKey: ['id'], fks: [countryFk()]}),
    table('public', 'addresses', [['id', 'integer', false], ['country_code', 'character(2)']], {primaryKey: ['id'], fks: [countryFk()]}),
    table('public', 'shipments', [['id', 'integer', false], ['order_ref', 'bigint'], ['warehouse_id', 'integer']], {primaryKey: ['id'], fks: [[['warehouse_id'], 'public', 'warehouses', ['id']]]}),
    table('public', 'old_orders_bak', [['id', 'bigint', false]], {primaryKey: ['id'], flags: {scd2: null, tenantColumn: null, deprecated: 'name says backup'}}),
    table('public', 'empty_shell', []),
  ]
  return {
    format: CATALOG_FORMAT,
    database: {engine: 'postgres', flavor: 'postgresql', serverVersion: '15.20', serverMajor: 15, name: 'shop "legacy"'},
    schemas: ['billing', 'public'],
    tables, views: [], functions: [], sequences: [],
    enums: [{schema: 'public', name: 'order status', values: ['new', 'it\'s "done"']}],
    inferredReferences: [{
      from: {schema: 'public', name: 'shipments', columns: ['order_ref']}, to: {schema: 'public', name: 'orders', columns: ['id']},
      confidence: 'medium', evidence: 'order_ref ~ orders.id',
    }],
    stats: {catalogQueries: 1, elapsedMs: 1},
  }
}

function hostileWorkload(): Workload {
  const usage = (t: string, writers: Record<string, number>, readers: Record<string, number> = {}) => ({table: t, readers, writers, ddl: {}, classification: 'single-writer' as const})
  const stmt = (reads: string[], writes: string[], joins: [string, string][], calls: number, service: string) => ({
    fingerprint: `${service}-${reads.join()}-${writes.join()}`, kind: 'select' as never, text: 'select ?', calls, totalMs: calls, rows: calls,
    services: {[service]: calls}, reads, writes, locks: [], ddl: [], joins,
  })
  return {
    format: WORKLOAD_FORMAT, engine: 'postgres', window: {from: null, to: null}, sources: [],
    totals: {events: 0, calls: 0, fingerprints: 0, parsedCalls: 0, unparsedCalls: 0, transactions: 0, multiTableWriteTransactions: 0},
    services: [],
    statements: [
      stmt(['orders', 'billing.invoices'], [], [['billing.invoices', 'orders']], 1234, 'billing-service'),
      stmt(['orders', 'customers'], [], [['customers', 'orders']], 500, 'order-service'),
    ],
    access: [],
    joins: [{tables: ['billing.invoices', 'orders'], calls: 1234, services: {'billing-service': 1234}}],
    transactions: [{tables: ['billing.invoices', 'orders'], calls: 40, services: {'billing-service': 40}}],
    tables: [
      usage('orders', {'order-service': 900, 'billing-service': 40}),
      usage(ORDER_LINES, {'order-service': 800, 'billing-service': 5}),
      usage('customers', {'order-service': 100}),
      usage('billing.invoices', {'billing-service': 700}),
      usage('billing.payments', {'billing-service': 300}),
    ],
    unparsed: {calls: 0, distinct: 0, samples: []},
  }
}

function hostileProposal(): {catalog: Catalog; proposal: Proposal} {
  const catalog = hostileCatalog()
  const pins = new Map<string, string>([
    ['end', END_CONTEXT], ['graph', END_CONTEXT],
    [QUOTED, HOSTILE_CONTEXT], [NEWLINE, HOSTILE_CONTEXT],
    ['billing.invoices', 'billing'], ['billing.payments', 'billing'],
    ['orders', 'ordering'], [ORDER_LINES, 'ordering'], [PRIX, 'ordering'],
    ['customers', 'customer'], ['countries', 'geo'],
  ])
  return {catalog, proposal: propose(catalog, hostileWorkload(), {pins, seed: 7})}
}

const {catalog, proposal} = hostileProposal()
const byName = (name: string) => proposal.contexts.find((c) => c.name === name)!

const dumpDir = process.env.CARVE_EXPORTS_DUMP
if (dumpDir) {
  mkdirSync(dumpDir, {recursive: true})
  writeFileSync(join(dumpDir, 'context-map.mmd'), contextMapMermaid(proposal))
  proposal.contexts.forEach((c, i) => writeFileSync(join(dumpDir, `context-${i}.mmd`), contextErMermaid(proposal, catalog, c.name, {incoming: true})))
  writeFileSync(join(dumpDir, 'proposal.dbml'), proposalDbml(proposal, catalog))
  writeFileSync(join(dumpDir, 'proposal.graphml'), proposalGraphml(proposal, catalog))
  writeFileSync(join(dumpDir, 'proposal.gexf'), proposalGexf(proposal, catalog))
  writeFileSync(join(dumpDir, 'proposal.json'), proposalJson(proposal))
}

// ---------------------------------------------------------------------------------------------
// Checkers

/** Mermaid entity codes back to characters: what the rendered diagram shows. */
const decodeMermaid = (label: string) => label.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))

const ID = /^[A-Za-z][A-Za-z0-9_]*$/

/** Label text the way this module writes it: no quote, percent, backtick, control or stray `#`. */
function expectSafeLabel(label: string): void {
  // eslint-disable-next-line no-control-regex
  // `: ` is the writer's own ("owner: x"); a colon from a name is an entity.
  expect(label.replace(/#\d+;/g, '').replace(/: /g, ' ')).not.toMatch(/["%`\\~|;:#<>\u0000-\u001f\u007f-\u009f\u2028\u2029\ufb02\u00b6]/)
}

interface Flowchart {
  nodes: Map<string, string>
  edges: {from: string; to: string; arrow: string; label: string}[]
  classes: Map<string, string[]>
  linkStyles: number[][]
}

/** A line grammar for the context map, stricter than Mermaid's own. */
function parseFlowchart(text: string): Flowchart {
  const lines = text.split('\n')
  expect(lines[0]).toBe('flowchart LR')
  expect(lines.at(-1)).toBe('')
  const chart: Flowchart = {nodes: new Map(), edges: [], classes: new Map(), linkStyles: []}
  const classDefs = new Set<string>()
  for (const line of lines.slice(1, -1)) {
    let m: RegExpExecArray | null
    if ((m = /^ {2}%% [^\n]*$/.exec(line))) {
      expect(line).not.toMatch(/%%\{|\}%%/)
    } else if ((m = /^ {2}([A-Za-z0-9_]+)\["([^"]*)"\]$/.exec(line))) {
      const [, id, label] = m as unknown as [string, string, string]
      expect(chart.nodes.has(id)).toBe(false)
      chart.nodes.set(id, label)
    } else if ((m = /^ {2}([A-Za-z0-9_]+) (-->|==>|---|===)\|"([^"]*)"\| ([A-Za-z0-9_]+)$/.exec(line))) {
      const [, from, arrow, label, to] = m as unknown as [string, string, string, string, string]
      chart.edges.push({from, to, arrow, label})
    } else if ((m = /^ {2}classDef ([a-z]+) ([a-z-]+:[#a-z0-9 .]+)(,[a-z-]+:[#a-z0-9 .]+)*$/.exec(line))) {
      classDefs.add(m[1]!)
    } else if ((m = /^ {2}class ([A-Za-z0-9_,]+) ([a-z]+)$/.exec(line))) {
      chart.classes.set(m[2]!, m[1]!.split(','))
    } else if ((m = /^ {2}linkStyle ([0-9,]+) ([a-z-]+:[#a-z0-9 .]+)(,[a-z-]+:[#a-z0-9 .]+)*$/.exec(line))) {
      chart.linkStyles.push(m[1]!.split(',').map(Number))
    } else {
      throw new Error(`unexpected flowchart line: ${JSON.stringify(line)}`)
    }
  }
  for (const id of chart.nodes.keys()) {
    expect(id).toMatch(ID)
    expect(MERMAID_KEYWORDS.has(id.toLowerCase())).toBe(false)
  }
  for (const label of chart.nodes.values()) {
    expectSafeLabel(label.replace(/<\/?b>|<br\/>/g, ''))
    expect(label.replace(/<\/?b>|<br\/>/g, '')).not.toMatch(/[<>]/)
  }
  for (const e of chart.edges) {
    expect(chart.nodes.has(e.from) && chart.nodes.has(e.to)).toBe(true)
    expectSafeLabel(e.label)
  }
  for (const [name, members] of chart.classes) {
    expect(classDefs.has(name)).toBe(true)
    for (const id of members) expect(chart.nodes.has(id)).toBe(true)
  }
  for (const indexes of chart.linkStyles) for (const i of indexes) expect(i).toBeLessThan(chart.edges.length)
  return chart
}

interface ErDiagram {
  entities: Map<string, {label: string; attributes: {type: string; name: string; keys: string[]; comment: string | null}[]}>
  relationships: {from: string; card: string; to: string; label: string}[]
}

/** A line grammar for erDiagram output, stricter than Mermaid's own. */
function parseEr(text: string): ErDiagram {
  const lines = text.split('\n')
  expect(lines[0]).toBe('erDiagram')
  expect(lines.at(-1)).toBe('')
  const er: ErDiagram = {entities: new Map(), relationships: []}
  let open: string | null = null
  const word = /^[A-Za-z_][A-Za-z0-9_]*$/
  for (const line of lines.slice(1, -1)) {
    let m: RegExpExecArray | null
    if (open) {
      if (line === '  }') {
        open = null
      } else if ((m = /^ {4}(\S+) (\S+)((?: (?:PK|FK|UK),?)*)(?: "([^"]*)")?$/.exec(line))) {
        const [, type, name, keys, comment] = m as unknown as [string, string, string, string, string | undefined]
        for (const w of [type, name]) {
          expect(w).toMatch(word)
          expect(['pk', 'fk', 'uk'].includes(w.toLowerCase())).toBe(false)
        }
        if (comment !== undefined) expectSafeLabel(comment)
        er.entities.get(open)!.attributes.push({type, name, keys: keys.split(/[ ,]+/).filter(Boolean), comment: comment ?? null})
      } else {
        throw new Error(`unexpected attribute line: ${JSON.stringify(line)}`)
      }
    } else if (/^ {2}%% [^\n]*$/.test(line)) {
      expect(line).not.toMatch(/%%\{|\}%%/)
    } else if ((m = /^ {2}([tx]\d+)\["([^"]*)"\]( \{)?$/.exec(line))) {
      const [, id, label, brace] = m as unknown as [string, string, string, string | undefined]
      expect(er.entities.has(id)).toBe(false)
      expectSafeLabel(label)
      er.entities.set(id, {label, attributes: []})
      if (brace) open = id
    } else if ((m = /^ {2}([tx]\d+) (\|o|\}o)(--|\.\.)(o\||\|\|) ([tx]\d+) : "([^"]*)"$/.exec(line))) {
      const [, from, left, line_, right, to, label] = m as unknown as [string, string, string, string, string, string, string]
      expectSafeLabel(label)
      er.relationships.push({from, card: `${left}${line_}${right}`, to, label})
    } else {
      throw new Error(`unexpected erDiagram line: ${JSON.stringify(line)}`)
    }
  }
  expect(open).toBeNull()
  for (const r of er.relationships) expect(er.entities.has(r.from) && er.entities.has(r.to)).toBe(true)
  return er
}

/** Well-formed XML, checked by hand: one root, balanced tags, quoted attributes, known entities, legal characters. */
function expectWellFormedXml(xml: string): void {
  // eslint-disable-next-line no-control-regex
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/)
  expect(xml).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/)
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '')
  const stack: string[] = []
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g
  let m: RegExpExecArray | null
  let roots = 0
  while ((m = tag.exec(body))) {
    if (m[6]) throw new Error(`stray < at ${m.index}: ${body.slice(m.index, m.index + 60)}`)
    if (m[5]) {
      if (stack.length === 0) expect(m[5].trim()).toBe('')
      continue
    }
    const [, closing, name, , selfClosing] = m as unknown as [string, string, string, string, string]
    if (closing) expect(stack.pop()).toBe(name)
    else if (!selfClosing) {
      if (stack.length === 0) roots++
      stack.push(name)
    } else if (stack.length === 0) roots++
  }
  expect(stack).toEqual([])
  expect(roots).toBe(1)
}

// ---------------------------------------------------------------------------------------------
// Tests

describe('the fixture', () => {
  it('proposes the contexts the exports are tested on', () => {
    // Pinned tables stay where they are pinned; clustering may add others to their contexts.
    expect(byName(END_CONTEXT).tables).toEqual(expect.arrayContaining(['end', 'graph']))
    expect(byName(HOSTILE_CONTEXT).tables).toEqual(expect.arrayContaining([QUOTED, NEWLINE]))
    expect(byName('ordering').tables).toEqual(expect.arrayContaining([ORDER_LINES, 'orders', PRIX]))
    expect(byName('customer').tables).toContain('customers')
    expect(proposal.totals.multiWriterTables).toEqual([ORDER_LINES, 'orders'])
    expect(proposal.couplings.some((c) => c.writeTransactions > 0)).toBe(true)
    expect(byName('ordering').metrics.foreignWriters).toEqual(['billing-service'])
    expect(proposal.referenceTables).toContain('countries')
  })
})

describe('determinism', () => {
  it('gives byte-identical output for the same input, and for an equal proposal built again', () => {
    const again = hostileProposal()
    const all = (p: Proposal, c: Catalog) => [
      contextMapMermaid(p), ...p.contexts.map((x) => contextErMermaid(p, c, x.name, {incoming: true})),
      proposalDbml(p, c), proposalGraphml(p, c), proposalGexf(p, c), proposalJson(p),
    ]
    const first = all(proposal, catalog)
    expect(all(proposal, catalog)).toEqual(first)
    expect(all(again.proposal, again.catalog)).toEqual(first)
  })

  it('keeps JSON key order whatever order the keys were set in', () => {
    const shuffled = JSON.parse(JSON.stringify(proposal), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v) as Proposal
    expect(Object.keys(shuffled)[0]).not.toBe('format')
    expect(proposalJson(shuffled)).toBe(proposalJson(proposal))
    expect(proposalJson(proposal).startsWith('{\n  "format": "carve.proposal/v1",\n  "resolution"')).toBe(true)
    expect(JSON.parse(proposalJson(proposal))).toEqual(JSON.parse(JSON.stringify(proposal)))
  })
})

describe('Mermaid context map', () => {
  const text = contextMapMermaid(proposal)
  let chart: Flowchart
  beforeAll(() => {
    chart = parseFlowchart(text)
  })

  it('has one box per context with name, owner and table count, names surviving escaping', () => {
    const contextNodes = [...chart.nodes].filter(([id]) => /^c\d+$/.test(id))
    expect(contextNodes.length).toBe(proposal.contexts.length)
    proposal.contexts.forEach((c, i) => {
      const lines = decodeMermaid(chart.nodes.get(`c${i}`)!).split('<br/>')
      expect(lines[0]).toBe(`<b>${c.name}</b>`)
      expect(lines[1]).toBe(`owner: ${c.owner ?? 'unknown'}`)
      expect(lines[2]).toBe(`${c.tables.length} ${c.tables.length === 1 ? 'table' : 'tables'}`)
    })
    // The hostile context name is readable once decoded and inert in the source: no quote,
    // directive or comment opener survives (the line grammar above rejects stray statements).
    expect(text).toContain(`<b>${mermaidText(HOSTILE_CONTEXT)}</b>`)
    expect(text).not.toContain('%%{')
  })

  it('draws couplings with weights, and cross-context write transactions thick and red', () => {
    const ids = new Map(proposal.contexts.map((c, i) => [c.name, `c${i}`]))
    const txn = chart.edges.findIndex((e) => e.from === ids.get('billing') && e.to === ids.get('ordering'))
    expect(txn).toBeGreaterThanOrEqual(0)
    expect(chart.edges[txn]!.arrow).toBe('==>')
    expect(decodeMermaid(chart.edges[txn]!.label)).toBe('1 FK · 1.2k joins · 40 txns')
    expect(chart.linkStyles.flat()).toContain(txn)
    for (const [i, e] of chart.edges.entries()) if (!chart.linkStyles.flat().includes(i)) expect(e.arrow === '-->' || e.arrow === '---').toBe(true)
  })

  it('marks contexts with foreign writers and multi-writer tables, lists them, and shows shared reference tables', () => {
    const ordering = `c${proposal.contexts.findIndex((c) => c.name === 'ordering')}`
    expect(chart.classes.get('violation')).toContain(ordering)
    const label = decodeMermaid(chart.nodes.get(ordering)!)
    expect(label).toContain('⚠ foreign writers: billing-service')
    expect(label).toContain(`⚠ multi-writer: ${ORDER_LINES}, orders`)
    expect(chart.classes.get('reference')).toEqual(['r0'])
    expect(decodeMermaid(chart.nodes.get('r0')!)).toContain(`countries · ${proposal.tables.find((t) => t.table === 'countries')!.context}`)
    const deprecated = `c${proposal.contexts.findIndex((c) => c.name === 'deprecated')}`
    expect(chart.classes.get('retired')).toEqual([deprecated])
  })

  it('escapes every hostile character and decodes back to the same text', () => {
    const samples = [ORDER_LINES, PRIX, QUOTED, NEWLINE, HOSTILE_CONTEXT, 'end', 'a#b;c', '😀 \ud800 x', 'tab\there']
    for (const s of samples) {
      const escaped = mermaidText(s)
      expectSafeLabel(escaped)
      const visible = s.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/[\ud800-\udfff](?![\udc00-\udfff])/g, (c, i: number, all: string) =>
        /[\ud800-\udbff]/.test(all[i - 1] ?? '') && c >= '\udc00' ? c : '\ufffd')
      expect(decodeMermaid(escaped)).toBe(visible)
    }
  })

  it('caps couplings under Mermaid\'s edge limit, keeping the heaviest', () => {
    const many: Proposal = {
      ...proposal,
      contexts: Array.from({length: 40}, (_, i) => ({...proposal.contexts[0]!, name: `k${String(i).padStart(2, '0')}`, tables: []})),
      referenceTables: [],
      couplings: Array.from({length: 40 * 39}, (_, n) => {
        const a = Math.floor(n / 39)
        const b = n % 39 >= a ? (n % 39) + 1 : n % 39
        return {from: `k${String(a).padStart(2, '0')}`, to: `k${String(b).padStart(2, '0')}`, fks: 0, joinCalls: n + 1, writeTransactions: n === 7 ? 1 : 0}
      }),
    }
    const c = parseFlowchart(contextMapMermaid(many, {maxCouplings: 100}))
    expect(c.edges.length).toBe(100)
    expect(c.edges.some((e) => e.label.includes('txn'))).toBe(true)
  })
})

describe('Mermaid ER diagrams', () => {
  it('is valid for every context, with PK/FK markers, single-word types and names', () => {
    for (const c of proposal.contexts) {
      const er = parseEr(contextErMermaid(proposal, catalog, c.name, {incoming: true}))
      const own = [...er.entities.values()].filter((e) => !decodeMermaid(e.label).startsWith('external · '))
      expect(own.length).toBe(c.tables.length)
    }
  })

  it('draws FKs inside the context and stubs for FKs leaving it', () => {
    const er = parseEr(contextErMermaid(proposal, catalog, 'ordering'))
    const label = (id: string) => decodeMermaid(er.entities.get(id)!.label)
    const find = (text: string) => [...er.entities.keys()].find((id) => label(id) === text)!
    const lines = find(`${ORDER_LINES} (multi-writer)`)
    const orders = find('orders (multi-writer)')
    expect(lines && orders).toBeTruthy()
    // Composite FK, not null: exactly one order per line, many lines per order.
    const composite = er.relationships.find((r) => r.from === lines && r.to === orders)!
    expect(composite.card).toBe('}o--||')
    expect(decodeMermaid(composite.label)).toBe('order lines → orders "composite" (order_id, tenant_id → id, tenant_id)')
    // FKs leaving the context land on external stubs with just the referenced columns.
    const customers = find('external · customer · customers')
    expect(er.entities.get(customers)!.attributes.map((a) => a.name)).toEqual(['id'])
    expect(er.relationships.some((r) => r.from === orders && r.to === customers && r.card === '}o--||')).toBe(true)
    // Nullable FK: the parent is optional.
    expect(er.relationships.some((r) => r.from === orders && r.card === '}o--o|' && er.entities.get(r.to)!.label.includes('countries'))).toBe(true)
    // Columns: sanitised types and names, originals kept in the comment.
    const attrs = er.entities.get(lines)!.attributes
    expect(attrs.find((a) => a.name === 'order_id')).toMatchObject({type: 'bigint', keys: ['PK', 'FK']})
    expect(attrs.find((a) => a.name === 'prix__')).toMatchObject({type: 'numeric'})
    expect(decodeMermaid(attrs.find((a) => a.name === 'prix__')!.comment!)).toBe(`${PRIX} · not null`)
    expect(attrs.find((a) => decodeMermaid(a.comment ?? '') === QUOTED)).toMatchObject({type: 'integer_array', name: '_quoted_'})
    const orderAttrs = er.entities.get(orders)!.attributes
    expect(orderAttrs.find((a) => a.name === 'end')).toMatchObject({type: 'timestamptz', comment: null})
    expect(orderAttrs.find((a) => a.comment && decodeMermaid(a.comment) === 'pk')!.name).toBe('pk_')
  })

  it('draws self references and the context named `end` like any other', () => {
    const er = parseEr(contextErMermaid(proposal, catalog, END_CONTEXT))
    const graph = [...er.entities].find(([, e]) => e.label === 'graph')![0]
    expect(er.relationships).toContainEqual({from: graph, card: '}o--o|', to: graph, label: 'graph_parent (parent_id → id)'})
  })

  it('dots inferred references and refuses an unknown context', () => {
    const shipments = proposal.tables.find((t) => t.table === 'shipments')!.context
    const er = parseEr(contextErMermaid(proposal, catalog, shipments))
    expect(er.relationships.some((r) => r.card.includes('..') && r.label === 'inferred (order_ref → id)')).toBe(true)
    expect(() => contextErMermaid(proposal, catalog, 'nope')).toThrow(/No context named "nope"/)
  })

  it('sanitises types and names to single words', () => {
    expect(erType('character varying(255)')).toBe('varchar')
    expect(erType('timestamp(3) with time zone')).toBe('timestamptz')
    expect(erType('numeric(10,2)')).toBe('numeric')
    expect(erType('int(11) unsigned')).toBe('int_unsigned')
    expect(erType('"my schema"."Order Status"')).toBe('order_status')
    expect(erType('double precision[]')).toBe('double_array')
    expect(erType('€uro')).toBe('uro')
    expect(erType('2fast')).toBe('t_2fast')
    expect(erName('FK')).toBe('FK_')
    expect(erName('9lives')).toBe('c_9lives')
    expect(compactNumber(999)).toBe('999')
    expect(compactNumber(1234)).toBe('1.2k')
    expect(compactNumber(999_960)).toBe('1M')
    expect(compactNumber(2_500_000)).toBe('2.5M')
  })
})

describe('DBML', () => {
  const dbml = proposalDbml(proposal, catalog)

  it('has one TableGroup per context with the right tables, quoted', () => {
    const groups = [...dbml.matchAll(/^TableGroup ("(?:[^"\\]|\\.)*") \{\n((?: {2}.*\n|\n)*?)\}$/gm)]
    expect(groups.length).toBe(proposal.contexts.length)
    const unquote = (s: string) => JSON.parse(s.replace(/\\'/g, "'")) as string
    const members = (body: string) => body.split('\n').filter((l) => /^ {2}"/.test(l)).map((l) => l.trim())
    const ref = (key: string) => key.startsWith('billing.') ? `"billing"."${key.slice(8)}"` : JSON.stringify(key)
    proposal.contexts.forEach((c, i) => {
      expect(unquote(groups[i]![1]!)).toBe(c.name)
      expect(members(groups[i]![2]!)).toEqual(c.tables.filter((t) => t !== 'empty_shell').sort().map(ref))
    })
  })

  it('quotes and escapes identifiers, types, notes and defaults', () => {
    expect(dbml).toContain('Table "Order Lines; DROP" {')
    expect(dbml).toContain('Table "\\"quoted\\"" {')
    expect(dbml).toContain('Table "billing"."invoices" {')
    expect(dbml).toContain('Table "note\\nbook %%{init: {\\"theme\\": \\"dark\\"}}%% #quot; <b>x</b>" {')
    expect(dbml).toContain('  "prix_€" "numeric(10,2)" [not null, default: 0]')
    expect(dbml).toContain('  "\\"quoted\\"" "integer[]"')
    expect(dbml).toContain('  "id" bigint [pk, increment]')
    expect(dbml).toContain(`  "status" "character varying(20)" [not null, default: \`'new'::character varying\`, note: 'state "machine"; see docs']`)
    expect(dbml).toContain(`  Note: 'Customer orders; "legacy" it\\'s\\n\\nContext: ordering, owner order-service. Multi-writer: billing-service, order-service.'`)
    expect(dbml).toContain('    ("order_id", "line_no") [pk]')
    expect(dbml).toContain(`Enum "order status" {\n  "new"\n  "it's \\"done\\""\n}`)
    expect(dbml).toContain('// Table empty_shell has no columns, which DBML cannot express.')
    // No line may start anything but what this writer writes (a newline in a name would).
    for (const line of dbml.split('\n')) expect(line).toMatch(/^($|\/\/ |Project |Enum |Table |Ref |TableGroup |\}| {2}\S| {4}\()/)
  })

  it('writes FKs as Refs, composite ones as tuples, inferred ones as comments', () => {
    expect(dbml).toContain('Ref "order lines → orders \\"composite\\"": "Order Lines; DROP".("order_id", "tenant_id") > "orders".("id", "tenant_id")')
    expect(dbml).toContain('Ref "invoices_order_id_fkey": "billing"."invoices"."order_id" > "orders"."id"')
    expect(dbml).toContain('Ref "graph_parent": "graph"."parent_id" > "graph"."id"')
    expect(dbml).toContain('// inferred (medium): shipments (order_ref) → orders (id)')
    const refs = dbml.split('\n').filter((l) => l.startsWith('Ref '))
    expect(refs.length).toBe(catalog.tables.reduce((n, t) => n + t.foreignKeys.length, 0))
  })
})

describe('GraphML and GEXF', () => {
  const fkCount = catalog.tables.reduce((n, t) => n + t.foreignKeys.length, 0)
  const edgeCount = fkCount + catalog.inferredReferences.length
  const tableCount = catalog.tables.length

  it('writes well-formed GraphML that graphology parses back, hostile names intact', () => {
    const xml = proposalGraphml(proposal, catalog)
    expectWellFormedXml(xml)
    // GraphML ids are NMTOKENs: positional, the table key is the label.
    for (const m of xml.matchAll(/<(?:node|edge|key) id="([^"]*)"/g)) expect(m[1]).toMatch(/^[A-Za-z0-9_.:-]+$/)
    for (const m of xml.matchAll(/ (?:source|target)="([^"]*)"/g)) expect(m[1]).toMatch(/^n\d+$/)
    const g = parseGraphml(MultiDirectedGraph, xml)
    expect(g.order).toBe(tableCount)
    expect(g.size).toBe(edgeCount)
    const node = (label: string) => g.findNode((_n, a) => a.label === label)!
    for (const key of [ORDER_LINES, PRIX, QUOTED, NEWLINE, 'end', 'graph', 'billing.invoices']) expect(node(key)).toBeDefined()
    expect(g.getNodeAttributes(node(ORDER_LINES))).toMatchObject({label: ORDER_LINES, context: 'ordering', owner: 'order-service', reference: false, deprecated: false, multiWriter: true})
    expect(g.getNodeAttributes(node(NEWLINE))).toMatchObject({name: NEWLINE, context: HOSTILE_CONTEXT})
    expect(g.getNodeAttributes(node('billing.invoices'))).toMatchObject({schema: 'billing', name: 'invoices', context: 'billing'})
    expect(g.getNodeAttributes(node('countries'))).toMatchObject({reference: true})
    expect(g.getNodeAttributes(node('old_orders_bak'))).toMatchObject({deprecated: true, context: 'deprecated'})
    const kinds = g.mapEdges((_e, a) => a.kind as string)
    expect(kinds.filter((k) => k === 'fk').length).toBe(fkCount)
    expect(kinds.filter((k) => k === 'inferred').length).toBe(1)
    const composite = g.findEdge((_e, a) => a.name === 'order lines → orders "composite"')!
    expect(g.source(composite)).toBe(node(ORDER_LINES))
    expect(g.target(composite)).toBe(node('orders'))
    expect(JSON.parse(g.getEdgeAttribute(composite, 'columns') as string)).toEqual(['order_id', 'tenant_id'])
    expect(g.getEdgeAttribute(composite, 'crossContext')).toBe(false)
    expect(g.hasEdge(node('graph'), node('graph'))).toBe(true)
  })

  it('writes well-formed GEXF that graphology parses back, hostile names intact', () => {
    const xml = proposalGexf(proposal, catalog)
    expectWellFormedXml(xml)
    expect(xml).not.toMatch(/lastmodifieddate/)
    const g = parseGexf(MultiDirectedGraph, xml)
    expect(g.order).toBe(tableCount)
    expect(g.size).toBe(edgeCount)
    expect(g.getNodeAttributes(ORDER_LINES)).toMatchObject({label: ORDER_LINES, context: 'ordering', owner: 'order-service', multiWriter: true})
    expect(g.getNodeAttributes(NEWLINE)).toMatchObject({label: NEWLINE, name: NEWLINE, context: HOSTILE_CONTEXT})
    expect(g.getNodeAttributes('countries')).toMatchObject({reference: true})
    const inferred = g.findEdge((_e, a) => a.kind === 'inferred')!
    expect([g.source(inferred), g.target(inferred)]).toEqual(['shipments', 'orders'])
    expect(g.getEdgeAttribute(inferred, 'confidence')).toBe('medium')
    const cross = g.filterEdges((_e, a) => a.crossContext === true).length
    expect(cross).toBeGreaterThan(0)
  })

  it('keeps XML legal when a name holds control characters', () => {
    const c = hostileCatalog()
    c.tables.push(table('public', 'bell\u0007\u0000', [['x\u001b', 'int']]))
    const p = propose(c)
    for (const xml of [proposalGraphml(p, c), proposalGexf(p, c)]) {
      expectWellFormedXml(xml)
      expect(xml).toContain('bell\\x07\\x00')
    }
  })
})

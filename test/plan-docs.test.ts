/**
 * Plan diagrams, ownership documents, event catalogs and the plan README, on the shop example
 * (catalog from the embedded PostgreSQL, the designers' contexts, the captured workload) and on
 * an in-memory catalog full of hostile names.
 *
 * Every diagram is checked by a line grammar stricter than Mermaid's (balanced blocks, generated
 * ids only, every edge endpoint declared, every label free of raw quotes, brackets, semicolons),
 * and by Mermaid 11's own parser when mermaid-cli is installed (it brings mermaid; its parser
 * runs under Node once DOMPurify, which needs a DOM, is stubbed). Rendering to SVG runs when
 * mermaid-cli and a browser are there; otherwise those tests skip and say why.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, posix} from 'node:path'
import {pathToFileURL} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BoundariesFile} from '../src/boundaries/file.js'
import {CATALOG_FORMAT, type Catalog, type Column, type Table} from '../src/introspect/model.js'
import {buildPlan} from '../src/plan/build.js'
import {type PlanInput, resolvePlanInput} from '../src/plan/context.js'
import {contextErDiagram, cutoverSequence, dualWriteSequence, MATURITY_LEVELS, type MaturityLevel, maturityDiagram} from '../src/plan/diagrams.js'
import {eventCatalog, fenced, inlineCode, markdownText, ownershipDocument, planReadme, renderTemplate, resourcePath} from '../src/plan/docs.js'
import {planDocuments} from '../src/plan/generate.js'
import {overviewDiagram} from '../src/plan/review-files.js'
import {type PlanManifest, planSchema} from '../src/plan/model.js'
import {splitSteps} from '../src/steps/split/generate.js'
import {MERMAID_KEYWORDS} from '../src/render/mermaid.js'
import {locateMermaidCli, renderingUnavailable, renderMermaidFiles, resolveBeside} from '../src/render/mermaid-cli.js'
import type {Workload} from '../src/workload/model.js'
import {shopPlanInput} from './support/shop-plan-input.js'

const LEVELS: MaturityLevel[] = [0, 1, 2, 3, 4, 5]

const MINIMUM_FIELDS = [
  'Owner service',
  'Owned tables and schemas',
  'Write APIs',
  'Read APIs',
  'Events emitted',
  'Allowed consumers',
  'Tenant boundary',
  'Audit requirements',
  'SCD2 / effective-dating rules',
  'Migration owner',
  'Backup and retention',
  'Known exceptions',
  'Exit plan for exceptions',
]

// ---------------------------------------------------------------------------------------------
// Mermaid checks: a line grammar per diagram type

const SAFE_ID = /^[a-z]+\d+$/

/** Mermaid entity codes back to characters: what the rendered diagram shows. */
function decode(label: string): string {
  return label.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
}

/** A label must hold no raw quote, no bracket outside Carve's own tags, no `;` or `#` outside an entity. */
function checkLabel(label: string, where: string): void {
  const bare = label.replace(/<\/?b>|<br\/>/g, '').replace(/#\d+;/g, '')
  expect(bare, `${where}: raw quote`).not.toContain('"')
  expect(bare, `${where}: raw bracket`).not.toMatch(/[<>]/)
  expect(bare, `${where}: raw ; or #`).not.toMatch(/[;#]/)
  expect(bare, `${where}: backtick`).not.toContain('`')
  expect(bare, `${where}: %% starts a comment`).not.toContain('%%')
}

interface Flowchart {
  nodes: Map<string, string>
  subgraphs: Map<string, string>
  edges: {from: string; to: string; arrow: string; label: string}[]
  classes: Map<string, string[]>
  linkStyles: {indices: number[]; style: string}[]
}

function parseFlowchart(text: string): Flowchart {
  const lines = text.trimEnd().split('\n')
  expect(lines[0]).toBe('flowchart LR')
  const f: Flowchart = {nodes: new Map(), subgraphs: new Map(), edges: [], classes: new Map(), linkStyles: []}
  const stack: string[] = []
  for (const raw of lines.slice(1)) {
    const line = raw.trim()
    let m: RegExpMatchArray | null
    if (line.startsWith('%%')) continue
    if ((m = line.match(/^subgraph (\w+)\["([^"]*)"\]$/))) {
      f.subgraphs.set(m[1]!, m[2]!)
      stack.push(m[1]!)
    } else if (line === 'end') {
      expect(stack.length, 'an end without a subgraph').toBeGreaterThan(0)
      stack.pop()
    } else if ((m = line.match(/^(\w+)\["([^"]*)"\]$/))) {
      expect(f.nodes.has(m[1]!), `node ${m[1]} declared twice`).toBe(false)
      f.nodes.set(m[1]!, m[2]!)
    } else if ((m = line.match(/^(\w+) (==>|-->|-\.->)\|"([^"]*)"\| (\w+)$/))) {
      f.edges.push({from: m[1]!, arrow: m[2]!, label: m[3]!, to: m[4]!})
    } else if ((m = line.match(/^classDef (\w+) [\w#:,. -]+$/))) {
      // style definitions: fine
    } else if ((m = line.match(/^class ([\w,]+) (\w+)$/))) {
      f.classes.set(m[2]!, m[1]!.split(','))
    } else if ((m = line.match(/^linkStyle ([\d,]+) ([\w#:,. -]+)$/))) {
      f.linkStyles.push({indices: m[1]!.split(',').map(Number), style: m[2]!})
    } else {
      throw new Error(`unexpected flowchart line: ${JSON.stringify(raw)}`)
    }
  }
  expect(stack, 'unclosed subgraph').toEqual([])
  for (const id of [...f.nodes.keys(), ...f.subgraphs.keys()]) {
    expect(id, 'generated id').toMatch(SAFE_ID)
    expect(MERMAID_KEYWORDS.has(id.toLowerCase()), `${id} is a Mermaid keyword`).toBe(false)
  }
  for (const [id, label] of [...f.nodes, ...f.subgraphs]) checkLabel(label, id)
  for (const e of f.edges) {
    expect(f.nodes.has(e.from), `edge from undeclared ${e.from}`).toBe(true)
    expect(f.nodes.has(e.to), `edge to undeclared ${e.to}`).toBe(true)
    checkLabel(e.label, `edge ${e.from}→${e.to}`)
  }
  for (const [cls, ids] of f.classes) for (const id of ids) expect(f.nodes.has(id), `class ${cls} on undeclared ${id}`).toBe(true)
  const styled = f.linkStyles.flatMap((l) => l.indices).sort((a, b) => a - b)
  expect(styled, 'every edge styled exactly once').toEqual(f.edges.map((_, i) => i))
  return f
}

/** Indices of the edges drawn in the style whose stroke colour is given. */
function edgesStyled(f: Flowchart, stroke: string): Set<number> {
  return new Set(f.linkStyles.filter((l) => l.style.includes(`stroke:${stroke}`)).flatMap((l) => l.indices))
}
const RED = '#c62828'
const AMBER = '#b26a00'
const GREEN = '#2e7d32'

interface ErDiagram {
  entities: Map<string, {label: string; attributes: {type: string; name: string; keys: string[]; note: string | null}[]}>
  relations: {from: string; to: string; label: string}[]
}

function parseEr(text: string): ErDiagram {
  const lines = text.trimEnd().split('\n')
  expect(lines[0]).toBe('erDiagram')
  const er: ErDiagram = {entities: new Map(), relations: []}
  let open: string | null = null
  for (const raw of lines.slice(1)) {
    const line = raw.trim()
    let m: RegExpMatchArray | null
    if (line.startsWith('%%')) continue
    if (open) {
      if (line === '}') {
        open = null
        continue
      }
      m = line.match(/^(\w+) (\w+)(?: ((?:PK|FK|UK)(?:, (?:PK|FK|UK))*))?(?: "([^"]*)")?$/)
      if (!m) throw new Error(`unexpected attribute line: ${JSON.stringify(raw)}`)
      for (const word of [m[1]!, m[2]!]) expect(['pk', 'fk', 'uk'].includes(word.toLowerCase()), `${word} is a key marker`).toBe(false)
      if (m[4] !== undefined) checkLabel(m[4], `attribute ${m[2]}`)
      er.entities.get(open)!.attributes.push({type: m[1]!, name: m[2]!, keys: m[3] ? m[3].split(', ') : [], note: m[4] ?? null})
    } else if ((m = line.match(/^(\w+)\["([^"]*)"\]( \{)?$/))) {
      expect(m[1]).toMatch(SAFE_ID)
      checkLabel(m[2]!, m[1]!)
      er.entities.set(m[1]!, {label: m[2]!, attributes: []})
      if (m[3]) open = m[1]!
    } else if ((m = line.match(/^(\w+) (?:\|o|\}o)--(?:o\||\|\|) (\w+) : "([^"]*)"$/))) {
      checkLabel(m[3]!, `relationship ${m[1]}→${m[2]}`)
      er.relations.push({from: m[1]!, to: m[2]!, label: m[3]!})
    } else {
      throw new Error(`unexpected erDiagram line: ${JSON.stringify(raw)}`)
    }
  }
  expect(open, 'unclosed entity').toBeNull()
  for (const r of er.relations) {
    expect(er.entities.has(r.from), `relationship from undeclared ${r.from}`).toBe(true)
    expect(er.entities.has(r.to), `relationship to undeclared ${r.to}`).toBe(true)
  }
  return er
}

function parseSequence(text: string): {participants: Map<string, string>; messages: string[]} {
  const lines = text.trimEnd().split('\n')
  expect(lines[0]).toBe('sequenceDiagram')
  const participants = new Map<string, string>()
  const messages: string[] = []
  let depth = 0
  for (const raw of lines.slice(1)) {
    const line = raw.trim()
    let m: RegExpMatchArray | null
    if (line.startsWith('%%') || line === 'autonumber') continue
    if ((m = line.match(/^participant (\w+) as (.+)$/))) {
      expect(m[1]).toMatch(SAFE_ID)
      participants.set(m[1]!, m[2]!)
    } else if ((m = line.match(/^(alt|loop|par|opt|critical|break)\b ?(.*)$/))) {
      depth++
      if (m[2]) messages.push(m[2])
    } else if ((m = line.match(/^(else|and)\b ?(.*)$/))) {
      expect(depth).toBeGreaterThan(0)
      if (m[2]) messages.push(m[2])
    } else if (line === 'end') {
      depth--
      expect(depth).toBeGreaterThanOrEqual(0)
    } else if ((m = line.match(/^(\w+)(->>|-->>)(\w+): (.+)$/))) {
      expect(participants.has(m[1]!) && participants.has(m[3]!), `message between undeclared participants: ${line}`).toBe(true)
      messages.push(m[4]!)
    } else if ((m = line.match(/^Note over (\w+),(\w+): (.+)$/))) {
      expect(participants.has(m[1]!) && participants.has(m[2]!)).toBe(true)
      messages.push(m[3]!)
    } else {
      throw new Error(`unexpected sequenceDiagram line: ${JSON.stringify(raw)}`)
    }
  }
  expect(depth, 'unbalanced alt/loop/par … end').toBe(0)
  // `;` and `#` end a message in Mermaid's sequence grammar: only entity codes may hold them.
  for (const text of [...participants.values(), ...messages]) expect(text.replace(/#\d+;/g, ''), text).not.toMatch(/[;#"<>]/)
  return {participants, messages}
}

// ---------------------------------------------------------------------------------------------
// Mermaid's own parser, when mermaid-cli (which brings mermaid) is installed

type MermaidParse = (text: string) => Promise<{diagramType: string}>

async function loadMermaidParser(): Promise<MermaidParse | null> {
  const cli = locateMermaidCli()
  const mermaidPath = cli && resolveBeside(cli, 'mermaid')
  const purifyPath = mermaidPath && resolveBeside({entry: mermaidPath, version: ''}, 'dompurify')
  if (!mermaidPath || !purifyPath) return null
  // DOMPurify needs a DOM; under Node it is an empty shell. Parsing does not sanitize anything.
  const purify = (await import(pathToFileURL(purifyPath).href)).default as Record<string, unknown>
  Object.assign(purify, {addHook() {}, removeHook() {}, removeHooks() {}, removeAllHooks() {}, sanitize: (s: string) => s})
  const mermaid = (await import(pathToFileURL(mermaidPath).href)).default as {parse: MermaidParse}
  return (text) => mermaid.parse(text)
}

let mermaidParse: MermaidParse | null = null
let noted = false
const parserNote = (): void => {
  if (!mermaidParse && !noted && (noted = true)) console.warn('[carve tests] SKIPPING the Mermaid parser checks: @mermaid-js/mermaid-cli (which brings mermaid) is not installed; the line grammar checks ran.')
}

// ---------------------------------------------------------------------------------------------
// A hostile catalog

const T = {
  end: 'end',
  graph: 'graph',
  drop: 'Order Lines; DROP TABLE x',
  script: '<script>alert(1)</script>',
  quoted: '"quoted"',
  pipe: 'pipe|table',
  unicode: 'naïve_表_€',
  newline: 'new\nline',
  tick: 'back`tick',
  template: '{{owner}}',
  init: '%%{init: {"theme":"dark"}}%%',
  emphasis: '*bold*_x_',
}

type ColumnSpec = [name: string, type: string, nullable?: boolean]

function table(name: string, columns: ColumnSpec[], extra: Partial<Table> = {}): Table {
  return {
    schema: 'public',
    name,
    kind: 'table',
    comment: null,
    columns: columns.map(([n, type, nullable = true], i): Column => ({name: n, type, nullable, default: null, identity: null, generated: null, comment: null, position: i + 1})),
    primaryKey: [columns[0]![0]],
    primaryKeyName: `${name}_pkey`,
    uniques: [],
    checks: [],
    foreignKeys: [],
    indexes: [],
    triggers: [],
    estimatedRows: 10,
    sizeBytes: 8192,
    partitioning: null,
    partitionOf: null,
    flags: {scd2: null, tenantColumn: null, deprecated: null},
    ...extra,
  }
}

function fk(name: string, columns: string[], refTable: string, refColumns: string[], onDelete: Table['foreignKeys'][number]['onDelete'] = 'no action'): Table['foreignKeys'][number] {
  return {name, columns, refSchema: 'public', refTable, refColumns, onDelete, onUpdate: 'no action', deferrable: false, validated: true}
}

function hostileInput(): PlanInput {
  const tables: Table[] = [
    table(T.end, [['id', 'integer', false], ['end', 'text'], ['PK', 'character varying(10)'], ['col"q', 'text']]),
    table(T.graph, [['id', 'bigint', false], ['end_id', 'integer', false], ['a;b', 'text']], {foreignKeys: [fk('graph "fk"; end', ['end_id'], T.end, ['id'], 'cascade')]}),
    table(T.drop, [['id', 'integer', false], ['<img src=x>', 'numeric(10,2)']]),
    table(T.script, [['id', 'integer', false], ['end_ref', 'integer'], ['tenant|id', 'integer', false]], {
      foreignKeys: [fk('<b>fk</b>', ['end_ref'], T.end, ['id'])],
      flags: {scd2: null, tenantColumn: 'tenant|id', deprecated: null},
    }),
    table(T.quoted, [['id', 'uuid', false], ['st_dt', 'date', false], ['e_dt', 'date']], {
      flags: {scd2: {from: 'st_dt', to: 'e_dt'}, tenantColumn: null, deprecated: null},
      indexes: [{name: 'open_rows', columns: ['id', 'e_dt'], unique: false, primary: false, method: 'btree', predicate: '(e_dt IS NULL)', definition: null}],
    }),
    table(T.pipe, [['id', 'integer', false]]),
    table(T.unicode, [['clé', 'text', false]]),
    table(T.newline, [['id', 'integer', false]]),
    table(T.tick, [['id', 'integer', false]], {flags: {scd2: null, tenantColumn: null, deprecated: 'legacy `x`'}}),
    table(T.template, [['id', 'integer', false]]),
    table(T.init, [['id', 'integer', false]]),
    table(T.emphasis, [['id', 'integer', false]]),
  ]
  const catalog: Catalog = {
    format: CATALOG_FORMAT,
    database: {engine: 'postgres', flavor: 'postgresql', serverVersion: '15.0', serverMajor: 15, name: 'hostile'},
    schemas: ['public'],
    tables,
    views: [],
    functions: [],
    sequences: [],
    enums: [],
    inferredReferences: [],
    stats: {catalogQueries: 0, elapsedMs: 0},
  }
  const boundaries: BoundariesFile = {
    version: 1,
    contexts: [
      {name: 'end', owner: 'svc "x"; <b>bold</b>', description: 'Line one\n# not a heading | pipe <script>', tables: [T.end, T.graph, T.pipe, T.tick]},
      {name: 'graph', owner: 'end', description: '', tables: [T.drop, T.script, T.quoted, T.newline]},
      {name: 'class', owner: 'pipe|svc', description: '{{owner}}', tables: [T.unicode, T.template, T.init, T.emphasis]},
    ],
    pins: {},
    classifications: {[T.tick]: 'deprecated'},
    exceptions: [
      {consumer: 'evil|svc <x>', table: T.graph, access: 'write', approved_by: 'ana|"b"', expires: '2027-03-31', exit_plan: 'stop\nwriting | now <b>'},
    ],
  }
  const access = (service: string, t: string, read: number, write: number) => ({service, table: t, read, write, lock: 0, ddl: 0})
  const workload = {
    access: [
      access('svc "x"; <b>bold</b>', T.end, 5, 5),
      access('end', T.end, 3, 2),
      access('evil|svc <x>', T.graph, 1, 4),
      access('evil|svc <x>', T.script, 2, 0),
      access('evil|svc <x>', T.drop, 2, 0),
      access('evil|svc <x>', T.unicode, 2, 0),
      access('evil|svc <x>', T.pipe, 2, 0),
      access('reporting', T.init, 9, 0),
      access('pipe|svc', T.script, 0, 3),
    ],
    joins: [],
  } as unknown as Workload
  return resolvePlanInput(catalog, boundaries, workload, {name: 'hostile'})
}

/** Rows of each Markdown table: the number of unescaped `|` per row must match its header. */
function checkMarkdownTables(md: string): number {
  const unescapedPipes = (line: string) => (line.replace(/\\\\/g, '').match(/(?<!\\)\|/g) ?? []).length
  let tables = 0
  let expected: number | null = null
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      expected = null
      continue
    }
    if (expected === null) {
      expected = unescapedPipes(line)
      tables++
    } else {
      expect(unescapedPipes(line), `row ${JSON.stringify(line)}`).toBe(expected)
    }
  }
  return tables
}

// ---------------------------------------------------------------------------------------------

let shop: PlanInput

beforeAll(async () => {
  shop = await shopPlanInput()
  mermaidParse = await loadMermaidParser()
})

describe('maturity diagrams (shop)', () => {
  it('parse at every level, with generated ids, declared endpoints and escaped labels', async () => {
    for (const level of LEVELS) {
      const text = maturityDiagram(shop, level)
      const f = parseFlowchart(text)
      expect(f.nodes.size).toBeGreaterThan(shop.services.length)
      // Readable for 11+ contexts: boxes per context and service, never per table.
      expect(f.nodes.size, `level ${level} nodes`).toBeLessThanOrEqual(shop.services.length * 2 + shop.contexts.length * 2 + 4)
      expect(f.edges.length, `level ${level} edges`).toBeLessThan(150)
      if (mermaidParse) expect((await mermaidParse(text)).diagramType).toMatch(/^flowchart/)
    }
    parserNote()
  })

  it('shows one service box per service and one data box per context, in the right database', () => {
    for (const level of LEVELS) {
      const f = parseFlowchart(maturityDiagram(shop, level))
      const services = [...f.nodes.entries()].filter(([id]) => id.startsWith('sv'))
      expect(services.map(([, l]) => decode(l).match(/<b>(.*?)<\/b>/)![1]).sort()).toEqual(shop.services.map((s) => s.name).sort())
      const data = [...f.nodes.keys()].filter((id) => id.startsWith('dt'))
      expect(data).toHaveLength(shop.contexts.length)
      const databases = [...f.subgraphs.values()].map(decode)
      if (level <= 2) {
        expect(databases.filter((l) => l.startsWith('shared database'))).toHaveLength(1)
        expect(databases.filter((l) => l.startsWith('database '))).toHaveLength(0)
      } else {
        expect(databases.filter((l) => l.startsWith('database '))).toHaveLength(shop.contexts.length)
      }
      if (level === 2) for (const c of shop.contexts) expect(databases).toContain(`schema ${c.schema}`)
      if (level === 5) for (const c of shop.contexts) expect(databases).toContain(`database ${c.name} · independent lifecycle`)
    }
  })

  it('highlights foreign writes, multi-writer tables and cross-context FKs while they exist', () => {
    const at = (level: MaturityLevel) => parseFlowchart(maturityDiagram(shop, level))
    const idOfService = (name: string) => `sv${shop.services.findIndex((s) => s.name === name)}`
    const idOfContext = (name: string) => `dt${shop.contexts.findIndex((c) => c.name === name)}`
    // Every (consumer, context) pair that writes today is a red edge at level 0.
    const writers = new Set<string>()
    for (const c of shop.contexts) for (const a of c.consumers) if (a.writes > 0) writers.add(`${idOfService(a.consumer)}>${idOfContext(c.name)}`)
    expect(writers.size).toBeGreaterThan(10)
    const l0 = at(0)
    const red0 = edgesStyled(l0, RED)
    const redPairs = new Set([...red0].map((i) => `${l0.edges[i]!.from}>${l0.edges[i]!.to}`))
    expect(redPairs).toEqual(writers)
    // Multi-writer tables (two or more writing services in the workload) mark their context red.
    const multi = new Set<string>()
    const writersOf = new Map<string, Set<string>>()
    for (const a of shop.workload!.access) if (a.write + a.lock > 0) writersOf.set(a.table, new Set([...(writersOf.get(a.table) ?? []), a.service]))
    for (const c of shop.contexts) if (c.tables.some((t) => (writersOf.get(t.key)?.size ?? 0) > 1)) multi.add(idOfContext(c.name))
    expect(multi.size).toBeGreaterThan(0)
    for (const id of multi) {
      expect(l0.classes.get('violation')).toContain(id)
      expect(decode(l0.nodes.get(id)!)).toMatch(/⚠ multi-writer: \d+ tables?/)
    }
    // Cross-context FKs: flagged up to level 2, replaced from level 3 on.
    const withFks = shop.contexts.filter((c) => c.fksOut.length)
    expect(withFks.length).toBeGreaterThan(5)
    for (const level of [0, 1, 2, 3] as MaturityLevel[]) {
      const f = at(level)
      for (const c of withFks) {
        const label = decode(f.nodes.get(idOfContext(c.name))!)
        const retired = c.tables.every((t) => t.classification === 'deprecated')
        if (level <= 2) {
          expect(label).toContain(`⚠ ${c.fksOut.length} FK`)
          expect(f.classes.get(retired ? 'retired' : 'violation')).toContain(idOfContext(c.name))
        } else {
          expect(label).toContain(`${c.fksOut.length} FK${c.fksOut.length === 1 ? '' : 's'} replaced by reconciliation`)
          expect(label).not.toContain('⚠')
        }
      }
    }
    // Level 2 revokes foreign write grants: those writes become API calls to the owner (green).
    const l2 = at(2)
    expect(edgesStyled(l2, RED).size).toBe(0)
    const api2 = [...edgesStyled(l2, GREEN)].map((i) => l2.edges[i]!)
    for (const pair of writers) {
      const [svc, dt] = pair.split('>') as [string, string]
      const owner = shop.contexts[Number(dt.slice(2))]!.owner
      if (idOfService(owner) === svc) continue
      expect(api2.some((e) => e.from === svc && e.to === idOfService(owner) && decode(e.label).includes('writes')), `${pair} through the API`).toBe(true)
    }
    // Level 3+: no service reaches into another context's data except approved exceptions (amber).
    for (const level of [3, 4, 5] as MaturityLevel[]) {
      const f = at(level)
      const amber = edgesStyled(f, AMBER)
      f.edges.forEach((e, i) => {
        if (!e.to.startsWith('dt')) return
        const ctx = shop.contexts[Number(e.to.slice(2))]!
        if (e.from !== idOfService(ctx.owner)) expect(amber.has(i), `level ${level}: ${e.from} → ${ctx.name}`).toBe(true)
      })
      if (level === 5) expect(amber.size).toBe(0)
    }
    // Level 4: outboxes feed read models through the broker.
    const l4 = at(4)
    expect([...l4.nodes.keys()].filter((id) => id.startsWith('ob')).length).toBe(shop.contexts.filter((c) => c.tables.some((t) => t.classification !== 'deprecated')).length)
    expect(l4.nodes.has('eb0')).toBe(true)
    expect(l4.edges.some((e) => e.from === 'eb0' && e.to.startsWith('rm'))).toBe(true)
  })

  it('without a workload, draw only what the boundaries file says: owners and their data', () => {
    const input = resolvePlanInput(shop.catalog, shop.boundaries, null, {name: 'shop'})
    for (const level of LEVELS) {
      const f = parseFlowchart(maturityDiagram(input, level))
      expect(f.edges.map((e) => decode(e.label))).toEqual(input.contexts.map(() => (level === 0 ? 'writes' : 'owns · writes')))
    }
    const md = ownershipDocument(input.contexts[0]!, input)
    expect(md).toContain('No workload was given, so direct access by other services is not known')
    expect(md).toContain('generated by Carve from the boundaries\n> file, the catalog (no workload was given')
  })

  it('names every level the way concepts.md does', () => {
    expect(MATURITY_LEVELS.map((l) => l.level)).toEqual(LEVELS)
    for (const level of LEVELS) expect(maturityDiagram(shop, level)).toContain(`maturity level ${level} (${MATURITY_LEVELS[level]!.state})`)
  })
})

describe('context ER diagrams and sequences (shop)', () => {
  it('draw every owned table with its columns and keys, and each FK out of the context to a foreign stub', async () => {
    for (const ctx of shop.contexts) {
      const text = contextErDiagram(ctx, shop)
      const er = parseEr(text)
      const owned = [...er.entities.values()].filter((e) => !decode(e.label).startsWith('foreign · '))
      expect(owned).toHaveLength(ctx.tables.length)
      for (const t of ctx.tables) {
        const entity = owned.find((e) => decode(e.label).split(' (')[0] === `${ctx.schema}.${t.table.name}`)
        expect(entity, `${ctx.name}.${t.table.name}`).toBeDefined()
        expect(entity!.attributes).toHaveLength(t.table.columns.length)
        for (const pk of t.table.primaryKey) expect(entity!.attributes.find((a) => a.name === pk)?.keys).toContain('PK')
      }
      const stubs = new Map([...er.entities].filter(([, e]) => decode(e.label).startsWith('foreign · ')))
      for (const f of ctx.fksOut) {
        const label = `foreign · ${f.to.context} · ${f.to.table.name}`
        const stub = [...stubs].find(([, e]) => decode(e.label) === label)
        expect(stub, label).toBeDefined()
        expect(er.relations.some((r) => r.to === stub![0] && decode(r.label).includes(f.fk.name))).toBe(true)
      }
      if (mermaidParse) expect((await mermaidParse(text)).diagramType).toBe('er')
    }
    parserNote()
  })

  it('sequence the dual write, backfill and cut-over with its abort path', async () => {
    const ctx = shop.contexts.find((c) => c.name === 'orders')!
    const dual = dualWriteSequence(ctx)
    const cut = cutoverSequence(ctx)
    const d = parseSequence(dual)
    const c = parseSequence(cut)
    expect(d.participants.get('p0')).toBe(ctx.owner)
    expect(d.messages.join('\n')).toMatch(/change capture[\s\S]*keyset batches[\s\S]*ON CONFLICT DO NOTHING[\s\S]*checksum/)
    expect(c.messages.join('\n')).toMatch(/lock_timeout[\s\S]*abort[\s\S]*final catch-up[\s\S]*parity[\s\S]*switch[\s\S]*reverse replication[\s\S]*release/)
    expect(cut).toMatch(/alt lock not obtained[\s\S]*else write pause begins[\s\S]*alt parity mismatch[\s\S]*else parity holds/)
    if (mermaidParse) {
      expect((await mermaidParse(dual)).diagramType).toBe('sequence')
      expect((await mermaidParse(cut)).diagramType).toBe('sequence')
    }
    parserNote()
  })
})

describe('hostile names', () => {
  let input: PlanInput
  beforeAll(() => {
    input = hostileInput()
  })

  it('give safe ids and escaped labels in every diagram, and the names survive decoding', async () => {
    const labels: string[] = []
    for (const level of LEVELS) {
      const text = maturityDiagram(input, level)
      const f = parseFlowchart(text)
      labels.push(...f.nodes.values(), ...f.subgraphs.values(), ...f.edges.map((e) => e.label))
      expect(text).not.toContain('<script')
      if (mermaidParse) await mermaidParse(text)
    }
    for (const ctx of input.contexts) {
      const text = contextErDiagram(ctx, input, {incoming: true})
      const er = parseEr(text)
      labels.push(...[...er.entities.values()].map((e) => e.label), ...er.relations.map((r) => r.label))
      for (const seq of [dualWriteSequence(ctx), cutoverSequence(ctx)]) {
        const s = parseSequence(seq)
        labels.push(...s.participants.values())
        if (mermaidParse) await mermaidParse(seq)
      }
      if (mermaidParse) await mermaidParse(text)
    }
    const shown = labels.map(decode).join('\n')
    const visible = (name: string) => name.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    for (const name of Object.values(T)) expect(shown, name).toContain(visible(name))
    for (const owner of ['svc "x"; <b>bold</b>', 'pipe|svc', 'evil|svc <x>']) expect(shown).toContain(owner)
    expect(shown).toContain('graph "fk"; end')
    parserNote()
  })

  it('are Markdown-escaped in the ownership documents and event catalogs', () => {
    for (const ctx of input.contexts) {
      for (const md of [ownershipDocument(ctx, input), eventCatalog(ctx, input)]) {
        // Code spans render their content as text; everywhere else no tag may survive.
        const prose = md.split('\n').map((l) => l.replace(/(`+)[\s\S]*?\1/g, ''))
        expect(prose.filter((l) => /<(script|b|img)\b/.test(l))).toEqual([])
        expect(prose.join('\n')).not.toContain('{{')
        expect(checkMarkdownTables(md)).toBeGreaterThan(0)
        // Headings are Carve's alone: a name never starts a line of its own.
        for (const line of md.split('\n').filter((l) => l.startsWith('#'))) expect(line).toMatch(/^#{1,3} [^#]/)
      }
    }
    const end = ownershipDocument(input.contexts[0]!, input)
    expect(end).toContain(markdownText(T.pipe))
    expect(end).toContain('pipe\\|table')
    expect(end).toContain('Line one \\# not a heading \\| pipe &lt;script&gt;')
    // The exception on `graph` (a table of context end) is listed with its approver, expiry and exit plan.
    expect(end).toContain(`| evil\\|svc &lt;x&gt; | graph | write | ana\\|"b" | 2027-03-31 | stop writing \\| now &lt;b&gt; |`)
    expect(end).toMatch(/## Exit plan for exceptions\n\n- evil\\\|svc &lt;x&gt; → graph \(write, approved by ana\\\|"b", expires 2027-03-31\): stop writing \\\| now &lt;b&gt;/)
    const cls = ownershipDocument(input.contexts[2]!, input)
    // A table called {{owner}} is text, not a template field filled twice.
    expect(cls).toContain('\\{\\{owner\\}\\}')
    expect(cls).toContain('\\*bold\\*\\_x\\_')
    const graph = ownershipDocument(input.contexts[1]!, input)
    expect(graph).toContain('new line')
    expect(graph).toMatch(/### &quot;quoted&quot;|### "quoted"/)
    expect(graph).toContain('tenant\\|id')
  })

  it('markdownText, inlineCode and fenced escape what would break a page', () => {
    expect(markdownText('a|b*c_d`e<f>\ng&h[i](j)~k#l$m\\n')).toBe('a\\|b\\*c\\_d\\`e&lt;f&gt; g&amp;h\\[i\\](j)\\~k\\#l\\$m\\\\n')
    expect(markdownText('1. not a list')).toBe('1\\. not a list')
    expect(markdownText('- not an item')).toBe('\\- not an item')
    expect(markdownText('tab\there\u0000')).toBe('tab here\ufffd')
    expect(inlineCode('a`b')).toBe('``a`b``')
    expect(inlineCode('`x|y`', true)).toBe('`` `x\\|y` ``')
    expect(fenced('```\ncode\n````', 'sql')).toBe('`````sql\n```\ncode\n````\n`````')
  })

  it('renderTemplate fills fields once and refuses a field without a value', () => {
    expect(renderTemplate('{{a}} and {{ b }}', {a: '{{b}}', b: 'B'})).toBe('{{b}} and B')
    expect(() => renderTemplate('{{missing}}', {})).toThrow(/missing/)
  })
})

describe('ownership documents and event catalogs (shop)', () => {
  it('have every field of the minimum ownership document, in order', () => {
    for (const ctx of shop.contexts) {
      const md = ownershipDocument(ctx, shop)
      const headings = md.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3))
      expect(headings).toEqual(MINIMUM_FIELDS)
      expect(md.startsWith(`# Ownership: ${markdownText(ctx.name)}\n`)).toBe(true)
      checkMarkdownTables(md)
      for (const t of ctx.tables) expect(md).toContain(`| ${markdownText(t.table.name)} | ${t.classification} |`)
      // Every consumer seen in the workload is listed, and the owner's role.
      for (const consumer of new Set(ctx.consumers.map((c) => c.consumer))) expect(md).toContain(`| ${markdownText(consumer)} |`)
      expect(md).toContain(markdownText(ctx.role))
    }
  })

  it('derive the API paths from the table names in kebab-case', () => {
    expect(resourcePath('order_lines')).toBe('/order-lines')
    const orders = ownershipDocument(shop.contexts.find((c) => c.name === 'orders')!, shop)
    expect(orders).toContain('`POST /order-lines`')
    expect(orders).toContain('`GET /order-lines/{id}`')
    const live = shop.contexts.find((c) => c.name === 'orders')!.tables.filter((t) => t.classification !== 'deprecated')
    expect(orders.match(/^\| `GET \/[a-z-]+` \|/gm)).toHaveLength(live.length)
  })

  it('state the SCD2 rules of user_attributes from its catalog facts', () => {
    const ums = shop.contexts.find((c) => c.tables.some((t) => t.table.name === 'user_attributes'))!
    const table = ums.tables.find((t) => t.table.name === 'user_attributes')!.table
    const {from, to} = table.flags.scd2!
    const open = table.indexes.find((i) => i.predicate?.includes(to))!
    expect(open).toBeDefined()
    const md = ownershipDocument(ums, shop)
    const section = md.slice(md.indexOf('## SCD2 / effective-dating rules'), md.indexOf('## Migration owner'))
    expect(section).toContain('### user\\_attributes')
    expect(section).toContain(`Valid from ${markdownText(from)}, valid to ${markdownText(to)}`)
    expect(section).toContain(`key ${open.columns.filter((c) => c !== to && c !== from).map(markdownText).join(', ')};`)
    expect(section).toContain(`open row: \`${open.predicate}\``)
    expect(section).toContain('`PATCH /user-attributes`')
    expect(section).toContain('`GET /user-attributes/live`')
    expect(section).toContain(`GROUP BY ${open.columns.filter((c) => c !== to).map((c) => `"${c}"`).join(', ')}`)
    // A context without effective-dated tables says so.
    const plain = shop.contexts.find((c) => c.tables.every((t) => !t.table.flags.scd2))!
    expect(ownershipDocument(plain, shop)).toContain('No effective-dated (SCD2) tables in this context.')
  })

  it('list approved exceptions with their expiry and exit plan', () => {
    const access = shop.contexts.flatMap((c) => c.consumers).find((a) => a.writes > 0)!
    const boundaries = {
      ...shop.boundaries,
      exceptions: [{consumer: access.consumer, table: access.table, access: 'write' as const, approved_by: 'ana@example.com', expires: '2027-03-31', exit_plan: 'move to the write API'}],
    }
    const input = resolvePlanInput(shop.catalog, boundaries, shop.workload, {name: 'shop'})
    const ctx = input.contexts.find((c) => c.name === access.context)!
    const md = ownershipDocument(ctx, input)
    expect(md).toContain(`| ${markdownText(access.consumer)} | ${markdownText(access.table)} | write | ana@example.com | 2027-03-31 | move to the write API |`)
    expect(md).toContain(`- ${markdownText(access.consumer)} → ${markdownText(access.table)} (write, approved by ana@example.com, expires 2027-03-31): move to the write API`)
    expect(md).toContain(`exception: write ${markdownText(access.table)} until 2027-03-31`)
    // The approved writer is amber up to level 4 and gone at level 5.
    const f4 = parseFlowchart(maturityDiagram(input, 4))
    expect([...edgesStyled(f4, AMBER)].map((i) => decode(f4.edges[i]!.label))).toContainEqual(expect.stringMatching(/^exception: .*writes 1 table until 2027-03-31$/))
    expect(edgesStyled(parseFlowchart(maturityDiagram(input, 5)), AMBER).size).toBe(0)
  })

  it('catalog one event per live table and change kind, keyed by the primary key', () => {
    for (const ctx of shop.contexts) {
      const md = eventCatalog(ctx, shop)
      checkMarkdownTables(md)
      const live = ctx.tables.filter((t) => t.classification !== 'deprecated')
      const events = [...md.matchAll(/`([^`<]+\.(?:created|updated|deleted))`/g)].map((m) => m[1]!)
      expect(new Set(events)).toEqual(new Set(live.flatMap((t) => ['created', 'updated', 'deleted'].map((e) => `${t.table.name}.${e}`))))
      for (const t of live) {
        const section = md.slice(md.indexOf(`## ${markdownText(t.table.name)}\n`))
        expect(section).toContain(`- Aggregate id: ${t.table.primaryKey.map(markdownText).join(', ')}`)
        for (const c of t.table.columns) expect(section).toContain(`| ${markdownText(c.name)} | ${markdownText(c.type)} |`)
      }
      for (const t of ctx.tables.filter((x) => x.classification === 'deprecated')) expect(md).not.toContain(`## ${markdownText(t.table.name)}\n`)
    }
  })

  it('are deterministic: the same inputs give the same bytes', () => {
    const again = resolvePlanInput(structuredClone(shop.catalog), structuredClone(shop.boundaries), structuredClone(shop.workload), {name: 'shop'})
    for (const [i, ctx] of shop.contexts.entries()) {
      const other = again.contexts[i]!
      expect(ownershipDocument(other, again)).toBe(ownershipDocument(ctx, shop))
      expect(eventCatalog(other, again)).toBe(eventCatalog(ctx, shop))
      expect(contextErDiagram(other, again)).toBe(contextErDiagram(ctx, shop))
      expect(cutoverSequence(other)).toBe(cutoverSequence(ctx))
    }
    for (const level of LEVELS) expect(maturityDiagram(again, level)).toBe(maturityDiagram(shop, level))
  })
})

describe('plan README', () => {
  it('explains how to review and run the plan in at most 300 lines, lists every step, links the diagrams and each context', () => {
    const plan = buildPlan(shop, {generatedBy: 'carve test'})
    const m = plan.manifest
    const diagrams = LEVELS.filter((l) => l <= m.target_level).map((level) => ({level, mermaid: maturityDiagram(shop, level)}))
    const md = planReadme(m, shop, diagrams, plan.notes)
    expect(md.startsWith(`# Migration plan shop for database ${shop.catalog.database.name}\n`)).toBe(true)
    expect(md.split('\n').length).toBeLessThanOrEqual(300)
    for (const command of ['apply', 'status', 'verify', 'rollback']) expect(md).toContain(`carve ${command} plans/shop`)
    // The folder's real place in the repository, not plans/<name>, when it is elsewhere.
    expect(planReadme(m, shop, diagrams, plan.notes, 'db/migrations/split')).toContain('carve apply db/migrations/split')
    checkMarkdownTables(md)
    for (const s of m.steps) {
      const row = md.split('\n').find((l) => l.startsWith(`| [${s.id}](`) || l.startsWith(`| ${s.id} |`))
      expect(row, s.id).toBeDefined()
      expect(row).toContain(`| ${s.kind} | ${s.level.from} → ${s.level.to} |`)
      for (const d of s.depends_on) expect(row).toContain(d)
    }
    // Level diagrams are linked, never embedded: six system-wide diagrams made the README unreadable.
    expect(md).not.toContain('```mermaid')
    // Only the compact overview is: one node per context, edges between coupled contexts.
    const withOverview = planReadme(m, shop, diagrams, plan.notes, 'plans/shop', overviewDiagram(shop))
    const blocks = [...withOverview.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((b) => b[1]!)
    expect(blocks).toHaveLength(1)
    const overview = parseFlowchart(blocks[0]!)
    expect(overview.nodes.size).toBe(m.contexts.length)
    expect(overview.edges.length).toBeGreaterThan(0)
    // orders' FKs into ums are there, and red edges are exactly those carrying writes.
    const name = (nodeId: string) => /<b>([^<]*)<\/b>/.exec(overview.nodes.get(nodeId)!)![1]
    expect(overview.edges.some((e) => name(e.from) === 'orders' && name(e.to) === 'ums' && /\d+ FKs?/.test(e.label))).toBe(true)
    const red = edgesStyled(overview, '#c62828')
    overview.edges.forEach((e, i) => expect(red.has(i), e.label).toBe(/writes/.test(e.label)))
    expect(withOverview.split('\n').length).toBeLessThanOrEqual(300)
    for (const d of diagrams) expect(md).toContain(`(diagrams/level-${d.level}.mmd)`)
    for (const c of m.contexts) {
      for (const doc of ['README.md', 'OWNERSHIP.md', 'events.md', 'api/', 'er.mmd']) expect(md).toContain(`(contexts/${c.name}/${doc})`)
    }
    for (const note of plan.notes) expect(md).toContain(`- ${markdownText(note)}`)
    expect(planReadme(m, shop, diagrams, plan.notes)).toBe(md)
  })

  it('comes with .gitattributes, CODEOWNERS covering every context step, and a page per context with its own diagrams', () => {
    const plan = buildPlan(shop, {generatedBy: 'carve test'})
    const m = plan.manifest
    const docs = planDocuments(shop, m, plan.notes, {location: 'plans/shop', codeownersOrg: 'acme'})
    expect(docs.get('.gitattributes')).toMatch(/^contexts\/\*\/api\/\*\* linguist-generated=true$/m)
    const owners = docs.get('CODEOWNERS')!
    const rules = owners.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' '))
    for (const s of m.steps.filter((x) => x.context)) {
      const ctx = m.contexts.find((c) => c.name === s.context)!
      const folder = `/plans/shop/${s.files.readme!.slice(0, s.files.readme!.lastIndexOf('/') + 1)}`
      // The last matching rule wins in CODEOWNERS: it must name the context's owner.
      const last = rules.filter(([pattern]) => folder.startsWith(pattern!)).at(-1)
      expect(last, `${s.id} owned by ${ctx.owner}`).toEqual([expect.any(String), `@acme/${ctx.owner}`])
    }
    for (const c of m.contexts) {
      expect(rules).toContainEqual([`/plans/shop/contexts/${c.name}/`, `@acme/${c.owner}`])
      const page = docs.get(`contexts/${c.name}/README.md`)!
      checkMarkdownTables(page)
      for (const s of m.steps.filter((x) => x.context === c.name)) expect(page).toContain(`[${s.id}](steps/${s.id}/)`)
      const blocks = [...page.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((b) => b[1]!)
      expect(blocks).toHaveLength(2)
      for (const b of blocks) {
        const f = parseFlowchart(b)
        // One context's page draws that context's data, not the whole database.
        expect([...f.nodes.values()].filter((l) => /^<b>[^<]*<\/b>( tables)?<br\/>\d+ tables?/.test(l)).length).toBe(1)
      }
      // Its links point at files the plan has.
      for (const [, target] of page.matchAll(/\]\(([^)#]+)\)/g)) {
        const path = new URL(target!, `file:///contexts/${c.name}/`).pathname.slice(1)
        expect(docs.has(path) || m.steps.some((s) => path.startsWith(s.files.readme!.slice(0, s.files.readme!.lastIndexOf('/')))), `${c.name}: ${target}`).toBe(true)
      }
    }
    // No split in this plan: no split sequence diagrams nobody links to.
    expect([...docs.keys()].filter((p) => /dual-write|cutover/.test(p))).toEqual([])
  })

  it('puts the steps of a context in its folder, the others in steps/, and every Markdown link of the plan resolves (with and without the split)', () => {
    for (const split of [false, true]) {
      const plan = buildPlan(shop, {generatedBy: 'carve test', split, documents: (i, m, n) => planDocuments(i, m, n)})
      const m = plan.manifest
      expect(m.steps.some((s) => s.context === null)).toBe(true)
      for (const s of m.steps) {
        const folder = s.context === null ? `steps/${s.id}/` : `contexts/${s.context}/steps/${s.id}/`
        for (const file of Object.values(s.files)) expect(file.startsWith(folder), `${s.id}: ${file}`).toBe(true)
      }
      const files = [...plan.files.keys()]
      const exists = (path: string) => plan.files.has(path) || files.some((f) => f.startsWith(`${path.replace(/\/$/, '')}/`))
      let links = 0
      for (const [page, text] of plan.files) {
        if (!page.endsWith('.md')) continue
        for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)\s]*)?\)/g)) {
          if (/^[a-z]+:/i.test(target!)) continue
          const path = posix.normalize(posix.join(posix.dirname(page), decodeURI(target!)))
          expect(!path.startsWith('..') && exists(path), `${page} links ${target} (${path})${split ? ' in the split plan' : ''}`).toBe(true)
          links++
        }
      }
      // Steps link their context's documents, contexts their steps, the README everything.
      expect(links).toBeGreaterThan(m.steps.length * 2)
    }
  })

  it('escapes hostile names in steps, contexts and notes', () => {
    const input = hostileInput()
    const manifest: PlanManifest = planSchema.parse({
      format: 'carve.plan/v1',
      name: 'hostile',
      engine: 'postgres',
      generated_by: 'carve test',
      inputs: {catalog: 'abc', boundaries: 'def', workload: null},
      target_level: 2,
      conventions: {role_prefix: 'carve_', meta_schema: 'carve', outbox_table: 'outbox', reporting_service: 'reporting'},
      contexts: input.contexts.map((c) => ({name: c.name, owner: c.owner, schema: c.schema, role: c.role, tables: c.tables.map((t) => t.key)})),
      steps: [
        {id: '001-document-ownership-end', title: 'x', context: 'end', kind: 'document-ownership', level: {from: 0, to: 1}, locks: [`public.${T.pipe}`, `public.${T.script}`], files: {readme: 'steps/001-document-ownership-end/README.md'}, checksums: {readme: 'a'.repeat(64)}},
      ],
    })
    const md = planReadme(manifest, input, [{level: 0, mermaid: maturityDiagram(input, 0)}], [`table ${T.newline} has | no key <script>`])
    expect(md).not.toMatch(/<script|<b>bold/)
    checkMarkdownTables(md)
    expect(md).toContain('| svc "x"; &lt;b&gt;bold&lt;/b&gt; |')
    expect(md).toContain('public.pipe\\|table, public.&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(md).toContain('- table new line has \\| no key &lt;script&gt;')
    expect(md).toContain('[001-document-ownership-end](steps/001-document-ownership-end/)')
  })
})

describe('SVG rendering', () => {
  const unavailable = renderingUnavailable()
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'carve-render-'))
    if (unavailable) console.warn(`[carve tests] SKIPPING SVG rendering: ${unavailable}`)
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('says what to install, without throwing, when there is no browser', async () => {
    const saved = process.env.CARVE_CHROMIUM
    process.env.CARVE_CHROMIUM = join(dir, 'no-such-chromium')
    try {
      const r = await renderMermaidFiles([{path: 'x.mmd', mermaid: 'flowchart LR\n  a0["x"]\n'}], dir, 'svg')
      expect('unavailable' in r && r.unavailable).toMatch(/no browser at .*no-such-chromium.*apt-get install chromium.*@mermaid-js\/mermaid-cli@11/)
    } finally {
      if (saved === undefined) delete process.env.CARVE_CHROMIUM
      else process.env.CARVE_CHROMIUM = saved
    }
  })

  it.skipIf(unavailable !== null)('renders maturity, ER and sequence diagrams (hostile names included) with one browser', {timeout: 180_000}, async () => {
    const hostile = hostileInput()
    const orders = shop.contexts.find((c) => c.name === 'orders')!
    const files = [
      {path: 'diagrams/level-0.mmd', mermaid: maturityDiagram(shop, 0)},
      {path: 'contexts/orders/er.mmd', mermaid: contextErDiagram(orders, shop)},
      {path: 'contexts/orders/cutover.mmd', mermaid: cutoverSequence(orders)},
      {path: 'hostile/level-4.mmd', mermaid: maturityDiagram(hostile, 4)},
      {path: 'hostile/er.mmd', mermaid: contextErDiagram(hostile.contexts[1]!, hostile, {incoming: true})},
    ]
    const r = await renderMermaidFiles(files, dir, 'svg')
    if ('unavailable' in r) throw new Error(r.unavailable)
    expect(r.rendered).toEqual(files.map((f) => f.path.replace(/\.mmd$/, '.svg')))
    for (const path of r.rendered) {
      const svg = readFileSync(join(dir, path), 'utf8')
      expect(svg.startsWith('<svg'), path).toBe(true)
      expect(svg).not.toContain('Syntax error')
    }
    expect(readFileSync(join(dir, 'contexts/orders/er.svg'), 'utf8')).toContain('orders.order_lines')
    const er = readFileSync(join(dir, 'hostile/er.svg'), 'utf8')
    expect(er).not.toContain('<script')
    expect(er).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(er).toContain('Order Lines; DROP TABLE x')
  })
})

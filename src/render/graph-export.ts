/**
 * The proposal as a graph file for Gephi, yEd, Cytoscape & co: one node per table (context,
 * owner, reference, deprecated, multiWriter), one directed edge per declared FK (`kind: fk`) or
 * inferred reference (`kind: inferred`). GEXF goes through graphology-gexf's writer, with the
 * table keys as node ids; GraphML is written here, because graphology-graphml 0.5 only parses
 * (its package says "parser & writer", its code exports `parse` alone). Also the proposal as JSON with a
 * stable key order. All pure and deterministic (no dates, sorted input, fixed key order).
 */
import {MultiDirectedGraph} from 'graphology'
import {write as writeGexf} from 'graphology-gexf'

import type {Proposal} from '../boundaries/model.js'
import type {Catalog} from '../introspect/model.js'
import {exportModel} from './export-model.js'

export interface TableNodeAttributes {
  label: string
  schema: string
  name: string
  context: string
  /** Empty when the proposal has no owner (no workload). */
  owner: string
  reference: boolean
  deprecated: boolean
  multiWriter: boolean
}

export interface RefEdgeAttributes {
  kind: 'fk' | 'inferred'
  /** FK constraint name; empty for inferred references. */
  name: string
  /** JSON arrays of column names (unambiguous, whatever the names hold). */
  columns: string
  refColumns: string
  crossContext: boolean
  /** Inferred references: high / medium; empty for FKs. */
  confidence: string
}

export type ProposalGraph = MultiDirectedGraph<TableNodeAttributes, RefEdgeAttributes>

/**
 * Characters XML 1.0 cannot hold at all, not even as references: C0 controls but tab, newline
 * and carriage return; lone surrogates; U+FFFE/U+FFFF. Controls become visible `\xNN`.
 */
export function xmlSafe(text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if ((cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) out += '\ufffd'
    else out += ch
  }
  return out
}

/**
 * For XML attribute values and text: markup characters, and whitespace a parser would normalise
 * (tab, newline, CR; NEL and the Unicode line separators, which XML 1.1 parsers such as xmldom
 * turn into spaces) as character references, which no parser normalises.
 */
export function xmlEscape(text: string): string {
  return lineSeparatorRefs(xmlSafe(text).replace(/[&<>"'\t\n\r]/g, (c) => XML_ENTITIES[c]!))
}

function lineSeparatorRefs(xml: string): string {
  return xml.replace(/[\u0085\u2028\u2029]/g, (c) => `&#${c.codePointAt(0)};`)
}
const XML_ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;'}

/** The table graph of a proposal, nodes in key order, edges in reference order (`e0`, `e1`, …). */
export function proposalGraph(proposal: Proposal, catalog: Catalog): ProposalGraph {
  const model = exportModel(proposal, catalog)
  const graph: ProposalGraph = new MultiDirectedGraph({allowSelfLoops: true})
  // Keys are made XML-safe once, here, so ids and edge ends always agree.
  for (const [key, table] of model.tables) {
    const id = xmlSafe(key)
    if (graph.hasNode(id)) continue
    graph.addNode(id, {
      label: id, schema: xmlSafe(table.schema), name: xmlSafe(table.name), context: xmlSafe(model.contextOf.get(key) ?? ''),
      owner: xmlSafe(model.ownerOf.get(key) ?? ''), reference: model.reference.has(key), deprecated: table.flags.deprecated !== null,
      multiWriter: model.multiWriter.has(key),
    })
  }
  let i = 0
  for (const r of model.refs) {
    const from = xmlSafe(r.from)
    const to = xmlSafe(r.to)
    // References to tables outside the catalog (a schema not inspected) have no node to land on.
    if (!graph.hasNode(from) || !graph.hasNode(to)) continue
    graph.addDirectedEdgeWithKey(`e${i++}`, from, to, {
      kind: r.kind, name: xmlSafe(r.name), columns: xmlSafe(JSON.stringify(r.columns)), refColumns: xmlSafe(JSON.stringify(r.refColumns)),
      crossContext: r.crossContext, confidence: r.confidence ?? '',
    })
  }
  return graph
}

const NODE_KEYS: [keyof TableNodeAttributes, 'string' | 'boolean'][] = [
  ['label', 'string'], ['schema', 'string'], ['name', 'string'], ['context', 'string'], ['owner', 'string'],
  ['reference', 'boolean'], ['deprecated', 'boolean'], ['multiWriter', 'boolean'],
]
const EDGE_KEYS: [keyof RefEdgeAttributes, 'string' | 'boolean'][] = [
  ['kind', 'string'], ['name', 'string'], ['columns', 'string'], ['refColumns', 'string'], ['crossContext', 'boolean'], ['confidence', 'string'],
]

/**
 * GraphML (http://graphml.graphdrawing.org/): keys declared up front, every value escaped. Node
 * and edge ids must be NMTOKENs under GraphML's schema (no spaces, quotes, semicolons), so they
 * are positional (`n0`, `e0`) and the table key is the node's `label`.
 */
export function proposalGraphml(proposal: Proposal, catalog: Catalog): string {
  const graph = proposalGraph(proposal, catalog)
  const ids = new Map(graph.nodes().map((node, i) => [node, `n${i}`]))
  const out: string[] = []
  out.push('<?xml version="1.0" encoding="UTF-8"?>')
  out.push('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')
  for (const [name, type] of NODE_KEYS) out.push(`  <key id="node_${name}" for="node" attr.name="${name}" attr.type="${type}"/>`)
  for (const [name, type] of EDGE_KEYS) out.push(`  <key id="edge_${name}" for="edge" attr.name="${name}" attr.type="${type}"/>`)
  out.push('  <graph id="tables" edgedefault="directed">')
  graph.forEachNode((node, attributes) => {
    out.push(`    <node id="${ids.get(node)}">`)
    for (const [name] of NODE_KEYS) {
      const value = attributes[name]
      if (value !== '') out.push(`      <data key="node_${name}">${xmlEscape(String(value))}</data>`)
    }
    out.push('    </node>')
  })
  graph.forEachEdge((edge, attributes, source, target) => {
    out.push(`    <edge id="${edge}" source="${ids.get(source)}" target="${ids.get(target)}">`)
    for (const [name] of EDGE_KEYS) {
      const value = attributes[name]
      if (value !== '') out.push(`      <data key="edge_${name}">${xmlEscape(String(value))}</data>`)
    }
    out.push('    </edge>')
  })
  out.push('  </graph>')
  out.push('</graphml>')
  return out.join('\n') + '\n'
}

/** GEXF 1.3 (Gephi's format) through graphology-gexf's writer. */
export function proposalGexf(proposal: Proposal, catalog: Catalog): string {
  const graph = proposalGraph(proposal, catalog)
  graph.setAttribute('creator', 'carve')
  graph.setAttribute('description', xmlSafe(`Tables of ${catalog.database.name} grouped into ${proposal.contexts.length} proposed contexts`))
  const text = writeGexf(graph, {
    version: '1.3',
    pretty: true,
    formatNode: (key, attributes) => {
      const {label, ...rest} = attributes as TableNodeAttributes
      return {label, attributes: rest}
    },
    formatEdge: (_key, attributes) => {
      const {kind, ...rest} = attributes as RefEdgeAttributes
      return {kind, label: rest.name || undefined, attributes: rest}
    },
  })
  // xml-writer escapes markup but leaves NEL/U+2028/U+2029 raw; they only occur in values.
  const safe = lineSeparatorRefs(text)
  return safe.endsWith('\n') ? safe : safe + '\n'
}

// Where each object's keys go, by path (array indices dropped); unlisted keys follow, sorted.
const KEY_ORDER: Record<string, string[]> = {
  '': ['format', 'resolution', 'resolutionChoice', 'seed', 'modularity', 'contexts', 'referenceTables', 'tables', 'couplings', 'totals'],
  'contexts': ['name', 'owner', 'description', 'tables', 'pinned', 'metrics'],
  'contexts.metrics': ['tables', 'crossFksOut', 'crossFksIn', 'crossJoinCalls', 'crossWriteTransactions', 'foreignWriters'],
  'tables': ['table', 'context', 'reference', 'deprecated', 'scd2', 'tenantScoped', 'writers', 'access'],
  'tables.access': ['consumer', 'access', 'calls'],
  'couplings': ['from', 'to', 'fks', 'joinCalls', 'writeTransactions'],
  'totals': ['crossContextFks', 'crossContextJoinShare', 'crossContextWriteTransactions', 'multiWriterTables'],
}

function ordered(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, path))
  if (value === null || typeof value !== 'object') return value
  const object = value as Record<string, unknown>
  const preferred = KEY_ORDER[path] ?? []
  const keys = [...preferred.filter((k) => k in object), ...Object.keys(object).filter((k) => !preferred.includes(k)).sort()]
  // No prototype: a key named __proto__ stays a key.
  const out = Object.create(null) as Record<string, unknown>
  for (const k of keys) if (object[k] !== undefined) out[k] = ordered(object[k], path ? `${path}.${k}` : k)
  return out
}

/** The proposal as pretty JSON, keys in the model's order whatever order they were set in. */
export function proposalJson(proposal: Proposal): string {
  return JSON.stringify(ordered(proposal, ''), null, 2) + '\n'
}

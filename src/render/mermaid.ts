/**
 * Mermaid diagrams of a proposal: the context map (a flowchart of contexts and their couplings)
 * and one entity-relationship diagram per context. Pure and deterministic: same input, same text.
 *
 * Names come from the database and may hold anything: quotes, semicolons, `end`, `%%{init}%%`,
 * newlines. No name is ever written as a Mermaid identifier: nodes and entities get positional
 * ids (`c0`, `t3`, `x1`) and the names go into quoted labels, where every character outside a
 * small safe set is written as a Mermaid entity code (`#34;`), which Mermaid turns back into the
 * character only in the rendered SVG. Checked against Mermaid 11's own parser.
 */
import type {Coupling, Proposal, ProposedContext} from '../boundaries/model.js'
import {CarveError} from '../errors.js'
import type {Catalog, Column, Table} from '../introspect/model.js'
import {compareText, exportModel, type ExportModel, type ResolvedRef} from './export-model.js'
import {compactNumber, compactPlural, erName, erType, MERMAID_KEYWORDS, mermaidText} from '../util/mermaid-text.js'
import {plural} from '../util/plural.js'

export {compactNumber, compactPlural, erName, erType, MERMAID_KEYWORDS, mermaidText}

export interface ContextMapOptions {
  /** Mermaid refuses diagrams with more than 500 edges by default: keep the heaviest couplings. */
  maxCouplings?: number
  /** How many names a box lists before "+N more". */
  maxListed?: number
}

export interface ContextErOptions {
  /** Also draw FKs from other contexts into this one (their tables as external stubs). */
  incoming?: boolean
}

/** The weight label of a coupling: `3 FK · 1.2k joins · 40 txns`. */
export function couplingLabel(c: Coupling): string {
  const parts: string[] = []
  if (c.fks) parts.push(`${compactNumber(c.fks)} FK`)
  if (c.joinCalls) parts.push(plural(c.joinCalls, 'join', 'joins', compactNumber))
  if (c.writeTransactions) parts.push(plural(c.writeTransactions, 'txn', 'txns', compactNumber))
  return parts.join(' · ')
}

function listed(names: string[], max: number): string {
  const shown = names.slice(0, max).map(mermaidText).join(', ')
  return names.length > max ? `${shown} +${names.length - max} more` : shown
}

const STYLES = [
  '  classDef context fill:#eef4fb,stroke:#4a6fa5,color:#1b2a41',
  '  classDef violation fill:#fdecea,stroke:#c62828,stroke-width:3px,color:#7f0000',
  '  classDef reference fill:#fff8e1,stroke:#b28704,stroke-dasharray:4 3,color:#4e3b00',
  '  classDef retired fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray:4 3,color:#616161',
]

/**
 * The context map: one box per context (name, owner, table count, and what stands in the way),
 * an arrow per coupling labelled with its weight. Couplings with write transactions across the
 * two contexts are thick red (a distributed transaction to be), as are contexts with foreign
 * writers or multi-writer tables. Reference tables get one "shared reference" box.
 */
export function contextMapMermaid(proposal: Proposal, options: ContextMapOptions = {}): string {
  const maxListed = options.maxListed ?? 5
  const maxCouplings = options.maxCouplings ?? 400
  const ids = new Map(proposal.contexts.map((c, i) => [c.name, `c${i}`]))
  const tableContext = new Map<string, ProposedContext>()
  for (const c of proposal.contexts) for (const t of c.tables) tableContext.set(t, c)
  const multiWriter = new Set(proposal.totals.multiWriterTables)
  const deprecated = new Set(proposal.tables.filter((t) => t.deprecated).map((t) => t.table))

  const lines = ['flowchart LR']
  lines.push(`  %% Carve context map: ${proposal.contexts.length} contexts, ${proposal.couplings.length} couplings. Ids are positional; names are in the labels.`)
  const classes: Record<'context' | 'violation' | 'reference' | 'retired', string[]> = {context: [], violation: [], reference: [], retired: []}
  for (const c of proposal.contexts) {
    const id = ids.get(c.name)!
    const label = [`<b>${mermaidText(c.name)}</b>`, `owner: ${c.owner === null ? 'unknown' : mermaidText(c.owner)}`, plural(c.tables.length, 'table', 'tables', compactNumber)]
    const foreign = c.metrics.foreignWriters
    const multi = c.tables.filter((t) => multiWriter.has(t))
    if (foreign.length) label.push(`⚠ foreign writers: ${listed(foreign, maxListed)}`)
    if (multi.length) label.push(`⚠ multi-writer: ${listed(multi, maxListed)}`)
    lines.push(`  ${id}["${label.join('<br/>')}"]`)
    const retired = c.tables.length > 0 && c.tables.every((t) => deprecated.has(t))
    classes[foreign.length || multi.length ? 'violation' : retired ? 'retired' : 'context'].push(id)
  }
  if (proposal.referenceTables.length) {
    const refs = proposal.referenceTables.map((t) => {
      const c = tableContext.get(t)
      return c ? `${mermaidText(t)} · ${mermaidText(c.name)}` : mermaidText(t)
    })
    const shown = refs.slice(0, maxListed * 3)
    if (refs.length > shown.length) shown.push(`+${refs.length - shown.length} more`)
    lines.push(`  r0["<b>shared reference</b><br/>${shown.join('<br/>')}"]`)
    classes.reference.push('r0')
  }

  // Couplings whose contexts are unknown (a hand-edited proposal) are left out, not guessed.
  let couplings = proposal.couplings.filter((c) => ids.has(c.from) && ids.has(c.to) && c.from !== c.to && (c.fks || c.joinCalls || c.writeTransactions))
  couplings.sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to))
  if (couplings.length > maxCouplings) {
    const weight = (c: Coupling) => c.writeTransactions * 1e12 + c.fks * 1e9 + c.joinCalls
    const kept = new Set([...couplings].sort((a, b) => weight(b) - weight(a) || compareText(a.from, b.from) || compareText(a.to, b.to)).slice(0, maxCouplings))
    lines.push(`  %% ${couplings.length - maxCouplings} lighter couplings left out (Mermaid draws at most 500 edges).`)
    couplings = couplings.filter((c) => kept.has(c))
  }
  const red: number[] = []
  couplings.forEach((c, i) => {
    const violation = c.writeTransactions > 0
    if (violation) red.push(i)
    // FKs give a direction (from references to); joins and transactions alone do not.
    const arrow = c.fks ? (violation ? '==>' : '-->') : violation ? '===' : '---'
    lines.push(`  ${ids.get(c.from)} ${arrow}|"${mermaidText(couplingLabel(c))}"| ${ids.get(c.to)}`)
  })

  lines.push(...STYLES)
  for (const [name, members] of Object.entries(classes)) if (members.length) lines.push(`  class ${members.join(',')} ${name}`)
  if (red.length) lines.push(`  linkStyle ${red.join(',')} stroke:#c62828,stroke-width:4px,color:#c62828`)
  return lines.join('\n') + '\n'
}

function attribute(column: Column, table: Table, fkColumns: Set<string>): string {
  const keys: string[] = []
  if (table.primaryKey.includes(column.name)) keys.push('PK')
  if (fkColumns.has(column.name)) keys.push('FK')
  if (table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column.name) && !keys.includes('PK')) keys.push('UK')
  const name = erName(column.name)
  const notes: string[] = []
  if (name !== column.name) notes.push(column.name)
  if (!column.nullable && !keys.includes('PK')) notes.push('not null')
  return `    ${erType(column.type)} ${name}${keys.length ? ` ${keys.join(', ')}` : ''}${notes.length ? ` "${mermaidText(notes.join(' · '))}"` : ''}`
}

/** Cardinality: child side (one or many children per parent) and parent side (required or not). */
function relationship(ref: ResolvedRef, childId: string, parentId: string, label: string): string {
  const child = ref.unique ? '|o' : '}o'
  const parent = ref.optional ? 'o|' : '||'
  return `  ${childId} ${child}${ref.kind === 'fk' ? '--' : '..'}${parent} ${parentId} : "${mermaidText(label)}"`
}

/**
 * One context's tables as a Mermaid erDiagram: columns with single-word types and PK/FK/UK
 * markers, FKs inside the context as relationships, and FKs leaving it drawn to stub entities
 * labelled `external · <context> · <table>` (with just the referenced columns). Inferred
 * references are dotted.
 */
export function contextErMermaid(proposal: Proposal, catalog: Catalog, contextName: string, options: ContextErOptions = {}): string {
  const context = proposal.contexts.find((c) => c.name === contextName)
  if (!context) {
    throw new CarveError('context.unknown', `No context named "${contextName}" in the proposal.`, {
      hint: `Contexts: ${proposal.contexts.map((c) => c.name).join(', ') || '(none)'}`,
    })
  }
  const model = exportModel(proposal, catalog)
  return erDiagram(model, context, options)
}

function erDiagram(model: ExportModel, context: ProposedContext, options: ContextErOptions): string {
  const own = [...context.tables].filter((t) => model.tables.has(t)).sort(compareText)
  const ids = new Map(own.map((t, i) => [t, `t${i}`]))
  const refs = model.refs.filter((r) => (ids.has(r.from) || (options.incoming && ids.has(r.to))))
  const external = new Map<string, {id: string; columns: Set<string>}>()
  for (const r of refs) {
    const [outside, cols] = ids.has(r.from) ? [r.to, r.refColumns] : [r.from, r.columns]
    if (ids.has(outside)) continue
    if (!external.has(outside)) external.set(outside, {id: '', columns: new Set()})
    for (const c of cols) external.get(outside)!.columns.add(c)
  }
  const externalKeys = [...external.keys()].sort(compareText)
  externalKeys.forEach((k, i) => (external.get(k)!.id = `x${i}`))
  const idOf = (key: string) => ids.get(key) ?? external.get(key)!.id

  const lines = ['erDiagram']
  lines.push(`  %% Context ${mermaidText(context.name)}: ${own.length} tables, ${externalKeys.length} external. Ids are positional; names are in the aliases.`)
  for (const key of own) {
    const table = model.tables.get(key)!
    const fkColumns = new Set(table.foreignKeys.flatMap((fk) => fk.columns))
    const flags = [model.reference.has(key) ? 'reference' : '', model.multiWriter.has(key) ? 'multi-writer' : '', table.flags.deprecated ? 'deprecated' : '']
      .filter(Boolean)
    const label = flags.length ? `${key} (${flags.join(', ')})` : key
    const columns = [...table.columns].sort((a, b) => a.position - b.position)
    if (columns.length === 0) {
      lines.push(`  ${ids.get(key)}["${mermaidText(label)}"]`)
      continue
    }
    lines.push(`  ${ids.get(key)}["${mermaidText(label)}"] {`)
    for (const c of columns) lines.push(attribute(c, table, fkColumns))
    lines.push('  }')
  }
  for (const key of externalKeys) {
    const {id, columns} = external.get(key)!
    const table = model.tables.get(key)
    const where = model.contextOf.get(key) ?? 'not inspected'
    const label = `external · ${where} · ${key}`
    const cols = table ? table.columns.filter((c) => columns.has(c.name)).sort((a, b) => a.position - b.position) : []
    if (!table || cols.length === 0) {
      lines.push(`  ${id}["${mermaidText(label)}"]`)
      continue
    }
    lines.push(`  ${id}["${mermaidText(label)}"] {`)
    for (const c of cols) lines.push(attribute(c, table, new Set()))
    lines.push('  }')
  }
  for (const r of refs) {
    const cols = r.columns.length > 1 || r.columns.join() !== r.refColumns.join() ? ` (${r.columns.join(', ')} → ${r.refColumns.join(', ')})` : ''
    const label = r.kind === 'fk' ? `${r.name}${cols}` : `inferred${cols || ` (${r.columns.join(', ')})`}`
    lines.push(relationship(r, idOf(r.from), idOf(r.to), label))
  }
  return lines.join('\n') + '\n'
}

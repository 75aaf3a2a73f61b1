/**
 * The proposal as DBML (dbdiagram.io, dbdocs, @dbml/core): every table with its columns, keys and
 * comments, every declared FK as a `Ref`, and one `TableGroup` per proposed context. Pure and
 * deterministic. Identifiers are always double-quoted and escaped, so any name survives.
 *
 * DBML's own rules, checked against @dbml/core's parser: a table needs at least one column, an
 * enum at least one value, a table sits in at most one group, a Ref must name existing columns,
 * and two Refs between the same columns (either direction) are an error. What DBML cannot say is
 * written as `//` comments instead: column-less tables, inferred references, duplicate FKs.
 */
import type {Proposal} from '../boundaries/model.js'
import type {Engine} from '../db/engine.js'
import type {Catalog, Column, Table} from '../introspect/model.js'
import {compareText, exportModel, type ResolvedRef} from './export-model.js'

/** Escapes for DBML's quoted strings and identifiers: backslash escapes, \uXXXX for controls. */
function escape(text: string, quote: '"' | "'"): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff)) out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return out
}

/** DBML's name for each engine (`Project { database_type }`). */
const DBML_DATABASE_TYPE: Readonly<Record<Engine, string>> = {postgres: 'PostgreSQL', mysql: 'MySQL'}

/** A double-quoted DBML identifier: `"Order Lines"`, `"say \"hi\""`. */
export function dbmlIdent(name: string): string {
  return `"${escape(name, '"')}"`
}

/** A single-quoted DBML string. */
export function dbmlString(text: string): string {
  return `'${escape(text, "'")}'`
}

/** Text safe on one `//` comment line. */
function commentText(text: string): string {
  return escape(text, '"')
}

/** A column type: bare when a plain word (`bigint`), else quoted (`"character varying(255)"`). */
export function dbmlType(type: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(type) ? type : dbmlIdent(type)
}

function defaultValue(column: Column): string | null {
  const d = column.default?.trim()
  if (!d) return null
  if (/^-?\d+(\.\d+)?$/.test(d)) return d
  if (/^(true|false|null)$/i.test(d)) return d.toLowerCase()
  const literal = /^'((?:[^']|'')*)'$/.exec(d)
  if (literal) return dbmlString(literal[1]!.replace(/''/g, "'"))
  // Anything else (now(), nextval(...), 'x'::text) is an expression; DBML's has no escape for `.
  return d.includes('`') || /[\r\n]/.test(d) ? null : `\`${d}\``
}

export function proposalDbml(proposal: Proposal, catalog: Catalog): string {
  const model = exportModel(proposal, catalog)
  const tableRef = (t: Table) => (model.keyOf(t.schema, t.name) === t.name ? dbmlIdent(t.name) : `${dbmlIdent(t.schema)}.${dbmlIdent(t.name)}`)
  const written = new Set([...model.tables].filter(([, t]) => t.columns.length > 0).map(([k]) => k))
  const partitions = new Map<string, number>()
  for (const t of catalog.tables) if (t.partitionOf) {
    const parent = model.keyOf(t.partitionOf.schema, t.partitionOf.name)
    partitions.set(parent, (partitions.get(parent) ?? 0) + 1)
  }

  const out: string[] = []
  out.push(`// Carve proposal for ${commentText(catalog.database.name)} (${catalog.database.flavor} ${commentText(catalog.database.serverVersion)}): ${proposal.contexts.length} contexts, one TableGroup each.`)
  out.push('// Generated: edit the boundaries file, not this.')
  out.push('')
  out.push(`Project ${dbmlIdent(catalog.database.name)} {`)
  out.push(`  database_type: '${DBML_DATABASE_TYPE[catalog.database.engine]}'`)
  out.push(`  Note: ${dbmlString(`Bounded contexts proposed by Carve (modularity ${proposal.modularity}, resolution ${proposal.resolution}).`)}`)
  out.push('}')

  const enums = [...catalog.enums].sort((a, b) => compareText(model.keyOf(a.schema, a.name), model.keyOf(b.schema, b.name)))
  for (const e of enums) {
    const values = [...new Set(e.values)]
    if (!values.length) continue
    const name = model.keyOf(e.schema, e.name) === e.name ? dbmlIdent(e.name) : `${dbmlIdent(e.schema)}.${dbmlIdent(e.name)}`
    out.push('', `Enum ${name} {`, ...values.map((v) => `  ${dbmlIdent(v)}`), '}')
  }

  for (const [key, table] of model.tables) {
    if (!written.has(key)) {
      out.push('', `// Table ${commentText(key)} has no columns, which DBML cannot express.`)
      continue
    }
    out.push('', `Table ${tableRef(table)} {`)
    const singlePk = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined
    const singleUnique = new Set(table.uniques.filter((u) => u.columns.length === 1).map((u) => u.columns[0]!))
    for (const c of [...table.columns].sort((a, b) => a.position - b.position)) {
      const settings: string[] = []
      if (c.name === singlePk) settings.push('pk')
      if (c.identity) settings.push('increment')
      if (!c.nullable && c.name !== singlePk) settings.push('not null')
      if (singleUnique.has(c.name) && c.name !== singlePk) settings.push('unique')
      const def = c.generated ? null : defaultValue(c)
      if (def !== null) settings.push(`default: ${def}`)
      const notes = [c.comment ?? '', c.generated ? `generated: ${c.generated}` : ''].filter(Boolean)
      if (notes.length) settings.push(`note: ${dbmlString(notes.join('\n'))}`)
      out.push(`  ${dbmlIdent(c.name)} ${dbmlType(c.type)}${settings.length ? ` [${settings.join(', ')}]` : ''}`)
    }
    const indexes: string[] = []
    if (table.primaryKey.length > 1) indexes.push(`    (${table.primaryKey.map(dbmlIdent).join(', ')}) [pk]`)
    for (const u of [...table.uniques].sort((a, b) => compareText(a.name, b.name))) {
      if (u.columns.length > 1) indexes.push(`    (${u.columns.map(dbmlIdent).join(', ')}) [unique, name: ${dbmlString(u.name)}]`)
    }
    if (indexes.length) out.push('', '  indexes {', ...indexes, '  }')

    const report = model.reports.get(key)
    const facts = [
      `Context: ${model.contextOf.get(key) ?? '(none)'}${model.ownerOf.get(key) ? `, owner ${model.ownerOf.get(key)}` : ''}.`,
      model.reference.has(key) ? 'Shared reference data.' : '',
      model.multiWriter.has(key) && report ? `Multi-writer: ${report.writers.join(', ')}.` : '',
      table.flags.deprecated ? `Deprecated: ${table.flags.deprecated}.` : '',
      table.partitioning ? `Partitioned by ${table.partitioning.strategy} (${table.partitioning.key}), ${partitions.get(key) ?? 0} partitions.` : '',
    ].filter(Boolean)
    const note = [table.comment ?? '', facts.join(' ')].filter(Boolean).join('\n\n')
    out.push('', `  Note: ${dbmlString(note)}`)
    out.push('}')
  }

  // Declared FKs as Refs, at most one per pair of column lists; what DBML would reject as comments.
  const refLines: string[] = []
  const seen = new Set<string>()
  const endpoint = (table: Table, columns: string[]) =>
    columns.length === 1 ? `${tableRef(table)}.${dbmlIdent(columns[0]!)}` : `${tableRef(table)}.(${columns.map(dbmlIdent).join(', ')})`
  const describe = (r: ResolvedRef) => `${r.from} (${r.columns.join(', ')}) → ${r.to} (${r.refColumns.join(', ')})`
  for (const r of model.refs) {
    const from = model.tables.get(r.from)
    const to = model.tables.get(r.to)
    const valid = from && to && written.has(r.from) && written.has(r.to) && r.columns.length > 0 && r.columns.length === r.refColumns.length &&
      r.columns.every((c) => from.columns.some((x) => x.name === c)) && r.refColumns.every((c) => to.columns.some((x) => x.name === c))
    if (r.kind === 'inferred') {
      refLines.push(`// inferred (${r.confidence}): ${commentText(describe(r))}`)
      continue
    }
    if (valid && r.from === r.to && r.columns.join('\u0000') === r.refColumns.join('\u0000')) {
      refLines.push(`// FK ${commentText(r.name)} references its own columns: ${commentText(describe(r))}`)
      continue
    }
    if (!valid) {
      refLines.push(`// FK ${commentText(r.name)}: ${commentText(describe(r))} (a table or column is not in this file)`)
      continue
    }
    const a = `${r.from}\u0000${r.columns.join('\u0001')}`
    const b = `${r.to}\u0000${r.refColumns.join('\u0001')}`
    const pair = a < b ? `${a}\u0002${b}` : `${b}\u0002${a}`
    if (seen.has(pair)) {
      refLines.push(`// FK ${commentText(r.name)} duplicates an FK above: ${commentText(describe(r))}`)
      continue
    }
    seen.add(pair)
    const settings = [
      r.onDelete && r.onDelete !== 'no action' ? `delete: ${r.onDelete}` : '',
      r.onUpdate && r.onUpdate !== 'no action' ? `update: ${r.onUpdate}` : '',
    ].filter(Boolean)
    refLines.push(`Ref ${dbmlIdent(r.name)}: ${endpoint(from, r.columns)} > ${endpoint(to, r.refColumns)}${settings.length ? ` [${settings.join(', ')}]` : ''}`)
  }
  if (refLines.length) out.push('', ...refLines)

  const grouped = new Set<string>()
  for (const c of proposal.contexts) {
    const members = [...c.tables].filter((t) => written.has(t) && !grouped.has(t)).sort(compareText)
    for (const t of members) grouped.add(t)
    // No Note inside the group: the older DBML parser (@dbml/core's 'dbml') rejects one there.
    out.push('', `// Context ${commentText(c.name)}: owner ${commentText(c.owner ?? 'unknown')}, ${c.tables.length} tables.`)
    out.push(`TableGroup ${dbmlIdent(c.name)} {`)
    for (const t of members) out.push(`  ${tableRef(model.tables.get(t)!)}`)
    out.push('}')
  }
  return out.join('\n') + '\n'
}

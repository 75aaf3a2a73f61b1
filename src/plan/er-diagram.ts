/**
 * The ER diagram of one context: its tables with their columns and the foreign keys between
 * them and across its edge (Mermaid erDiagram). Pure.
 *
 * Names come from the database and may hold anything (`end`, `graph`, quotes, `<script>`,
 * semicolons, newlines). No name is ever a Mermaid identifier: every node, subgraph, entity and
 * participant gets a generated id (`sv0`, `dt3`, `p1`), and names go into quoted labels through
 * `mermaidText`, which writes every unsafe character as a Mermaid entity code.
 */
import {tableKeyer} from '../graph/build.js'
import type {Column, Table} from '../introspect/model.js'
import {erName, erType, mermaidText} from '../util/mermaid-text.js'
import {cmp, type ContextSpec, type PlanInput} from './context.js'

function attribute(column: Column, table: Table, fkColumns: Set<string>): string {
  const keys: string[] = []
  if (table.primaryKey.includes(column.name)) keys.push('PK')
  if (fkColumns.has(column.name)) keys.push('FK')
  if (!keys.includes('PK') && table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column.name)) keys.push('UK')
  const name = erName(column.name)
  const notes: string[] = []
  if (name !== column.name) notes.push(column.name)
  if (table.flags.tenantColumn === column.name) notes.push('tenant')
  if (table.flags.scd2?.from === column.name) notes.push('valid from')
  if (table.flags.scd2?.to === column.name) notes.push('valid to')
  if (!column.nullable && !keys.includes('PK')) notes.push('not null')
  return `    ${erType(column.type)} ${name}${keys.length ? ` ${keys.join(', ')}` : ''}${notes.length ? ` "${mermaidText(notes.join(' · '))}"` : ''}`
}

/**
 * The context's owned tables with their columns (single-word types, PK/FK/UK markers), the FKs
 * between them, and every FK crossing the context's edge drawn to a stub entity labelled
 * `foreign · <context> · <table>` holding only the referenced columns. FKs from other contexts
 * into this one are left out unless asked for (`incoming`): a context everybody references (users)
 * would be drawn as a row of dozens of stubs; the ownership document lists them.
 */
export function contextErDiagram(ctx: ContextSpec, input: PlanInput, options: {incoming?: boolean} = {}): string {
  const keyOf = tableKeyer(input.catalog)
  const own = [...ctx.tables].sort((a, b) => cmp(a.key, b.key))
  const ids = new Map(own.map((t, i) => [t.key, `t${i}`]))
  const byKey = new Map(input.catalog.tables.map((t) => [keyOf(t.schema, t.name), t]))

  interface Rel {
    from: string
    to: string
    columns: string[]
    refColumns: string[]
    name: string
    child: Table
  }
  const rels: Rel[] = []
  const stubs = new Map<string, {columns: Set<string>; table: Table | undefined}>()
  const stub = (key: string, columns: string[]): void => {
    if (!stubs.has(key)) stubs.set(key, {columns: new Set(), table: byKey.get(key)})
    for (const c of columns) stubs.get(key)!.columns.add(c)
  }
  for (const t of own) {
    for (const fk of t.table.foreignKeys) {
      const target = keyOf(fk.refSchema, fk.refTable)
      if (!ids.has(target)) stub(target, fk.refColumns)
      rels.push({from: t.key, to: target, columns: fk.columns, refColumns: fk.refColumns, name: fk.name, child: t.table})
    }
  }
  for (const f of options.incoming ? ctx.fksIn : []) {
    const from = keyOf(f.from.table.schema, f.from.table.name)
    if (ids.has(from)) continue
    stub(from, f.fk.columns)
    rels.push({from, to: keyOf(f.to.table.schema, f.to.table.name), columns: f.fk.columns, refColumns: f.fk.refColumns, name: f.fk.name, child: f.from.table})
  }
  const stubKeys = [...stubs.keys()].sort(cmp)
  const stubIds = new Map(stubKeys.map((k, i) => [k, `x${i}`]))
  const idOf = (key: string): string => ids.get(key) ?? stubIds.get(key)!

  const lines = ['erDiagram']
  lines.push(`  %% Context ${mermaidText(ctx.name)} (owner ${mermaidText(ctx.owner)}): ${own.length} tables, ${stubKeys.length} foreign. Ids are generated; names are in the aliases.`)
  if (!options.incoming && ctx.fksIn.length) lines.push(`  %% ${ctx.fksIn.length} FKs from other contexts point into this one: see OWNERSHIP.md.`)
  for (const t of own) {
    const flags = [
      t.classification !== 'owned' ? t.classification : '',
      t.table.flags.scd2 ? 'effective-dated' : '',
      t.table.flags.tenantColumn ? 'tenant-scoped' : '',
    ].filter(Boolean)
    const label = `${ctx.schema}.${t.table.name}${flags.length ? ` (${flags.join(', ')})` : ''}`
    const columns = [...t.table.columns].sort((a, b) => a.position - b.position)
    if (columns.length === 0) {
      lines.push(`  ${ids.get(t.key)}["${mermaidText(label)}"]`)
      continue
    }
    const fkColumns = new Set(t.table.foreignKeys.flatMap((fk) => fk.columns))
    lines.push(`  ${ids.get(t.key)}["${mermaidText(label)}"] {`)
    for (const c of columns) lines.push(attribute(c, t.table, fkColumns))
    lines.push('  }')
  }
  for (const key of stubKeys) {
    const {columns, table} = stubs.get(key)!
    const where = input.contextOf.get(key) ?? 'no context'
    const label = `foreign · ${where} · ${key}`
    const cols = table ? table.columns.filter((c) => columns.has(c.name)).sort((a, b) => a.position - b.position) : []
    if (!table || cols.length === 0) {
      lines.push(`  ${stubIds.get(key)}["${mermaidText(label)}"]`)
      continue
    }
    lines.push(`  ${stubIds.get(key)}["${mermaidText(label)}"] {`)
    for (const c of cols) lines.push(attribute(c, table, new Set()))
    lines.push('  }')
  }
  for (const r of rels.sort((a, b) => cmp(a.from, b.from) || cmp(a.name, b.name) || cmp(a.to, b.to))) {
    const unique =
      r.columns.length > 0 &&
      ((r.child.primaryKey.length === r.columns.length && r.child.primaryKey.every((c) => r.columns.includes(c))) ||
        r.child.uniques.some((u) => u.columns.length === r.columns.length && u.columns.every((c) => r.columns.includes(c))))
    const optional = r.columns.some((c) => r.child.columns.find((x) => x.name === c)?.nullable ?? true)
    const cross = !(ids.has(r.from) && ids.has(r.to))
    const cols = r.columns.length > 1 || r.columns.join() !== r.refColumns.join() ? ` (${r.columns.join(', ')} → ${r.refColumns.join(', ')})` : ''
    const label = `${cross ? 'cross-context FK ' : ''}${r.name}${cols}`
    lines.push(`  ${idOf(r.from)} ${unique ? '|o' : '}o'}--${optional ? 'o|' : '||'} ${idOf(r.to)} : "${mermaidText(label)}"`)
  }
  return lines.join('\n') + '\n'
}

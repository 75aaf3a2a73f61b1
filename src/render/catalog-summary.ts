/**
 * The human-readable summary `carve inspect` prints: what is in the database, how big, how
 * connected, and the facts that matter for splitting it. Pure: catalog in, lines out.
 */
import ansis from 'ansis'

import {type Catalog, qualifiedName, type RelationRef, type Table} from '../introspect/model.js'
import {formatBytes, formatCount, safeText, table as textTable} from './text.js'

export interface SummaryOptions {
  /** How many tables to list (largest first); 0 lists all. */
  limit: number
}

export function catalogSummary(catalog: Catalog, options: SummaryOptions): string {
  const {database, tables, views} = catalog
  const fkCount = tables.reduce((n, t) => n + t.foreignKeys.length, 0)
  const indexCount = tables.reduce((n, t) => n + t.indexes.length, 0)
  const triggerCount = tables.reduce((n, t) => n + t.triggers.length, 0)
  const totalRows = tables.reduce((n, t) => n + (t.estimatedRows ?? 0), 0)
  const totalBytes = tables.reduce((n, t) => n + (t.partitionOf ? 0 : t.sizeBytes ?? 0), 0)
  const multiSchema = catalog.schemas.length > 1
  const name = (t: RelationRef) => safeText(multiSchema ? qualifiedName(t) : t.name)

  const incoming = new Map<string, number>()
  for (const t of tables) for (const fk of t.foreignKeys) {
    const k = `${fk.refSchema}.${fk.refTable}`
    incoming.set(k, (incoming.get(k) ?? 0) + 1)
  }

  const out: string[] = []
  out.push(ansis.bold(`${database.name}`) + ansis.dim(` — ${database.flavor} ${database.serverVersion}, schema${catalog.schemas.length === 1 ? '' : 's'} ${catalog.schemas.join(', ')}`))
  out.push(
    `${formatCount(tables.length)} tables (${formatCount(totalRows)} rows est., ${formatBytes(totalBytes)}), ` +
      `${views.length} views, ${catalog.functions.length} functions, ${catalog.sequences.length} sequences, ${catalog.enums.length} enums`,
  )
  out.push(
    `${formatCount(fkCount)} foreign keys, ${formatCount(catalog.inferredReferences.length)} inferred references, ` +
      `${formatCount(indexCount)} indexes, ${triggerCount} triggers` +
      ansis.dim(`  (read with ${catalog.stats.catalogQueries} catalog queries in ${catalog.stats.elapsedMs} ms)`),
  )

  const sorted = [...tables].sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0) || (b.estimatedRows ?? 0) - (a.estimatedRows ?? 0) || name(a).localeCompare(name(b)))
  const shown = options.limit > 0 ? sorted.slice(0, options.limit) : sorted
  out.push('')
  out.push(ansis.bold(`Tables`) + (shown.length < sorted.length ? ansis.dim(` (largest ${shown.length} of ${sorted.length}; --limit 0 lists all)`) : ''))
  out.push(
    textTable(
      ['table', 'rows', 'size', 'cols', 'FK out', 'FK in', 'flags'],
      shown.map((t) => [
        name(t),
        t.estimatedRows === null ? '?' : formatCount(t.estimatedRows),
        t.sizeBytes === null ? '?' : formatBytes(t.sizeBytes),
        String(t.columns.length),
        String(t.foreignKeys.length),
        String(incoming.get(qualifiedName(t)) ?? 0),
        flagText(t),
      ]),
      {align: ['left', 'right', 'right', 'right', 'right', 'right', 'left']},
    ),
  )

  const scd2 = tables.filter((t) => t.flags.scd2)
  const tenant = tables.filter((t) => t.flags.tenantColumn)
  const deprecated = tables.filter((t) => t.flags.deprecated)
  const noPk = tables.filter((t) => t.primaryKey.length === 0 && t.kind === 'table' && !t.partitionOf)
  out.push('')
  out.push(ansis.bold('Facts for the split'))
  out.push(`  effective-dated (SCD2): ${list(scd2.map((t) => `${name(t)} (${t.flags.scd2!.from}/${t.flags.scd2!.to})`))}`)
  out.push(`  tenant-scoped:          ${list(tenant.map((t) => name(t)))}`)
  out.push(`  deprecated:             ${list(deprecated.map((t) => name(t)))}`)
  out.push(`  without primary key:    ${list(noPk.map((t) => name(t)))}`)
  const partitioned = tables.filter((t) => t.partitioning)
  if (partitioned.length) out.push(`  partitioned:            ${list(partitioned.map((t) => `${name(t)} (${t.partitioning!.strategy}, ${t.partitioning!.partitions.length} partitions)`))}`)
  if (catalog.inferredReferences.length) {
    out.push('')
    out.push(ansis.bold('References without a foreign key') + ansis.dim(' (inferred from names; the application holds them)'))
    for (const r of catalog.inferredReferences.slice(0, options.limit > 0 ? options.limit : undefined)) {
      out.push(`  ${name(r.from)}.${r.from.columns.join(',')} → ${name(r.to)}.${r.to.columns.join(',')}` + ansis.dim(` [${r.confidence}]`))
    }
    if (options.limit > 0 && catalog.inferredReferences.length > options.limit) out.push(ansis.dim(`  … ${catalog.inferredReferences.length - options.limit} more`))
  }
  if (views.length) {
    out.push('')
    out.push(ansis.bold('Views'))
    for (const v of views.slice(0, options.limit > 0 ? options.limit : undefined)) {
      out.push(`  ${name(v)}${v.materialized ? ' (materialized)' : ''} ← ${list(v.dependsOn.map((d) => name(d)))}`)
    }
  }
  return out.join('\n')
}

function flagText(t: Table): string {
  const flags: string[] = []
  if (t.flags.scd2) flags.push('scd2')
  if (t.flags.tenantColumn) flags.push('tenant')
  if (t.flags.deprecated) flags.push('deprecated')
  if (t.partitioning) flags.push('partitioned')
  if (t.partitionOf) flags.push(`partition of ${t.partitionOf.name}`)
  if (t.primaryKey.length === 0 && t.kind === 'table' && !t.partitionOf) flags.push('no PK')
  if (t.triggers.length) flags.push(`${t.triggers.length} trigger${t.triggers.length > 1 ? 's' : ''}`)
  return flags.join(', ')
}

function list(items: string[]): string {
  return items.length ? items.join(', ') : ansis.dim('none')
}

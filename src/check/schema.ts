/**
 * Findings from the catalog against carve.yml: tables no context owns, context tables the
 * database no longer has, and foreign keys that cross contexts.
 */
import {tableKeyer} from '../graph/build.js'
import type {Catalog} from '../introspect/model.js'
import {schemaName} from '../plan/context.js'
import type {BoundariesFile} from '../boundaries/file.js'
import type {Draft} from './model.js'
import type {Ownership} from './ownership.js'

/** Schemas Carve itself creates (ledger, ownership registry, retired copies): never a context's. */
const CARVE_SCHEMAS = new Set(['carve', 'carve_retired'])

export function schemaFindings(catalog: Catalog, boundaries: BoundariesFile, own: Ownership): Draft[] {
  const keyOf = tableKeyer(catalog)
  const contextSchemas = new Map(boundaries.contexts.map((c) => [schemaName(c.name), c.name]))
  const tables = catalog.tables.filter((t) => !t.partitionOf && !CARVE_SCHEMAS.has(t.schema))
  const drafts: Draft[] = []
  const present = new Set<string>()
  for (const t of tables) {
    const key = keyOf(t.schema, t.name)
    present.add(own.keyOf(key))
    // A table Carve's plan created in a context's schema (its outbox) belongs to that context.
    if (own.contextOf(key) || contextSchemas.has(t.schema)) continue
    drafts.push({
      rule: 'unowned-table',
      severity: 'warning',
      context: null,
      table: key,
      consumer: null,
      access: null,
      message: `table ${key} is in no context${t.estimatedRows ? ` (about ${t.estimatedRows} rows)` : ''}`,
      evidence: null,
      anchor: {kind: 'file', file: ''},
    })
  }
  for (const c of boundaries.contexts) {
    for (const table of c.tables) {
      if (present.has(table)) continue
      drafts.push({
        rule: 'missing-table',
        severity: 'warning',
        context: c.name,
        table,
        consumer: null,
        access: null,
        message: `context ${c.name} lists ${table}, which is not in the database`,
        evidence: null,
        anchor: {kind: 'table', table},
      })
    }
  }
  for (const t of tables) {
    const from = keyOf(t.schema, t.name)
    const fromContext = own.contextOf(from)
    if (!fromContext) continue
    for (const fk of t.foreignKeys) {
      const to = keyOf(fk.refSchema, fk.refTable)
      const toContext = own.contextOf(to)
      if (!toContext || toContext === fromContext) continue
      // A reference to a code list crosses a context too, but it is the expected kind.
      const reference = own.classification(to) === 'shared-reference'
      drafts.push({
        rule: 'cross-context-fk',
        severity: reference ? 'info' : 'warning',
        context: fromContext,
        table: own.keyOf(from),
        consumer: null,
        access: 'foreign-key',
        subject: fk.name,
        message: `foreign key ${fk.name} on ${own.keyOf(from)} (${fk.columns.join(', ')}) references ${own.keyOf(to)} of context ${toContext}${reference ? ' (shared reference data)' : ''}`,
        evidence: null,
        anchor: {kind: 'table', table: own.keyOf(from)},
      })
    }
  }
  return drafts
}

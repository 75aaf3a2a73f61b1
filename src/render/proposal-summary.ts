/** The readable summary of a proposal of contexts, and of what adopting it would change. */
import ansis from 'ansis'

import type {BoundariesChange} from '../boundaries/file.js'
import type {Proposal} from '../boundaries/model.js'
import {formatCount, safeText, table as textTable} from './text.js'

export function proposalSummary(p: Proposal, options: {tables: boolean} = {tables: true}): string {
  const out: string[] = []
  out.push(
    ansis.bold(`${p.contexts.length} candidate contexts`) +
      ansis.dim(` — modularity ${p.modularity.toFixed(3)}, resolution ${p.resolution} (${p.resolutionChoice}), seed ${p.seed}`),
  )
  out.push(
    `${p.totals.crossContextFks} cross-context foreign keys, ${(p.totals.crossContextJoinShare * 100).toFixed(1)}% of joining executions cross contexts, ` +
      `${formatCount(p.totals.crossContextWriteTransactions)} cross-context write transactions, ${p.totals.multiWriterTables.length} multi-writer tables`,
  )
  out.push('')
  out.push(textTable(
    ['context', 'owner', 'tables', 'FK out', 'FK in', 'cross joins', 'cross txns', 'foreign writers'],
    p.contexts.map((c) => [c.name, c.owner ?? '-', String(c.metrics.tables), String(c.metrics.crossFksOut), String(c.metrics.crossFksIn), formatCount(c.metrics.crossJoinCalls), formatCount(c.metrics.crossWriteTransactions), c.metrics.foreignWriters.join(', ')]),
    {align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left']},
  ))
  if (options.tables) {
    out.push('')
    for (const c of p.contexts) out.push(`  ${ansis.bold(safeText(c.name))}: ${safeText(c.tables.join(', '))}`)
  }
  if (p.referenceTables.length) {
    out.push('')
    out.push(ansis.bold('Shared-kernel / reference candidates') + ansis.dim(' (referenced from everywhere; their edges were damped)'))
    out.push('  ' + safeText(p.referenceTables.join(', ')))
  }
  const multi = p.tables.filter((t) => t.writers.length > 1)
  if (multi.length) {
    out.push('')
    out.push(ansis.bold.red(`Multi-writer tables: ${multi.length}`))
    out.push(textTable(['table', 'context', 'writers'], multi.map((t) => [t.table, t.context, t.writers.join(', ')])))
  }
  const special = p.tables.filter((t) => t.scd2 || t.tenantScoped)
  if (special.length) {
    out.push('')
    out.push(ansis.bold('Effective-dated and tenant-scoped tables') + ansis.dim(' (their owner alone may write them)'))
    out.push(textTable(['table', 'kind', 'context', 'owner'], special.map((t) => [t.table, [t.scd2 ? 'SCD2' : '', t.tenantScoped ? 'tenant' : ''].filter(Boolean).join(', '), t.context, p.contexts.find((c) => c.name === t.context)?.owner ?? '-'])))
  }
  return out.join('\n')
}

export function changesSummary(changes: BoundariesChange[], file: string): string {
  if (changes.length === 0) return ansis.green(`No change to ${file}.`)
  const out = [ansis.bold(`Compared with ${file}: ${changes.length} table${changes.length > 1 ? 's' : ''} would change`)]
  out.push(textTable(['table', 'from', 'to'], changes.map((c) => [c.table, c.from ?? '(new)', c.to ?? '(gone)'])))
  return out.join('\n')
}

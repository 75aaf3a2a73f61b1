/**
 * The human-readable workload report: the headline (tables written by more than one service),
 * the services × tables access matrix, joins and transactions that cross owners, and what could
 * not be parsed. Pure: workload in, text out.
 */
import ansis from 'ansis'

import type {TableUsage, Workload} from '../workload/model.js'
import {formatCount, safeText, table as textTable} from './text.js'

/** The service that writes a table most: its likely owner (ties broken by name). */
export function likelyOwner(t: TableUsage): string | null {
  const entries = Object.entries(t.writers).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
  return entries[0]?.[0] ?? null
}

export interface CrossOwnerGroup {
  tables: string[]
  owners: string[]
  calls: number
  services: Record<string, number>
}

/** Joins and write transactions whose tables have different likely owners. */
export function crossOwner(workload: Workload, groups: Workload['joins']): CrossOwnerGroup[] {
  const owners = new Map(workload.tables.map((t) => [t.table, likelyOwner(t)]))
  const out: CrossOwnerGroup[] = []
  for (const g of groups) {
    const o = [...new Set(g.tables.map((t) => owners.get(t)).filter((x): x is string => !!x))].sort()
    if (o.length > 1) out.push({tables: g.tables, owners: o, calls: g.calls, services: g.services})
  }
  return out
}

export interface ReportOptions {
  /** Rows listed per section; 0 = all. */
  limit: number
  service?: string
}

export function workloadReport(w: Workload, options: ReportOptions): string {
  const out: string[] = []
  const cap = <T>(xs: T[]) => (options.limit > 0 ? xs.slice(0, options.limit) : xs)
  const more = (xs: unknown[]) => (options.limit > 0 && xs.length > options.limit ? ansis.dim(`  … ${xs.length - options.limit} more (--limit 0 lists all)`) : undefined)
  const services = w.services.map((s) => s.name)
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '0%')

  out.push(ansis.bold('Workload') + ansis.dim(` — ${w.engine}, ${w.window.from ?? '?'} → ${w.window.to ?? '?'}`))
  out.push(
    `${formatCount(w.totals.calls)} statement executions (${formatCount(w.totals.fingerprints)} distinct), ` +
      `${services.length} services, ${w.tables.length} tables, ${formatCount(w.totals.transactions)} write transactions ` +
      `(${formatCount(w.totals.multiTableWriteTransactions)} multi-table)`,
  )
  if (w.totals.unparsedCalls) out.push(ansis.yellow(`${formatCount(w.totals.unparsedCalls)} executions (${w.unparsed.distinct} distinct statements) could not be parsed: see "Unparsed" below`))
  // MySQL logs: Connect, Quit, Init DB … are the protocol's commands, not statements (as pt-query-digest counts them).
  const admin = new Map<string, number>()
  for (const s of w.sources) for (const [c, n] of Object.entries(s.adminCommands ?? {})) admin.set(c, (admin.get(c) ?? 0) + n)
  if (admin.size) out.push(ansis.dim(`Administrator commands, not counted as statements: ${[...admin].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([c, n]) => `${safeText(c)} ${formatCount(n)}`).join(', ')}`))

  const multi = w.tables.filter((t) => t.classification === 'shared-writers' || t.classification === 'common')
  out.push('')
  out.push(ansis.bold.red(`Tables written by more than one service: ${multi.length}`))
  if (multi.length) {
    out.push(textTable(
      ['table', 'class', 'writers (executions)', 'readers'],
      multi
        .sort((a, b) => Object.keys(b.writers).length - Object.keys(a.writers).length || (a.table < b.table ? -1 : 1))
        .map((t) => [t.table, t.classification, Object.entries(t.writers).map(([s, n]) => `${s} ${formatCount(n)}`).join(', '), String(Object.keys(t.readers).length)]),
    ))
  }

  out.push('')
  out.push(ansis.bold('Services'))
  out.push(textTable(
    ['service', 'executions', 'share', 'attributed by'],
    w.services.map((s) => [s.name, formatCount(s.calls), pct(s.calls, w.totals.calls), Object.entries(s.evidence).map(([k, n]) => `${k} ${formatCount(n)}`).join(', ')]),
    {align: ['left', 'right', 'right', 'left']},
  ))

  const shown = options.service ? w.tables.filter((t) => t.writers[options.service!] || t.readers[options.service!]) : w.tables
  out.push('')
  out.push(ansis.bold('Access matrix') + ansis.dim('  W write · R read · L lock (FOR UPDATE, LOCK TABLE) · D DDL only'))
  const cols = options.service ? [options.service] : services
  out.push(textTable(
    ['table', 'class', ...cols.map(abbreviate)],
    shown.map((t) => [t.table, t.classification, ...cols.map((s) => cell(w, t, s))]),
  ))

  const joins = crossOwner(w, w.joins)
  out.push('')
  out.push(ansis.bold(`Joins across owners: ${joins.length}`) + ansis.dim(' (tables whose main writers differ, joined in one statement)'))
  for (const j of cap(joins)) out.push(`  ${safeText(j.tables.join(' ⋈ '))}  ${ansis.dim(safeText(`owners ${j.owners.join(', ')}; ${formatCount(j.calls)} executions by ${Object.keys(j.services).join(', ')}`))}`)
  const jm = more(joins)
  if (jm) out.push(jm)

  const txns = crossOwner(w, w.transactions)
  out.push('')
  out.push(ansis.bold(`Write transactions across owners: ${txns.length}`) + ansis.dim(' (future distributed transactions)'))
  for (const t of cap(txns)) out.push(`  {${safeText(t.tables.join(', '))}}  ${ansis.dim(safeText(`owners ${t.owners.join(', ')}; ${formatCount(t.calls)}× by ${Object.keys(t.services).join(', ')}`))}`)
  const tm = more(txns)
  if (tm) out.push(tm)

  const untouched = w.tables.filter((t) => t.classification === 'untouched')
  if (untouched.length) {
    out.push('')
    out.push(ansis.bold(`Never touched in the window: ${untouched.length}`) + ansis.dim(' (dead-table candidates)'))
    out.push('  ' + safeText(untouched.map((t) => t.table).join(', ')))
  }

  const system = w.system ?? []
  if (system.length) {
    const byTable = new Map<string, number>()
    for (const a of system) byTable.set(a.table, (byTable.get(a.table) ?? 0) + a.read + a.write + a.lock + a.ddl)
    out.push('')
    out.push(ansis.bold(`System catalogs: ${byTable.size}`) + ansis.dim(' (not application tables: kept out of the access matrix)'))
    out.push('  ' + safeText([...byTable].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([t, n]) => `${t} ${formatCount(n)}`).join(', ')))
  }
  if (w.totals.approximateCalls) {
    out.push('')
    out.push(ansis.yellow(`${formatCount(w.totals.approximateCalls)} executions had tables found by a fallback, not the parse tree (flagged "approximate" in workload.json)`))
  }

  if (w.unparsed.distinct) {
    out.push('')
    out.push(ansis.bold(`Unparsed: ${w.unparsed.distinct} distinct statements, ${formatCount(w.unparsed.calls)} executions`))
    for (const s of cap(w.unparsed.samples)) {
      out.push(`  ${safeText(`${s.file}:${s.line}: ${s.error}`)}`)
      out.push(`    ${ansis.dim(safeText(s.text.slice(0, 160)))}`)
    }
  }
  const warnings = w.sources.flatMap((s) => s.warnings.map((m) => `${s.file}: ${m}`))
  if (warnings.length) {
    out.push('')
    out.push(ansis.bold.yellow(`Warnings: ${warnings.length}`))
    for (const m of cap(warnings)) out.push(`  ${safeText(m)}`)
  }
  return out.join('\n')
}

function cell(w: Workload, t: TableUsage, service: string): string {
  const a = w.access.find((x) => x.table === t.table && x.service === service)
  if (!a) return ''
  return [a.write ? 'W' : '', a.read ? 'R' : '', a.lock ? 'L' : '', a.ddl && !a.write && !a.read ? 'D' : ''].join('')
}

/** Matrix column headers: short but recognisable. */
function abbreviate(service: string): string {
  return service.length <= 10 ? service : service.replace(/[-_]?(service|svc)$/i, '').slice(0, 10)
}

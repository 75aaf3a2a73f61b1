/**
 * The discover session's text: the contexts overview, one context's details, how the numbers
 * moved after an edit, what saving would change, and the small formatting helpers they share.
 * Pure functions over the proposal and the file.
 */
import ansis from 'ansis'
import stringWidth from 'string-width'

import {expiryProblem} from '../boundaries/edit.js'
import {type BoundariesFile, diffBoundaries} from '../boundaries/file.js'
import type {Proposal, ProposedContext, TableReport} from '../boundaries/model.js'
import {changesSummary} from '../render/proposal-summary.js'
import {formatCount, table as textTable} from '../render/text.js'
import {show} from './session-prompts.js'

/** Tables whose placement evidence a context's details show (weakest first). */
const WHY_LINES = 12

/** The contexts table and the strongest couplings. */
export function overviewText(p: Proposal, reviewed: ReadonlySet<string>, pinnedIn: (c: ProposedContext) => string[]): string {
  const out: string[] = ['']
  out.push(ansis.bold(`${p.contexts.length} contexts`) + ansis.dim(` — modularity ${p.modularity.toFixed(3)}`))
  out.push(`${p.totals.crossContextFks} cross-context foreign keys · ${(p.totals.crossContextJoinShare * 100).toFixed(1)}% of joining executions cross contexts · ` +
    `${formatCount(p.totals.crossContextWriteTransactions)} cross-context write transactions · ${p.totals.multiWriterTables.length} multi-writer tables`)
  out.push(textTable(
    ['context', 'owner', 'tables', 'pinned', 'FK out', 'FK in', 'cross joins', 'cross txns', 'foreign writers'],
    p.contexts.map((c) => [
      c.name + (reviewed.has(c.name) ? ' ✓' : ''), c.owner ?? '-', String(c.metrics.tables), String(pinnedIn(c).length), String(c.metrics.crossFksOut), String(c.metrics.crossFksIn),
      formatCount(c.metrics.crossJoinCalls), formatCount(c.metrics.crossWriteTransactions), abbreviate(c.metrics.foreignWriters, 3),
    ]),
    {align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left']},
  ))
  const pairs = pairCouplings(p)
  if (pairs.length) {
    out.push(ansis.bold('Strongest couplings') + ansis.dim(' (what splitting them costs)'))
    out.push(textTable(['between', 'FKs', 'joining calls', 'write txns'], pairs.slice(0, 6).map((c) => [`${c.a} ↔ ${c.b}`, String(c.fks), formatCount(c.joinCalls), formatCount(c.writeTransactions)]), {align: ['left', 'right', 'right', 'right']}))
    if (pairs.length > 6) out.push(ansis.dim(`  … and ${pairs.length - 6} more pairs`))
  }
  return out.join('\n')
}

/** One context: its tables (pinned, multi-writer), couplings and other writers. */
export function contextDetailsText(p: Proposal, c: ProposedContext, pinnedIn: (c: ProposedContext) => string[], reviewed: boolean): string {
  const pinned = new Set(pinnedIn(c))
  const multi = new Set(p.tables.filter((t) => t.context === c.name && t.writers.length > 1).map((t) => t.table))
  const head = `${c.tables.length} table${c.tables.length === 1 ? '' : 's'}${pinned.size ? `, ${pinned.size} pinned` : ''}${reviewed ? ', reviewed' : ''}`
  const out = ['', `${ansis.bold(show(c.name))} — owner ${show(c.owner ?? 'none')}, ${head}`]
  // A description a person wrote is worth showing; the generated one only repeats the tables.
  if (c.description && !/^(Written mostly by .+?: |Tables: )/.test(c.description)) out.push(ansis.dim(`  ${show(c.description)}`))
  const marked = c.tables.map((t) => show(t) + (pinned.has(t) ? ' (pinned)' : '') + (multi.has(t) ? ' *' : ''))
  out.push(...wrap(marked, 'tables: ', 100))
  if (multi.size) out.push(ansis.dim(`  * written by other services too (see "Review multi-writer tables")`))
  // Why each table is here, weakest placements first: what a reviewer should look at.
  const reports = new Map(p.tables.map((t) => [t.table, t]))
  const why = c.tables.map((t) => ({t, e: reports.get(t)?.evidence ?? []})).filter((x) => x.e.length)
  if (why.length) {
    const weak = (e: string[]) => (e[0]!.startsWith('no tie') || e[0]!.startsWith('no ties') ? 0 : 1)
    why.sort((a, b) => weak(a.e) - weak(b.e) || (a.t < b.t ? -1 : 1))
    const width = Math.max(...why.map((x) => stringWidth(show(x.t))))
    out.push('  why here:')
    for (const x of why.slice(0, WHY_LINES)) out.push(`    ${pad(show(x.t), width)}  ${ansis.dim(show(x.e.join('; ')))}`)
    if (why.length > WHY_LINES) out.push(ansis.dim(`    … and ${why.length - WHY_LINES} more (all in --json: tables[].evidence)`))
  }
  const pairs = pairCouplings(p).filter((x) => x.a === c.name || x.b === c.name)
  if (pairs.length) {
    out.push('  coupled with' + ansis.dim(' (strongest first)') + ':')
    out.push(textTable(['context', 'FKs', 'joining calls', 'write txns'], pairs.slice(0, 5).map((x) => [x.a === c.name ? x.b : x.a, String(x.fks), formatCount(x.joinCalls), formatCount(x.writeTransactions)]), {align: ['left', 'right', 'right', 'right'], indent: 4}))
    if (pairs.length > 5) out.push(ansis.dim(`    … and ${pairs.length - 5} more: ${show(pairs.slice(5).map((x) => (x.a === c.name ? x.b : x.a)).join(', '))}`))
  } else out.push('  coupled with: nothing (no FK, join or transaction crosses its edge)')
  if (c.metrics.foreignWriters.length) out.push(`  other services writing it: ${show(c.metrics.foreignWriters.join(', '))}`)
  return out.join('\n')
}

/** How the cross-context numbers moved, or '' when none did. */
export function deltaText(before: Proposal, after: Proposal): string {
  const parts: string[] = []
  const a = before.totals
  const b = after.totals
  if (a.crossContextFks !== b.crossContextFks) parts.push(`cross-context FKs ${a.crossContextFks} → ${b.crossContextFks}`)
  if (a.crossContextJoinShare !== b.crossContextJoinShare) parts.push(`crossing joins ${(a.crossContextJoinShare * 100).toFixed(1)}% → ${(b.crossContextJoinShare * 100).toFixed(1)}%`)
  if (a.crossContextWriteTransactions !== b.crossContextWriteTransactions) parts.push(`cross-context write txns ${formatCount(a.crossContextWriteTransactions)} → ${formatCount(b.crossContextWriteTransactions)}`)
  if (before.modularity !== after.modularity) parts.push(`modularity ${before.modularity.toFixed(3)} → ${after.modularity.toFixed(3)}`)
  return parts.length ? ansis.dim(`  ${parts.join(' · ')}`) : ''
}

/** What saving `next` would change in the file as it was (`before`). */
export function changesText(next: BoundariesFile, before: BoundariesFile, filePath: string, dirty: boolean): string {
  const out: string[] = []
  if (before.contexts.length === 0) {
    out.push(ansis.bold(`${show(filePath)} has no contexts yet: saving writes ${next.contexts.length} contexts:`))
    out.push(textTable(['context', 'owner', 'tables'], next.contexts.map((c) => [c.name, c.owner ?? '-', String(c.tables.length)]), {align: ['left', 'left', 'right']}))
  } else {
    out.push(changesSummary(diffBoundaries(before, next), filePath))
    const was = new Map(before.contexts.map((c) => [c.name, c]))
    const now = new Map(next.contexts.map((c) => [c.name, c]))
    const added = [...now.keys()].filter((n) => !was.has(n))
    const gone = [...was.keys()].filter((n) => !now.has(n))
    if (added.length) out.push(`  new contexts: ${show(added.join(', '))}`)
    if (gone.length) out.push(`  contexts no longer there: ${show(gone.join(', '))}`)
    const owners = [...now.values()].filter((c) => was.has(c.name) && was.get(c.name)!.owner !== c.owner)
    for (const c of owners) out.push(`  owner of ${show(c.name)}: ${show(was.get(c.name)!.owner ?? 'none')} → ${show(c.owner ?? 'none')}`)
  }
  const pinDiff = Object.keys(next.pins).filter((t) => before.pins[t] !== next.pins[t]).length + Object.keys(before.pins).filter((t) => !(t in next.pins)).length
  if (pinDiff) out.push(`  pins: ${Object.keys(before.pins).length} → ${Object.keys(next.pins).length} (${pinDiff} changed)`)
  const key = (e: BoundariesFile['exceptions'][number]) => JSON.stringify(e)
  const oldEx = new Set(before.exceptions.map(key))
  const newEx = next.exceptions.filter((e) => !oldEx.has(key(e)))
  for (const e of newEx) out.push(`  + exception: ${show(e.consumer)} ${e.access}s ${show(e.table)} until ${e.expires} (approved by ${show(e.approved_by)})`)
  const newSet = new Set(next.exceptions.map(key))
  for (const e of before.exceptions.filter((x) => !newSet.has(key(x)))) out.push(`  - exception: ${show(e.consumer)} ${e.access}s ${show(e.table)} until ${e.expires}`)
  if (!dirty) out.push(ansis.green(`Saving would not change ${show(filePath)}.`))
  return out.join('\n')
}

type Exception = BoundariesFile['exceptions'][number]

/** The exception form's questions (approved by, expiry, exit plan), with their validation. */
export function exceptionQuestions(today: string, previous?: Exception) {
  return {
    /** Empty cancels the exception. */
    approvedBy: {message: 'Approved by (name or email):', default: previous?.approved_by},
    expires: {message: 'Expires on (YYYY-MM-DD):', default: previous?.expires ?? addMonths(today, 6), validate: (v: string) => expiryProblem(v, today) ?? true},
    exitPlan: {
      message: 'Exit plan (how it will stop writing the table):', default: previous?.exit_plan,
      validate: (v: string) => (v.trim() ? true : 'describe how the exception ends, e.g. "call the orders API instead"'),
    },
  }
}

export function multiWriters(p: Proposal): TableReport[] {
  return p.tables.filter((t) => t.writers.length > 1)
}

interface PairCoupling {
  a: string
  b: string
  fks: number
  joinCalls: number
  writeTransactions: number
}

/** Couplings per unordered pair of contexts, strongest first (write transactions, then joins, then FKs). */
export function pairCouplings(p: Proposal): PairCoupling[] {
  const pairs = new Map<string, PairCoupling>()
  for (const c of p.couplings) {
    const [a, b] = c.from < c.to ? [c.from, c.to] : [c.to, c.from]
    const k = `${a}\u0000${b}`
    const x = pairs.get(k) ?? {a, b, fks: 0, joinCalls: 0, writeTransactions: 0}
    x.fks += c.fks
    x.joinCalls += c.joinCalls
    x.writeTransactions += c.writeTransactions
    pairs.set(k, x)
  }
  return [...pairs.values()].sort((x, y) => y.writeTransactions - x.writeTransactions || y.joinCalls - x.joinCalls || y.fks - x.fks || (x.a + x.b < y.a + y.b ? -1 : 1))
}

export function tableMoves(before: Proposal, after: Proposal): {table: string; from: string; to: string}[] {
  const was = new Map(before.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as const)))
  return after.contexts.flatMap((c) => c.tables.filter((t) => was.get(t) !== c.name).map((t) => ({table: t, from: was.get(t) ?? '(none)', to: c.name}))).sort((x, y) => (x.table < y.table ? -1 : 1))
}

export function contextNameChanges(before: Proposal, after: Proposal): string[] {
  const was = new Set(before.contexts.map((c) => c.name))
  const now = new Set(after.contexts.map((c) => c.name))
  return [...[...now].filter((n) => !was.has(n)).map((n) => `new ${n}`), ...[...was].filter((n) => !now.has(n)).map((n) => `gone ${n}`)]
}

export {plural} from '../util/plural.js'

export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)))
}

/** Items joined with commas over lines of at most `width` columns, the first line labelled. */
export function wrap(items: string[], label: string, width: number): string[] {
  const lines: string[] = []
  let line = `  ${label}`
  const indent = ' '.repeat(line.length)
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? ',' : '')
    if (stringWidth(line) + 1 + stringWidth(piece) > width && line.trim() !== label.trim()) {
      lines.push(line)
      line = indent + piece
    } else line += (line.endsWith(' ') ? '' : ' ') + piece
  }
  lines.push(line)
  return lines
}

export function abbreviate(items: string[], n: number): string {
  return items.length <= n ? items.join(', ') : `${items.slice(0, n).join(', ')} +${items.length - n}`
}

export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1 + months, Math.min(d, 28)))
  return date.toISOString().slice(0, 10)
}

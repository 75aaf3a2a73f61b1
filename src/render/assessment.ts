/**
 * The maturity assessment on a terminal: one table (context, owner, level, what the next level
 * takes), then per context the evidence of every level, ✓ or ✗, with the tables and services.
 */
import ansis from 'ansis'

import {type Assessment, LEVEL_NAMES, LEVEL_SHORT} from '../assess/assess-model.js'
import {safeText, table} from './text.js'

export function assessmentReport(assessment: Assessment, options: {evidence?: boolean} = {}): string {
  const out: string[] = []
  const {contexts} = assessment
  out.push(
    ansis.bold(`Database Ownership Maturity of ${safeText(assessment.database)}`) +
      ansis.dim(` (${assessment.flavor}, ${contexts.length} context${contexts.length === 1 ? '' : 's'}, ${assessment.workload ? 'with the workload' : 'no workload'}, as of ${assessment.today})`),
  )
  out.push('')
  out.push(
    table(
      ['context', 'owner', 'level', 'next step'],
      contexts.map((c) => [c.name, c.owner, `${c.level} ${LEVEL_SHORT[c.level]}`, c.next ?? '—']),
    ),
  )
  const histogram = [0, 1, 2, 3, 4, 5].map((l) => contexts.filter((c) => c.level === l).length)
  out.push('')
  out.push(ansis.dim(`  levels: ${histogram.map((n, l) => `${l}: ${n}`).join('  ')}`))
  if (options.evidence === false) return out.join('\n')

  for (const c of contexts) {
    out.push('')
    out.push(`${ansis.bold(safeText(c.name))} ${ansis.dim(`(${safeText(c.owner)}, schema ${safeText(c.schema)}, role ${safeText(c.role)})`)} — level ${c.level}`)
    for (let level = 0; level <= 5; level++) {
      const checks = c.checks.filter((k) => k.level === level)
      if (!checks.length) continue
      const reached = level <= c.level
      out.push(`  ${reached ? ansis.green(`L${level}`) : ansis.dim(`L${level}`)} ${ansis.dim(LEVEL_NAMES[level]!)}`)
      for (const k of checks) {
        const mark = k.ok ? ansis.green('✓') : ansis.red('✗')
        out.push(`    ${mark} ${ansis.dim(`${k.id}:`)} ${safeText(k.message)}`)
      }
    }
  }
  return out.join('\n')
}

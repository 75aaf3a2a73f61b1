/**
 * The human report: grouped by context, worst first, each finding on one line with its evidence
 * indented below it; known (baselined) findings are counted, not listed.
 */
import {formatCount} from '../../util/numbers.js'
import {safeText} from '../../util/safe-text.js'
import type {CheckReport, Finding, Severity} from '../model.js'
import {severityRank} from '../model.js'

const LABEL: Record<Severity, string> = {error: 'error  ', warning: 'warning', info: 'info   '}
const NO_CONTEXT = '(no context)'

export function textReport(report: CheckReport, options: {maxPerContext?: number} = {}): string {
  const shown = report.findings.filter((f) => !f.known)
  const out: string[] = []
  const groups = new Map<string, Finding[]>()
  for (const f of shown) {
    const key = f.context ?? NO_CONTEXT
    groups.set(key, [...(groups.get(key) ?? []), f])
  }
  // Contexts with the worst findings first, then the most findings.
  const worst = (fs: Finding[]) => Math.max(...fs.map((f) => severityRank(f.severity)))
  const order = [...groups.entries()].sort(([a, fa], [b, fb]) => worst(fb) - worst(fa) || fb.length - fa.length || (a < b ? -1 : 1))
  const max = options.maxPerContext ?? Infinity
  for (const [context, findings] of order) {
    const counts = (['error', 'warning', 'info'] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n)
    out.push(`${safeText(context)}  ${counts.map(([s, n]) => `${n} ${s}${n === 1 || s === 'info' ? '' : 's'}`).join(', ')}`)
    for (const f of findings.slice(0, max)) {
      out.push(`  ${LABEL[f.severity]} ${f.rule.padEnd(25)} ${safeText(f.message)}`)
      const where = f.location ? `${f.location.file}:${f.location.line}` : null
      const e = f.evidence
      if (e) {
        const seen = e.firstSeen ? `, first ${e.firstSeen}${e.lastSeen && e.lastSeen !== e.firstSeen ? `, last ${e.lastSeen}` : ''}` : ''
        const at = e.source ? ` at ${e.source.file}:${e.source.line}` : ''
        out.push(`            ${formatCount(e.count)}× in ${e.statements} statement${e.statements === 1 ? '' : 's'}${seen}${at}`)
        out.push(`            e.g. ${safeText(e.sample.length > 160 ? `${e.sample.slice(0, 157)}...` : e.sample)}  [${e.fingerprint}]`)
      }
      if (where) out.push(`            fix in ${where}`)
    }
    if (findings.length > max) out.push(`  … and ${findings.length - max} more (--json lists every finding)`)
    out.push('')
  }
  const s = report.summary
  for (const skip of report.skipped) out.push(`not checked: ${skip.rules.join(', ')}: ${skip.reason}`)
  if (report.evidence) out.push(`evidence: ${formatCount(report.evidence.calls)} executions from ${report.evidence.sources.join(', ')}${report.evidence.window.from ? ` (${report.evidence.window.from} … ${report.evidence.window.to})` : ''}`)
  out.push(
    `${s.error} error${s.error === 1 ? '' : 's'}, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info${s.known ? `; ${s.known} known from the baseline (not shown)` : ''}` +
      (report.failOn === 'none' ? ' (report only)' : ` — ${s.failing ? `${s.failing} at or above ${report.failOn}: failing` : `nothing at or above ${report.failOn}: passing`}`),
  )
  return out.join('\n')
}

/**
 * --format junit: a JUnit XML report (GitLab `artifacts:reports:junit`, Jenkins junit step). One
 * test suite per context, one test case per finding: errors (and warnings at --fail-on warning)
 * are failures, the rest pass with their message in system-out, so the report lists everything.
 */
import type {CheckReport, Finding} from '../model.js'
import {RULES, severityRank} from '../model.js'

const xml = (s: string) =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function junitReport(report: CheckReport): string {
  const findings = report.findings.filter((f) => !f.known)
  const failOn = report.failOn
  const failing = (f: Finding) => failOn !== 'none' && severityRank(f.severity) >= severityRank(failOn)
  const suites = new Map<string, Finding[]>()
  for (const f of findings) suites.set(f.context ?? '(no context)', [...(suites.get(f.context ?? '(no context)') ?? []), f])
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="carve check" tests="${findings.length}" failures="${findings.filter(failing).length}">`,
  ]
  for (const [context, list] of suites) {
    out.push(`  <testsuite name="${xml(context)}" tests="${list.length}" failures="${list.filter(failing).length}">`)
    for (const f of list) {
      const name = [f.rule, f.consumer, f.table].filter(Boolean).join(' ')
      const where = f.location ? `${f.location.file}:${f.location.line}` : ''
      const detail = [f.message, f.evidence ? `${f.evidence.count}× e.g. ${f.evidence.sample}` : '', f.evidence?.source ? `seen at ${f.evidence.source.file}:${f.evidence.source.line}` : '', where ? `fix in ${where}` : '', `id ${f.id}`]
        .filter(Boolean)
        .join('\n')
      out.push(`    <testcase classname="carve.${xml(context)}" name="${xml(name)}"${f.location ? ` file="${xml(f.location.file)}" line="${f.location.line}"` : ''}>`)
      if (failing(f)) out.push(`      <failure type="${f.rule}" message="${xml(`${f.severity}: ${RULES[f.rule].title}`)}">${xml(detail)}</failure>`)
      else out.push(`      <system-out>${xml(`${f.severity}: ${detail}`)}</system-out>`)
      out.push('    </testcase>')
    }
    out.push('  </testsuite>')
  }
  out.push('</testsuites>')
  return out.join('\n')
}

/**
 * --format github: GitHub Actions workflow commands, one per new finding, pointing into
 * carve.yml so the annotation lands on the line to change in the pull request.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type {CheckReport, Finding} from '../model.js'
import {RULES} from '../model.js'

const COMMAND = {error: 'error', warning: 'warning', info: 'notice'} as const

/** Escaping the runner expects: data escapes %, CR, LF; properties also : and ,. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

export function githubReport(report: CheckReport): string {
  const lines = report.findings.filter((f) => !f.known).map(annotation)
  const s = report.summary
  lines.push(`carve check: ${s.error} errors, ${s.warning} warnings, ${s.info} info${s.known ? `, ${s.known} known from the baseline` : ''}`)
  return lines.join('\n')
}

function annotation(f: Finding): string {
  const props = [f.location ? `file=${escapeProperty(f.location.file)},line=${f.location.line}` : null, `title=${escapeProperty(`carve ${f.rule}: ${RULES[f.rule].title}`)}`]
    .filter(Boolean)
    .join(',')
  const evidence = f.evidence ? ` (${f.evidence.count}×, e.g. ${f.evidence.sample.slice(0, 200)}${f.evidence.source ? ` at ${f.evidence.source.file}:${f.evidence.source.line}` : ''})` : ''
  return `::${COMMAND[f.severity]} ${props}::${escapeData(f.message + evidence)}`
}

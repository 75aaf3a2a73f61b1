/**
 * --format sarif: SARIF 2.1.0 (OASIS), the format code-scanning dashboards read (GitHub code
 * scanning, GitLab, Azure DevOps). One run, one rule per finding kind, one result per new
 * finding located in carve.yml; the finding's identity is its partial fingerprint, so the
 * dashboards track it across runs the way the baseline does.
 */
import type {CheckReport, Finding, RuleId} from '../model.js'
import {RULES} from '../model.js'

const LEVEL = {error: 'error', warning: 'warning', info: 'note'} as const

export function sarifReport(report: CheckReport, options: {version?: string} = {}): string {
  const ruleIds = Object.keys(RULES) as RuleId[]
  const results = report.findings.filter((f) => !f.known).map((f) => result(f, ruleIds.indexOf(f.rule)))
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'carve',
            informationUri: 'https://github.com/carve/carve#carve-check',
            version: options.version ?? '0.1.0',
            rules: ruleIds.map((id) => ({
              id,
              name: RULES[id].title.replace(/[^A-Za-z]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
              shortDescription: {text: RULES[id].title},
              fullDescription: {text: RULES[id].help},
              help: {text: RULES[id].help},
            })),
          },
        },
        results,
      },
    ],
  }
  return JSON.stringify(sarif, null, 2)
}

function result(f: Finding, ruleIndex: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: {text: f.message},
    partialFingerprints: {carveFindingId: f.id},
    properties: {
      context: f.context,
      table: f.table,
      consumer: f.consumer,
      access: f.access,
      ...(f.evidence ? {evidence: f.evidence} : {}),
    },
  }
  if (f.location) {
    out.locations = [{physicalLocation: {artifactLocation: {uri: f.location.file.replace(/\\/g, '/')}, region: {startLine: f.location.line}}}]
  }
  if (f.evidence?.source) {
    out.relatedLocations = [{id: 1, message: {text: `first seen here: ${f.evidence.sample.slice(0, 200)}`}, physicalLocation: {artifactLocation: {uri: f.evidence.source.file.replace(/\\/g, '/')}, region: {startLine: Math.max(1, f.evidence.source.line)}}}]
  }
  return out
}

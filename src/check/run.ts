/**
 * `carve check` as one pure function over gathered inputs: every finding family, identities and
 * carve.yml locations, the baseline, the summary. The command (commands/check.ts) gathers the
 * inputs (files, database, logs) and writes the report in the format asked for.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import type {Catalog} from '../introspect/model.js'
import type {Assessment} from '../assess/assess.js'
import type {Workload} from '../workload/model.js'
import {accessFindings} from './access.js'
import {applyBaseline, type Baseline} from './baseline.js'
import type {Sightings} from './evidence.js'
import {exceptionFindings} from './exceptions.js'
import type {Locator} from './locate.js'
import {maturityFindings} from './maturity.js'
import {type CheckReport, type Draft, type Finding, findingId, type RuleId, type Severity, severityRank, sortFindings} from './model.js'
import {ownership} from './ownership.js'
import {schemaFindings} from './schema.js'

export interface CheckInputs {
  boundaries: BoundariesFile
  boundariesPath: string
  catalog: Catalog | null
  catalogLabel: string | null
  workload: Workload | null
  /** Labels of the evidence sources (files, live sources, workload file). */
  evidenceSources: string[]
  assessment: Assessment | null
  /** Findings computed elsewhere (plan drift), already drafted. */
  extra: Draft[]
  sightings: Sightings | null
  locate: Locator
  skipped: {rules: RuleId[]; reason: string}[]
}

export interface CheckOptions {
  today: string
  warnDays: number
  strictReads: boolean
  minLevel?: number
  /** 'none': report only, nothing fails. */
  failOn: Severity | 'none'
  baseline?: Baseline
  /** Only findings about these contexts (null: all). */
  contexts?: string[]
}

export function runCheck(inputs: CheckInputs, options: CheckOptions): CheckReport {
  const own = ownership(inputs.boundaries)
  const drafts: Draft[] = []
  let used: Set<number> | null = null
  if (inputs.workload) {
    const access = accessFindings(inputs.workload, own, {today: options.today, strictReads: options.strictReads, sightings: inputs.sightings})
    // Appended one by one: tens of thousands of drafts as the arguments of one push overflow the stack.
    for (const d of access.drafts) drafts.push(d)
    used = access.usedExceptions
  }
  drafts.push(...exceptionFindings(inputs.boundaries, own, {today: options.today, warnDays: options.warnDays, used}))
  if (inputs.catalog) drafts.push(...schemaFindings(inputs.catalog, inputs.boundaries, own))
  if (inputs.assessment) drafts.push(...maturityFindings(inputs.assessment, {minLevel: options.minLevel}))
  drafts.push(...inputs.extra)

  const only = options.contexts?.length ? new Set(options.contexts) : null
  let findings: Finding[] = []
  for (const [id, draft] of dedupe(drafts)) {
    if (only && (draft.context === null || !only.has(draft.context))) continue
    // One copy per finding: the draft without what only names and places it, then its id and location.
    const {subject: _subject, anchor, ...d} = draft
    findings.push(Object.assign(d, {id, location: inputs.locate(anchor)}))
  }
  if (options.baseline) findings = applyBaseline(findings, options.baseline)
  findings = sortFindings(findings)

  // One pass over the findings (tens of thousands when every access is a violation).
  const counts = {error: 0, warning: 0, info: 0, known: 0, failing: 0}
  const failRank = options.failOn === 'none' ? Infinity : severityRank(options.failOn)
  for (const f of findings) {
    if (f.known) {
      counts.known++
      continue
    }
    counts[f.severity]++
    if (severityRank(f.severity) >= failRank) counts.failing++
  }
  const w = inputs.workload
  return {
    format: 'carve.check/v1',
    boundaries: inputs.boundariesPath,
    today: options.today,
    evidence: w ? {sources: inputs.evidenceSources, window: w.window, calls: w.totals.calls} : null,
    catalog: inputs.catalogLabel,
    skipped: inputs.skipped,
    failOn: options.failOn,
    findings,
    summary: counts,
  }
}

/**
 * The same problem found twice (two join pairs of one statement …) is reported once. By
 * identity, which is hashed here once per draft and kept as the finding's id.
 */
function dedupe(drafts: Draft[]): Map<string, Draft> {
  const seen = new Map<string, Draft>()
  for (const d of drafts) {
    const id = findingId(d)
    if (!seen.has(id)) seen.set(id, d)
  }
  return seen
}

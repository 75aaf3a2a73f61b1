/**
 * Baselines, the way linters adopt legacy code: `--write-baseline FILE` records today's findings
 * by identity; `--baseline FILE` marks findings already recorded as known, so only new ones
 * fail the check. A finding that is fixed simply disappears; the baseline is not rewritten.
 */
import {readFileSync, renameSync, writeFileSync} from 'node:fs'

import {z} from 'zod'

import {CarveError, EXIT} from '../errors.js'
import type {Finding} from './model.js'

export const BASELINE_FORMAT = 'carve.check-baseline/v1' as const

const baselineSchema = z.object({
  format: z.literal(BASELINE_FORMAT),
  created: z.string(),
  findings: z.array(
    z.object({id: z.string().min(1), rule: z.string(), severity: z.string(), context: z.string().nullable(), table: z.string().nullable(), consumer: z.string().nullable(), message: z.string()}),
  ),
})

export type Baseline = z.infer<typeof baselineSchema>

export function baselineOf(findings: Finding[], today: string): Baseline {
  return {
    format: BASELINE_FORMAT,
    created: today,
    // Sorted by id so the file diffs cleanly when it is re-recorded.
    findings: [...findings]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((f) => ({id: f.id, rule: f.rule, severity: f.severity, context: f.context, table: f.table, consumer: f.consumer, message: f.message})),
  }
}

export function writeBaseline(path: string, baseline: Baseline): void {
  const tmp = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, JSON.stringify(baseline, null, 2) + '\n')
    renameSync(tmp, path)
  } catch (error) {
    throw new CarveError('check.baseline-write', `cannot write the baseline ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {exitCode: EXIT.usage})
  }
}

export function readBaseline(path: string): Baseline {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CarveError('check.baseline', `cannot read the baseline ${path}: ${code ?? (error as Error).message}`, {exitCode: EXIT.usage, hint: 'write one with carve check --write-baseline FILE'})
  }
  const parsed = baselineSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new CarveError('check.baseline', `${path} is not a carve check baseline: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, {exitCode: EXIT.usage})
  }
  return parsed.data
}

/** Mark the findings the baseline already has as known. */
export function applyBaseline(findings: Finding[], baseline: Baseline): Finding[] {
  const known = new Set(baseline.findings.map((f) => f.id))
  return findings.map((f) => ({...f, known: known.has(f.id)}))
}

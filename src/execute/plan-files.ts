/**
 * Reading a plan folder for execution. People review and edit plans in pull requests, so
 * nothing runs until every file is accounted for: plan.yml parses and validates, every file it
 * lists exists, and every file still has the sha256 recorded in plan.yml. Anything else is
 * refused here, before a connection is used (exit 2), with file:line for manifest errors.
 */
import {existsSync, readFileSync, statSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {CarveError, EXIT} from '../errors.js'
import {parseManifest, sha256} from '../plan/manifest.js'
import type {PlanManifest, PlanStep} from '../plan/model.js'
import {definitionOf} from '../steps/registry.js'
import type {RunStep} from './runner.js'

export const PLAN_FILE = 'plan.yml'

export const REHASH_HINT = 'if the edit is intended, run `carve plan --rehash <dir>` to record the new checksums (and review the diff)'

/** `files`: contents by their key in plan.yml (up, down, verify, readme, extras); `checksum`: one over all of them, what the ledger records and compares. */
export interface LoadedStep extends RunStep {
  /** Position in the plan (0-based). */
  index: number
  /**
   * Files that differ from plan.yml's checksums or are missing — only when loaded with
   * `{tolerateEdits: true}` (status shows them); every other load refuses such a plan.
   */
  edited?: {key: string; path: string; problem: 'changed' | 'missing'}[]
}

export interface LoadedPlan {
  dir: string
  manifest: PlanManifest
  steps: LoadedStep[]
}

/**
 * The step's checksum: sha256 over its files' own checksums, sorted by key, so it changes when
 * any file changes and never depends on the order plan.yml lists them in.
 */
export function stepChecksum(checksums: Record<string, string>): string {
  const lines = Object.keys(checksums)
    .sort()
    .map((k) => `${k}=${checksums[k]}\n`)
  return sha256(lines.join(''))
}

function refuse(code: string, message: string, hint?: string): CarveError {
  return new CarveError(code, message, {exitCode: EXIT.usage, hint})
}

/**
 * Load, validate and checksum a plan folder; throws a CarveError (exit 2) on any problem. With
 * `tolerateEdits` (carve status), files changed or missing since plan.yml was written are
 * reported on their step instead: showing where a plan stands must work on an edited plan too.
 */
export function loadPlan(dir: string, options: {tolerateEdits?: boolean} = {}): LoadedPlan {
  const root = resolve(dir)
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw refuse('plan.missing', `${dir} is not a plan folder (it does not exist)`, 'pass the folder `carve plan` wrote, the one holding plan.yml')
  }
  const manifestPath = join(dir, PLAN_FILE)
  if (!existsSync(manifestPath)) {
    throw refuse('plan.missing', `${manifestPath} does not exist`, 'pass the folder `carve plan` wrote, the one holding plan.yml')
  }
  const manifest = parseManifest(manifestPath, readFileSync(manifestPath, 'utf8'), REHASH_HINT)
  const steps = manifest.steps.map((step, index) => loadStep(dir, step, index, options.tolerateEdits ?? false))
  return {dir, manifest, steps}
}

function loadStep(dir: string, step: PlanStep, index: number, tolerateEdits: boolean): LoadedStep {
  const files: Record<string, string> = {}
  const edited: NonNullable<LoadedStep['edited']> = []
  for (const [key, rel] of Object.entries(step.files)) {
    const path = join(dir, rel)
    if (!existsSync(path) || !statSync(path).isFile()) {
      if (tolerateEdits) {
        edited.push({key, path: rel, problem: 'missing'})
        continue
      }
      throw refuse('plan.file-missing', `step ${step.id}: ${path} (its ${key} file) is missing`, 'restore it from version control, or regenerate the plan with `carve plan`')
    }
    const bytes = readFileSync(path)
    const actual = sha256(bytes)
    const expected = step.checksums[key]!
    if (actual !== expected && tolerateEdits) edited.push({key, path: rel, problem: 'changed'})
    else if (actual !== expected) {
      throw refuse(
        'plan.checksum',
        `step ${step.id}: ${path} was changed after the plan was generated (sha256 ${actual.slice(0, 12)}… ≠ ${expected.slice(0, 12)}… in plan.yml)${bytes.length === 0 ? '; it is empty' : ''}`,
        REHASH_HINT,
      )
    }
    files[key] = bytes.toString('utf8')
  }
  for (const key of Object.keys(step.checksums)) {
    if (!(key in step.files)) throw refuse('plan.invalid', `step ${step.id}: checksums lists "${key}", which is not among its files`, REHASH_HINT)
  }
  const kind = definitionOf(step.kind)
  // A plain SQL step needs something to run.
  if (kind.needsUpFile && !step.files.up) {
    throw refuse('plan.invalid', `step ${step.id} (${step.kind}) has no up file in plan.yml`, 'regenerate the plan with `carve plan`')
  }
  // Its settings, checked now: a hand-edited spec is refused before anything runs, not half way.
  const settings = kind.settings.safeParse(step.spec)
  if (!settings.success) {
    const issue = settings.error.issues[0]!
    const at = issue.path.length ? `spec.${issue.path.join('.')}` : 'spec'
    throw refuse('plan.spec', `step ${step.id} (${step.kind}): ${at}: ${issue.message}`, 'regenerate the plan with `carve plan` rather than editing a step\'s spec by hand')
  }
  return {step, files, checksum: stepChecksum(step.checksums), index, ...(edited.length ? {edited} : {})}
}

/** Find a step by full id or by a unique prefix ("004" for "004-move-to-schema-orders"). */
export function findStep(plan: LoadedPlan, ref: string, flag: string): LoadedStep {
  const exact = plan.steps.find((s) => s.step.id === ref)
  if (exact) return exact
  const matches = plan.steps.filter((s) => s.step.id.startsWith(ref))
  if (matches.length === 1) return matches[0]!
  const list = plan.steps.map((s) => s.step.id)
  throw refuse(
    'usage.step',
    matches.length > 1 ? `${flag} ${ref} matches ${matches.length} steps: ${matches.map((s) => s.step.id).join(', ')}` : `${flag} ${ref}: no such step in plan "${plan.manifest.name}"`,
    `steps: ${list.slice(0, 8).join(', ')}${list.length > 8 ? ', …' : ''}`,
  )
}

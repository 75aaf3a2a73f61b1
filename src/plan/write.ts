/**
 * Writing a plan folder, comparing one with what would be generated (`--check`), and re-hashing
 * after a reviewed hand edit (`--rehash`). The folder belongs to the plan: files Carve no longer
 * generates are removed, but only inside a folder that already holds a plan.yml — Carve never
 * empties a folder it did not create.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import {stringify} from 'yaml'

import {CarveError, EXIT} from '../errors.js'
import {parseManifest, planJsonSchema, sha256} from './manifest.js'
import type {GeneratedPlan, PlanManifest} from './model.js'

export const MANIFEST = 'plan.yml'

export const MANIFEST_SCHEMA = 'plan.schema.json'

// The first line points editors using the YAML language server at the schema beside the file.
const MANIFEST_HEADER = `# yaml-language-server: $schema=./${MANIFEST_SCHEMA}
# Carve migration plan. Steps run in this order with \`carve apply <this folder>\`.
# Checksums guard every file: after a reviewed edit run \`carve plan --rehash <this folder>\`.
`

export function manifestText(manifest: PlanManifest): string {
  return MANIFEST_HEADER + stringify(manifest, {lineWidth: 0, aliasDuplicateObjects: false})
}

/** Every file of the plan, plan.yml included, as it would be on disk. */
export function planFiles(plan: GeneratedPlan): Map<string, string> {
  const all = new Map(plan.files)
  all.set(MANIFEST, manifestText(plan.manifest))
  all.set(MANIFEST_SCHEMA, JSON.stringify(planJsonSchema(), null, 2) + '\n')
  return new Map([...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, {withFileTypes: true})) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else out.push(relative(dir, path).split('\\').join('/'))
    }
  }
  if (existsSync(dir)) walk(dir)
  return out.sort()
}

/**
 * Where a plan folder sits in its repository (posix, from the root holding .git), so commands in
 * its README and CODEOWNERS patterns are right whatever folder carve ran from; the path as given
 * when the folder is in no repository.
 */
export function planLocation(dir: string): string {
  const absolute = resolve(dir)
  for (let d = absolute; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return relative(d, absolute).split('\\').join('/') || '.'
    if (dirname(d) === d) return dir.replace(/\\/g, '/').replace(/\/+$/, '') || '.'
  }
}

/** Images `--render` made beside the diagrams: outputs of the plan, not part of it (never drift, never removed). */
export function isRendered(path: string): boolean {
  return /\.(svg|png)$/i.test(path)
}

/** Files Carve may delete in a plan folder: what it generates, never a person's notes beside them. */
function isGenerated(path: string): boolean {
  return path === MANIFEST || path === MANIFEST_SCHEMA || path === 'README.md' || path === '.gitattributes' || path === 'CODEOWNERS' || (/^(steps|contexts|diagrams|knex)\//.test(path) && !isRendered(path))
}

export interface WriteResult {
  written: number
  unchanged: number
  removed: string[]
}

export function writePlan(dir: string, plan: GeneratedPlan, options: {force?: boolean} = {}): WriteResult {
  const files = planFiles(plan)
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new CarveError('plan.out', `${dir} exists and is not a folder`, {exitCode: EXIT.usage})
    const existing = readdirSync(dir)
    if (existing.length && !existing.includes(MANIFEST) && !options.force) {
      throw new CarveError('plan.out', `${dir} is not empty and holds no plan.yml: refusing to write a plan into it`, {
        exitCode: EXIT.usage,
        hint: 'choose another --out folder, or pass --force to write into it anyway',
      })
    }
  }
  const result: WriteResult = {written: 0, unchanged: 0, removed: []}
  for (const old of listFiles(dir)) {
    if (isGenerated(old) && !files.has(old)) {
      rmSync(join(dir, old))
      result.removed.push(old)
    }
  }
  removeEmptyFolders(dir)
  for (const [path, content] of files) {
    const target = join(dir, path)
    if (existsSync(target) && readFileSync(target, 'utf8') === content) {
      result.unchanged++
      continue
    }
    mkdirSync(dirname(target), {recursive: true})
    const tmp = `${target}.${process.pid}.tmp`
    writeFileSync(tmp, content)
    renameSync(tmp, target)
    result.written++
  }
  return result
}

function removeEmptyFolders(dir: string): void {
  if (!existsSync(dir)) return
  const walk = (d: string): boolean => {
    let empty = true
    for (const entry of readdirSync(d, {withFileTypes: true})) {
      if (entry.isDirectory()) {
        const sub = join(d, entry.name)
        if (walk(sub)) rmSync(sub, {recursive: true})
        else empty = false
      } else empty = false
    }
    return empty
  }
  walk(dir)
}

export interface Drift {
  changed: string[]
  missing: string[]
  extra: string[]
}

/** What differs between the folder and the plan that would be generated now. */
export function comparePlan(dir: string, plan: GeneratedPlan): Drift {
  const files = planFiles(plan)
  const drift: Drift = {changed: [], missing: [], extra: []}
  for (const [path, content] of files) {
    const target = join(dir, path)
    if (!existsSync(target)) drift.missing.push(path)
    else if (readFileSync(target, 'utf8') !== content) drift.changed.push(path)
  }
  for (const path of listFiles(dir)) if (isGenerated(path) && !files.has(path)) drift.extra.push(path)
  return drift
}

/** Read and validate a plan.yml (for --rehash); errors name the line. */
export function readManifest(dir: string): PlanManifest {
  const path = join(dir, MANIFEST)
  if (!existsSync(path)) throw new CarveError('plan.missing', `${path} does not exist`, {exitCode: EXIT.usage, hint: 'generate a plan with carve plan --out DIR'})
  return parseManifest(path, readFileSync(path, 'utf8'))
}

/** Recompute the checksums of every listed file after a reviewed edit. Returns the files whose sum changed. */
export function rehashPlan(dir: string): string[] {
  const manifest = readManifest(dir)
  const changed: string[] = []
  for (const step of manifest.steps) {
    for (const [name, file] of Object.entries(step.files)) {
      const path = join(dir, file)
      if (!existsSync(path)) throw new CarveError('plan.missing-file', `${file} (step ${step.id}) does not exist`, {exitCode: EXIT.usage})
      const sum = sha256(readFileSync(path, 'utf8'))
      if (step.checksums[name] !== sum) {
        step.checksums[name] = sum
        changed.push(file)
      }
    }
  }
  if (changed.length) writeFileSync(join(dir, MANIFEST), manifestText(manifest))
  return changed
}

/**
 * The plan builder: resolved input → ordered, numbered steps with their files and the manifest.
 * Pure and deterministic: no clock, no randomness, stable orders — the same inputs give
 * byte-identical files, so plans diff cleanly in review.
 *
 * Order (each context climbs the maturity levels; a step waits for what it stands on) is the
 * registry's (src/steps/registry.ts): each step kind's planner for the catalog's engine adds its
 * drafts; this numbers them and writes the manifest.
 */
import type {PlanInput} from './context.js'
import {sha256} from './manifest.js'
import {type GeneratedPlan, PLAN_FORMAT, type PlanManifest, type PlanStep} from './model.js'
import {stepFolder} from './plan-paths.js'
import type {StepDraft} from '../steps/draft.js'
import {PlanBuild} from '../steps/plan-build.js'
import {planWithRegistry} from '../steps/registry.js'
import type {SplitMode} from '../steps/split/spec.js'

export interface BuildOptions {
  /** Highest maturity level the plan climbs to (default 4: everything inside the shared database). */
  targetLevel?: number
  /** Add the physical split (own database per context, logical replication, cut-over). */
  split?: boolean
  /** How the split's target follows the source (default: chosen by the split's spec). */
  splitMode?: SplitMode
  /** Version string recorded in plan.yml. */
  generatedBy?: string
  /** Extra plan files (API stubs, diagrams, documents), by path. */
  documents?: (input: PlanInput, manifest: PlanManifest, notes: string[]) => Map<string, string>
}

/** The drafts of every registered kind, for the catalog's engine, in registry order. */
export function planDrafts(input: PlanInput, options: BuildOptions = {}): {drafts: StepDraft[]; notes: string[]} {
  const build = new PlanBuild(input, {level: options.targetLevel ?? 4, split: options.split ?? false, splitMode: options.splitMode})
  for (const c of input.contexts) if (c.tables.length === 0) build.notes.push(`context ${c.name} has no tables in the database: no steps for it`)
  const n = input.unassigned.length
  if (n) build.notes.push(`${n} table${n === 1 ? ' belongs' : 's belong'} to no context and stay${n === 1 ? 's' : ''} where ${n === 1 ? 'it is' : 'they are'}: ${input.unassigned.slice(0, 12).join(', ')}${n > 12 ? ', …' : ''}`)
  planWithRegistry(build, input.catalog.database.engine)
  checkDrafts(build.drafts)
  return {drafts: build.drafts, notes: build.notes}
}

/** Every dependency names an earlier draft, keys are unique: a broken generator fails here, not at apply. */
function checkDrafts(drafts: StepDraft[]): void {
  const seen = new Set<string>()
  for (const d of drafts) {
    if (seen.has(d.key)) throw new Error(`plan builder: step key ${d.key} used twice`)
    for (const dep of d.dependsOn) if (!seen.has(dep)) throw new Error(`plan builder: ${d.key} depends on ${dep}, which is not an earlier step`)
    seen.add(d.key)
  }
}

const FILE_NAMES = {up: 'up.sql', down: 'down.sql', verify: 'verify.sql', readme: 'README.md'} as const

export function buildPlan(input: PlanInput, options: BuildOptions = {}): GeneratedPlan {
  const {drafts, notes} = planDrafts(input, options)
  const width = Math.max(3, String(drafts.length).length)
  const idOf = new Map<string, string>()
  drafts.forEach((d, i) => idOf.set(d.key, `${String(i + 1).padStart(width, '0')}-${d.key}`))
  const files = new Map<string, string>()
  const steps: PlanStep[] = drafts.map((d) => {
    const id = idOf.get(d.key)!
    const dir = stepFolder(d.context, id)
    const contents: Record<string, string> = {up: d.up, down: d.down, verify: d.verify, readme: d.readme}
    const paths: Record<string, string> = {}
    const checksums: Record<string, string> = {}
    for (const [name, file] of Object.entries(FILE_NAMES)) {
      paths[name] = `${dir}/${file}`
      files.set(paths[name], normalise(contents[name]!))
      checksums[name] = sha256(files.get(paths[name])!)
    }
    for (const [file, content] of Object.entries(d.extraFiles ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const name = file.replace(/\.[^.]+$/, '')
      paths[name] = `${dir}/${file}`
      files.set(paths[name], normalise(content))
      checksums[name] = sha256(files.get(paths[name])!)
    }
    const step: PlanStep = {
      id,
      title: d.title,
      context: d.context,
      kind: d.kind,
      level: d.level,
      depends_on: d.dependsOn.map((k) => idOf.get(k)!),
      transactional: d.transactional,
      locks: d.locks,
      irreversible: d.irreversible ?? false,
      files: paths,
      checksums,
    }
    if (d.spec) step.spec = d.spec
    return step
  })
  const manifest: PlanManifest = {
    format: PLAN_FORMAT,
    name: input.name,
    engine: input.catalog.database.engine,
    generated_by: options.generatedBy ?? 'carve',
    inputs: input.inputHashes,
    target_level: options.split ? 5 : Math.min(5, Math.max(1, options.targetLevel ?? 4)),
    conventions: {
      role_prefix: input.conventions.rolePrefix,
      meta_schema: input.conventions.metaSchema,
      outbox_table: input.conventions.outboxTable,
      reporting_service: input.conventions.reportingService,
      // Recorded only when not the default, so plans made before the option read the same.
      ...(input.conventions.compat === 'search-path' ? {compat: 'search-path' as const} : {}),
    },
    contexts: input.contexts.map((c) => ({name: c.name, owner: c.owner, schema: c.schema, role: c.role, tables: c.tables.map((t) => t.key)})),
    steps,
  }
  if (options.documents) for (const [path, content] of options.documents(input, manifest, notes)) files.set(path, normalise(content))
  return {manifest, files, notes}
}

/**
 * Exactly one trailing newline. Nothing inside is touched: a quoted identifier may legitimately
 * hold blank lines or trailing spaces, and rewriting it would change which table the SQL names.
 */
function normalise(text: string): string {
  return `${text.replace(/\s+$/, '')}\n`
}

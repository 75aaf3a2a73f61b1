/**
 * The plan builder: resolved input → ordered, numbered steps with their files and the manifest.
 * Pure and deterministic: no clock, no randomness, stable orders — the same inputs give
 * byte-identical files, so plans diff cleanly in review.
 *
 * Order (each context climbs the maturity levels; a step waits for what it stands on):
 *   0→1 document ownership · 1→2 move into the context's schema · service roles · grants ·
 *   2→3 replace cross-context FKs · 3→4 outbox · read models · (→3/5 physical split, opt-in)
 */
import type {PlanInput} from './context.js'
import {sha256} from './manifest.js'
import {type GeneratedPlan, PLAN_FORMAT, type PlanManifest, type PlanStep} from './model.js'
import {stepFolder} from './plan-paths.js'
import {Locator, schemaExisted} from './steps/common.js'
import {ownershipStep} from './steps/document-ownership.js'
import {foreignKeysStep} from './steps/foreign-keys.js'
import {grantsStep, rolesStep} from './steps/grants.js'
import {moveStep} from './steps/move-to-schema.js'
import {outboxNameNote, outboxStep} from './steps/outbox.js'
import {readModelsStep, reportingReadModelsStep} from './steps/read-models.js'
import type {StepDraft} from './steps/types.js'

export interface BuildOptions {
  /** Highest maturity level the plan climbs to (default 4: everything inside the shared database). */
  targetLevel?: number
  /** Add the physical split (own database per context, logical replication, cut-over). */
  split?: boolean
  /** Version string recorded in plan.yml. */
  generatedBy?: string
  /** Extra plan files (API stubs, diagrams, documents), by path. */
  documents?: (input: PlanInput, manifest: PlanManifest, notes: string[]) => Map<string, string>
  /** The MySQL/MariaDB subset (logical databases instead of schemas, no outbox or split yet). */
  mysqlDrafts?: (input: PlanInput, level: number) => {drafts: StepDraft[]; notes: string[]}
  /** Physical split drafts for a context, after the given draft key. */
  splitSteps?: (ctx: PlanInput['contexts'][number], input: PlanInput, after: string) => StepDraft[]
}

export function planDrafts(input: PlanInput, options: BuildOptions = {}): {drafts: StepDraft[]; notes: string[]} {
  const level = options.targetLevel ?? 4
  if (input.catalog.database.engine === 'mysql') {
    if (!options.mysqlDrafts) return {drafts: [], notes: ['plans for MySQL/MariaDB are not supported in this build']}
    const result = options.mysqlDrafts(input, level)
    checkDrafts(result.drafts)
    return result
  }
  const notes: string[] = []
  const drafts: StepDraft[] = []
  const contexts = input.contexts.filter((c) => c.tables.length > 0)
  for (const c of input.contexts) if (c.tables.length === 0) notes.push(`context ${c.name} has no tables in the database: no steps for it`)
  if (input.unassigned.length) notes.push(`${input.unassigned.length} table${input.unassigned.length === 1 ? ' belongs' : 's belong'} to no context and stay${input.unassigned.length === 1 ? 's' : ''} where ${input.unassigned.length === 1 ? 'it is' : 'they are'}: ${input.unassigned.slice(0, 12).join(', ')}${input.unassigned.length > 12 ? ', …' : ''}`)

  for (const c of contexts) drafts.push(ownershipStep(c, input))
  const moved = level >= 2 ? contexts : []
  const locator = new Locator(input, moved)
  if (level >= 2) {
    for (const c of contexts) {
      drafts.push(moveStep(c, input))
      if (schemaExisted(input, c.schema) && c.tables.some((t) => t.table.schema !== c.schema)) {
        notes.push(`schema ${c.schema} existed before this plan: context ${c.name}'s tables move into it, and rollback leaves the schema (and whatever else it holds) in place`)
      }
    }
    drafts.push(rolesStep(input))
    for (const c of contexts) drafts.push(grantsStep(c, input, locator, true))
  }
  const movedKey = (name: string) => (level >= 2 && contexts.some((c) => c.name === name) ? [`move-to-schema-${name}`] : [])
  const lastOf = new Map<string, string>()
  for (const d of drafts) if (d.context) lastOf.set(d.context, d.key)
  if (level >= 3) {
    for (const c of contexts) {
      const deps = [...new Set([...movedKey(c.name), ...c.fksOut.flatMap((f) => movedKey(f.to.context))])]
      const d = foreignKeysStep(c, input, locator, deps.length ? deps : [`document-ownership-${c.name}`])
      if (d) {
        drafts.push(d)
        lastOf.set(c.name, d.key)
      }
    }
  }
  if (level >= 4) {
    for (const c of contexts) {
      const d = outboxStep(c, input, locator, [lastOf.get(c.name)!])
      const note = outboxNameNote(c, input)
      if (d && note) notes.push(note)
      if (d) {
        drafts.push(d)
        lastOf.set(c.name, d.key)
      }
    }
    for (const c of contexts) {
      const sources = [...new Set(c.reachesInto.map((a) => a.context))].sort()
      const deps = [...new Set([lastOf.get(c.name)!, ...sources.flatMap(movedKey)])]
      const d = readModelsStep(c, input, locator, deps)
      if (d) {
        drafts.push(d)
        lastOf.set(c.name, d.key)
      }
    }
    const reporting = reportingReadModelsStep(input, contexts.flatMap((c) => movedKey(c.name)).filter((k) => drafts.some((d) => d.key === k)).concat(level >= 2 ? ['service-roles'] : []))
    if (reporting) drafts.push(reporting)
  }
  if (options.split || level >= 5) {
    if (!options.splitSteps) notes.push('the physical split is not available in this build')
    else if (input.catalog.database.engine !== 'postgres') notes.push('physical split: not supported on MySQL yet')
    else for (const c of contexts) drafts.push(...options.splitSteps(c, input, lastOf.get(c.name)!))
  } else {
    notes.push('the physical split (own database per context) is not part of this plan: add --split (or --target-level 5) once levels 2–4 hold and a split is justified')
  }
  checkDrafts(drafts)
  return {drafts, notes}
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

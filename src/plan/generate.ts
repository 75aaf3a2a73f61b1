/**
 * The plan stage as one function: catalog + boundaries + workload → a plan in memory (manifest,
 * step files, documents, API stubs, diagrams). Usable without the CLI; `carve plan` writes it.
 */
import type {BoundariesFile} from '../boundaries/file.js'
import {CarveError, EXIT} from '../errors.js'
import type {Catalog} from '../introspect/model.js'
import type {Workload} from '../workload/model.js'
import {buildPlan} from './build.js'
import {type PlanConventions, type PlanInput, resolvePlanInput} from './context.js'
import type {GeneratedPlan, PlanManifest} from './model.js'
import {contextErDiagram, cutoverSequence, dualWriteSequence, maturityDiagram} from './diagrams.js'
import {eventCatalog, ownershipDocument, planReadme} from './docs.js'
import {leadNotes} from '../steps/registry.js'
import type {SplitMode} from '../steps/split/spec.js'
import {knexFiles} from './knex-files.js'
import {codeowners, contextReadme, gitattributes, overviewDiagram, type ReviewOptions} from './review-files.js'
import {apiStubFiles} from './stubs/index.js'

export interface GenerateOptions {
  name: string
  only?: string[]
  targetLevel?: number
  split?: boolean
  /** The split's sync mode and why (commands/plan.ts chooses it from the server's wal_level). */
  splitMode?: {mode: SplitMode; reason: string}
  conventions?: Partial<PlanConventions>
  /** Facts about the server the plan cannot see in the catalog (commands/plan.ts reads them), said in the notes. */
  serverNotes?: string[]
  /** The plan folder from the repository root (default plans/<name>): commands and CODEOWNERS use it. */
  location?: string
  /** CODEOWNERS owners as @ORG/<owner> teams. */
  codeownersOrg?: string
  /** Also write knex/: a knexfile and one migration per step (`knex migrate:latest` runs the plan). */
  knex?: boolean
}

export const CARVE_VERSION = 'carve 0.1'

export function generatePlan(catalog: Catalog, boundaries: BoundariesFile, workload: Workload | null, options: GenerateOptions): GeneratedPlan {
  const unknown = (options.only ?? []).filter((c) => !boundaries.contexts.some((b) => b.name === c))
  if (unknown.length) throw new CarveError('plan.context', `unknown context${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {exitCode: EXIT.usage, hint: `the boundaries file has: ${boundaries.contexts.map((c) => c.name).join(', ')}`})
  const input = resolvePlanInput(catalog, boundaries, workload, {name: options.name, only: options.only, conventions: options.conventions})
  // Said up front, in the plan's README and in carve plan's notes: the split's mode and why, then
  // what the step kinds say of this plan on this engine (views the read models leave out, ...).
  const splitting = options.split || (options.targetLevel ?? 4) >= 5
  const splitNote = splitting && options.splitMode ? `physical split mode: ${options.splitMode.reason}` : null
  const kindNotes = leadNotes(catalog.database.engine, {input, targetLevel: options.targetLevel ?? 4, splitting: Boolean(splitting)})
  const extraNotes = [splitNote, ...kindNotes, ...(options.serverNotes ?? [])].filter((n): n is string => n !== null)
  const plan = buildPlan(input, {
    targetLevel: options.targetLevel,
    split: options.split,
    generatedBy: CARVE_VERSION,
    documents: (input, manifest, notes) => planDocuments(input, manifest, [...extraNotes, ...notes], {location: options.location ?? `plans/${options.name}`, codeownersOrg: options.codeownersOrg}),
    splitMode: options.splitMode?.mode,
  })
  // Steps with a spec are driven by Carve's executor: their migrations hand over to `carve apply`.
  if (options.knex) for (const [path, text] of knexFiles(plan.manifest, (step) => step.spec !== undefined)) plan.files.set(path, text)
  return extraNotes.length ? {...plan, notes: [...extraNotes, ...plan.notes]} : plan
}

/** Everything in the plan folder that is not a step: documents, API stubs, diagrams. */
export function planDocuments(input: PlanInput, manifest: PlanManifest, notes: string[], review: ReviewOptions = {location: `plans/${input.name}`}): Map<string, string> {
  const files = new Map<string, string>()
  const levels = ([0, 1, 2, 3, 4, 5] as const).map((level) => ({level, mermaid: maturityDiagram(input, level)}))
  for (const d of levels) files.set(`diagrams/level-${d.level}.mmd`, d.mermaid)
  files.set('README.md', planReadme(manifest, input, levels, notes, review.location, overviewDiagram(input)))
  files.set('.gitattributes', gitattributes())
  files.set('CODEOWNERS', codeowners(manifest, input, review))
  // Split sequences only for contexts this plan splits: elsewhere nothing would link to them.
  const splitting = new Set(manifest.steps.filter((s) => s.kind.startsWith('split-')).map((s) => s.context))
  for (const ctx of input.contexts) {
    if (ctx.tables.length === 0) continue
    const dir = `contexts/${ctx.name}`
    files.set(`${dir}/OWNERSHIP.md`, ownershipDocument(ctx, input))
    files.set(`${dir}/events.md`, eventCatalog(ctx, input))
    files.set(`${dir}/er.mmd`, contextErDiagram(ctx, input))
    if (splitting.has(ctx.name)) {
      files.set(`${dir}/dual-write.mmd`, dualWriteSequence(ctx))
      files.set(`${dir}/cutover.mmd`, cutoverSequence(ctx))
    }
  }
  for (const [path, text] of apiStubFiles(input)) files.set(path, text)
  const written = new Set(files.keys())
  for (const ctx of input.contexts) {
    if (ctx.tables.length) files.set(`contexts/${ctx.name}/README.md`, contextReadme(ctx, manifest, input, {...review, files: written}))
  }
  return files
}

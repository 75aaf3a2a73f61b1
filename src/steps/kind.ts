/**
 * What a step kind is: one folder under src/steps/ whose index.ts exports one StepKindDefinition
 * — how the kind is generated on each engine (or precisely why it does not exist there), the
 * settings its `spec` in plan.yml must match, the runner the executor calls, and its README
 * template. The registry (registry.ts) lists the definitions; the plan builder and the executor
 * read nothing else (pgroll's idea: an operation is one type with start/complete/rollback/validate).
 */
import type {z} from 'zod'

import type {StepRunner} from '../execute/runner.js'
import type {Blocker, ServerFacts} from '../execute/server-facts.js'
import type {Engine} from '../introspect/model.js'
import type {PlanManifest, PlanStep, StepKind} from '../plan/model.js'
import type {PlanBuild} from './plan-build.js'

/** Adds a kind's drafts (and notes) to the plan being built, in registry order. */
export type Planner = (build: PlanBuild) => void

/** A note said before every other note of the plan (in its README and in `carve plan`'s output). */
export type LeadNote = (facts: {input: PlanBuild['input']; targetLevel: number; splitting: boolean}) => string | null

/** How a kind comes to exist in a plan for one engine. */
export type EngineGeneration =
  /** Its planner drafts it. */
  | {plan: Planner; leadNote?: LeadNote}
  /** Drafted by another kind's planner, as one group per context (the split's five steps). */
  | {groupedWith: StepKind}
  /** It does not exist on this engine: why, said precisely; a planner here only adds notes. */
  | {unsupported: string; plan?: Planner}

/** What stops a step of the kind on this server, found before step 1 runs (pure: facts in, blockers out). */
export type Preflight = (step: PlanStep, manifest: Pick<PlanManifest, 'contexts'>, facts: ServerFacts) => Blocker[]

export interface StepKindDefinition {
  kind: StepKind
  generate: Record<Engine, EngineGeneration>
  /** The step's `spec` in plan.yml, checked when a plan is loaded (plain SQL kinds have none). */
  settings: z.ZodType
  /** Loaded when a step of the kind runs: planning never loads the executor's machinery. */
  runner: () => Promise<StepRunner>
  /** Plain SQL kinds run up.sql, so a plan must list one; runners of their own may not need it. */
  needsUpFile: boolean
  /** Its README template, under templates/steps/. */
  readme: string
  /** What the kind needs of the server, checked for every pending step before a run starts. */
  preflight?: Preflight
}

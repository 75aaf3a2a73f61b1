/**
 * Every step kind, once, in the order the plan builder drafts them (which is the order a context
 * climbs the maturity levels): the builder (plan/build.ts) calls each kind's planner for the
 * plan's engine in this order, plan loading (execute/plan-files.ts) checks each step's settings
 * against its kind, and the executor (execute/executor.ts) runs every step through its kind's
 * runner. Adding a kind is its folder under src/steps/ and one line here.
 */
import type {Engine} from '../introspect/model.js'
import type {StepKind} from '../plan/model.js'
import {documentOwnership} from './document-ownership/index.js'
import {grants} from './grants/index.js'
import type {LeadNote, StepKindDefinition} from './kind.js'
import {moveToSchema} from './move-to-schema/index.js'
import {outbox} from './outbox/index.js'
import type {PlanBuild} from './plan-build.js'
import {readModels} from './read-models/index.js'
import {replaceForeignKeys} from './replace-foreign-keys/index.js'
import {serviceRoles} from './service-roles/index.js'
import {splitCopy} from './split-copy/index.js'
import {splitCutover} from './split-cutover/index.js'
import {splitDecommission} from './split-decommission/index.js'
import {splitPrepare} from './split-prepare/index.js'
import {splitSync} from './split-sync/index.js'

export const STEP_REGISTRY: readonly StepKindDefinition[] = [
  documentOwnership,
  moveToSchema,
  serviceRoles,
  grants,
  replaceForeignKeys,
  outbox,
  readModels,
  splitPrepare,
  splitCopy,
  splitSync,
  splitCutover,
  splitDecommission,
]

const BY_KIND = new Map<StepKind, StepKindDefinition>(STEP_REGISTRY.map((d) => [d.kind, d]))

export function definitionOf(kind: StepKind): StepKindDefinition {
  const found = BY_KIND.get(kind)
  // plan.yml's kind is validated against STEP_KINDS, and the registry test keeps both in step.
  if (!found) throw new Error(`step kind ${kind} is not registered in src/steps/registry.ts`)
  return found
}

/** Every registered kind's planner for the engine, in registry order. */
export function planWithRegistry(build: PlanBuild, engine: Engine): void {
  for (const d of STEP_REGISTRY) {
    const g = d.generate[engine]
    if ('plan' in g && g.plan) g.plan(build)
  }
}

/** The notes said before all others, from the kinds that have one on this engine. */
export function leadNotes(engine: Engine, facts: Parameters<LeadNote>[0]): string[] {
  return STEP_REGISTRY.flatMap((d) => {
    const g = d.generate[engine]
    const note = 'leadNote' in g && g.leadNote ? g.leadNote(facts) : null
    return note === null ? [] : [note]
  })
}

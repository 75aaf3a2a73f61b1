/**
 * What a step generator returns before the plan builder numbers it and writes its folder.
 * Generators are pure functions of the resolved input (context.ts): no I/O, no clock, no
 * randomness, so the same inputs give byte-identical plans.
 */
import type {StepKind} from '../plan/model.js'

export interface StepDraft {
  /** Unique slug within the plan, e.g. `move-to-schema-orders`; the builder prefixes a number. */
  key: string
  title: string
  context: string | null
  kind: StepKind
  level: {from: number; to: number}
  /** Keys of drafts that must be applied first. */
  dependsOn: string[]
  transactional: boolean
  /** Tables (qualified, as text) the step locks. */
  locks: string[]
  irreversible?: boolean
  up: string
  down: string
  verify: string
  /** Markdown: what, why, risk, expected lock and duration. */
  readme: string
  /** More files in the step folder, by file name (reconcile.sql, target.sql, ...). */
  extraFiles?: Record<string, string>
  spec?: Record<string, unknown>
}

/**
 * A plan while its planners build it: the drafts and notes so far, and the facts later kinds
 * stand on (which contexts were moved into their schema, where each table is now). The builder
 * (plan/build.ts) makes one, calls each registered kind's planner for the plan's engine in
 * registry order, and numbers the drafts. Pure: no I/O, clock or randomness.
 */
import type {ContextSpec, PlanInput} from '../plan/context.js'
import {Locator} from './common.js'
import type {StepDraft} from './draft.js'
import type {SplitMode} from './split/spec.js'

export interface BuildSettings {
  /** Highest maturity level the plan climbs to. */
  level: number
  /** The physical split was asked for (--split); level 5 asks for it too. */
  split: boolean
  splitMode?: SplitMode
}

export class PlanBuild {
  readonly drafts: StepDraft[] = []
  readonly notes: string[] = []
  /** Contexts with tables in the database: the only ones that get steps. */
  readonly contexts: ContextSpec[]
  /** Contexts moved into their own schema (MySQL: database) by this plan. */
  moved: ContextSpec[] = []
  /** Where each table is once the moves are applied. */
  locator: Locator

  constructor(readonly input: PlanInput, readonly settings: BuildSettings) {
    this.contexts = input.contexts.filter((c) => c.tables.length > 0)
    this.locator = new Locator(input, [])
  }

  get level(): number {
    return this.settings.level
  }

  get splitting(): boolean {
    return this.settings.split || this.settings.level >= 5
  }

  add(...drafts: (StepDraft | null)[]): void {
    for (const d of drafts) if (d) this.drafts.push(d)
  }

  has(key: string): boolean {
    return this.drafts.some((d) => d.key === key)
  }

  setMoved(contexts: ContextSpec[]): void {
    this.moved = contexts
    this.locator = new Locator(this.input, contexts)
  }

  isMoved(name: string): boolean {
    return this.moved.some((c) => c.name === name)
  }

  /** The move step's key when the context is moved: what a step reading its tables waits for. */
  movedKey(name: string): string[] {
    return this.isMoved(name) ? [`move-to-schema-${name}`] : []
  }

  /** The key of the context's latest draft: its next step depends on it. */
  last(context: string): string {
    for (let i = this.drafts.length - 1; i >= 0; i--) if (this.drafts[i]!.context === context) return this.drafts[i]!.key
    throw new Error(`plan builder: context ${context} has no step yet`)
  }
}

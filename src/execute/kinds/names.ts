/**
 * The step kinds that have a runner of their own (kinds/index.ts maps each to it); every other
 * kind is a plain SQL step. A leaf: plan loading (plan-files.ts) asks "does this kind need an
 * up file?" without importing the runners, which import most of the executor.
 */
import type {StepKind} from '../../plan/model.js'

export const RUNNER_KINDS = ['split-prepare', 'split-copy', 'split-sync', 'split-cutover', 'split-decommission'] as const satisfies readonly StepKind[]

export type RunnerKind = (typeof RUNNER_KINDS)[number]

export function hasRunner(kind: StepKind): kind is RunnerKind {
  return (RUNNER_KINDS as readonly StepKind[]).includes(kind)
}

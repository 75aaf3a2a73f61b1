/**
 * A plain SQL kind: its files are the whole step (up.sql / verify.sql / down.sql), run by the one
 * SQL runner (./runner.ts), with no settings of its own in plan.yml.
 */
import {z} from 'zod'

import type {StepKind} from '../../plan/model.js'
import type {EngineGeneration, StepKindDefinition} from '../kind.js'

/** A plain SQL step carries no `spec`. */
export const NO_SETTINGS = z.undefined({message: 'this kind of step takes no spec'})

export function sqlKind(kind: StepKind, generate: StepKindDefinition['generate'], more: Pick<StepKindDefinition, 'preflight'> = {}): StepKindDefinition {
  return {
    ...more,
    kind,
    generate,
    settings: NO_SETTINGS,
    // Loaded when a step runs: planning never loads the executor.
    runner: () => import('./runner.js').then((m) => m.sqlRunner),
    needsUpFile: true,
    readme: `${kind}.md`,
  }
}

export type {EngineGeneration}

/**
 * Step kinds the executor cannot run as plain SQL, each with its StepRunner. Every kind not
 * listed here is a SQL step: up.sql / verify.sql / down.sql run by the executor (sql-step.ts).
 *
 * Adding a runner is its name in names.ts, one import and one entry:
 *   import {splitCopyRunner} from './split-copy.js'
 *   ...
 *   'split-copy': splitCopyRunner,
 */
import type {StepKind} from '../../plan/model.js'
import type {StepRunner} from '../runner.js'
import {hasRunner, type RunnerKind} from './names.js'
import {splitCopyRunner} from './split-copy.js'
import {splitCutoverRunner} from './split-cutover.js'
import {splitDecommissionRunner} from './split-decommission.js'
import {splitPrepareRunner} from './split-prepare.js'
import {splitSyncRunner} from './split-sync.js'

// Typed by names.ts: a kind listed there without a runner here (or the reverse) does not compile.
const RUNNERS: Record<RunnerKind, StepRunner> = {
  'split-prepare': splitPrepareRunner,
  'split-copy': splitCopyRunner,
  'split-sync': splitSyncRunner,
  'split-cutover': splitCutoverRunner,
  'split-decommission': splitDecommissionRunner,
}

export function runnerFor(kind: StepKind): StepRunner | undefined {
  return hasRunner(kind) ? RUNNERS[kind] : undefined
}

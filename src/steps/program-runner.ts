/**
 * A long step's program (copy, sync, cut-over, ...) as a StepRunner: the program does the work and
 * keeps its checkpoint; this records the outcome in the ledger once the program's verify passes,
 * and turns Ctrl-C into 'interrupted' with the checkpoint kept, so the next apply resumes.
 */
import type {z} from 'zod'

import type {StepContext, StepProgram, StepRunner, StepTiming} from '../execute/runner.js'
import type {StepKind} from '../plan/model.js'
import type {Preflight, StepKindDefinition} from './kind.js'

function took(started: number): StepTiming {
  // Programs wait and retry inside (cut-over attempts report their own pauses as progress).
  return {durationMs: performance.now() - started, waitedMs: 0, retries: 0}
}

export function programRunner(program: StepProgram): StepRunner {
  return {
    async apply(ctx: StepContext) {
      const started = performance.now()
      const {step} = ctx.run
      try {
        await program.apply(ctx, step)
        if (ctx.signal.aborted) {
          await ctx.ledger.event(step.id, 'checkpoint', 'interrupted; the next apply resumes from the saved checkpoint')
          return 'interrupted'
        }
        await program.verify(ctx, step)
        const t = took(started)
        await ctx.ledger.markApplied(ctx.run, t.durationMs, `applied in ${Math.round(t.durationMs)} ms`)
        return t
      } catch (error) {
        if (ctx.signal.aborted) {
          await ctx.ledger.event(step.id, 'checkpoint', `interrupted (${(error as Error).message}); the next apply resumes from the saved checkpoint`).catch(() => {})
          return 'interrupted'
        }
        throw error
      }
    },
    async rollback(ctx) {
      const started = performance.now()
      await program.rollback(ctx, ctx.run.step)
      const t = took(started)
      await ctx.ledger.markRolledBack(ctx.run, t.durationMs)
      return t
    },
    async verify(ctx) {
      await program.verify(ctx, ctx.run.step)
      return true
    },
    describeApply: async (s) => program.describe(s.step, s.files),
    describeRollback: async (s) => `-- rolled back by the ${s.step.kind} runner\n${s.files.down ?? ''}`,
    dryRunLabel: ', run by the executor',
    // Any checkpoint: the program's rollback knows how far it got.
    undoes: () => true,
    applyFailureHint: () => 'the step stopped where it was (its checkpoint is kept); fix the cause and run carve apply again to resume it',
    rollbackFailureHint: (_s, dialect) => dialect.partialRollbackHint,
  }
}

/** A kind run by a program of its own: its settings are required, its files are what the program reads. */
export function programKind(kind: StepKind, generate: StepKindDefinition['generate'], settings: z.ZodType, load: () => Promise<StepProgram>, preflight: Preflight): StepKindDefinition {
  return {kind, generate, settings, runner: () => load().then(programRunner), needsUpFile: false, readme: `${kind}.md`, preflight}
}

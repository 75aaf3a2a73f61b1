/**
 * split-cutover: the bounded write pause, final catch-up, exact parity, the switch and reverse
 * replication (src/execute/cutover.ts); its rollback is the same in the other direction, so the
 * writes the target took after the cut-over are kept.
 */
import type {PlanStep} from '../../plan/model.js'
import {ident} from '../../plan/quote.js'
import {cutOver, switchBack, verifyCutover} from '../../execute/cutover.js'
import type {RunContext, StepProgram} from '../../execute/runner.js'
import {Interrupted} from '../../execute/interrupted.js'
import {fileOf, requireServer, splitSpecOf} from '../../execute/replication.js'

export const splitCutoverRunner: StepProgram = {
  async apply(ctx: RunContext, step: PlanStep): Promise<void> {
    requireServer(ctx.conn)
    try {
      await cutOver(ctx, splitSpecOf(step), fileOf(ctx.files, 'up', step))
    } catch (error) {
      // Ctrl-C: nothing was switched (or the switch committed and the next apply finishes it).
      if (ctx.signal.aborted) throw new Interrupted()
      throw error
    }
  },

  async verify(ctx: RunContext, step: PlanStep): Promise<void> {
    requireServer(ctx.conn)
    await verifyCutover(ctx, splitSpecOf(step), fileOf(ctx.files, 'verify', step))
  },

  async rollback(ctx: RunContext, step: PlanStep): Promise<void> {
    requireServer(ctx.conn)
    await switchBack(ctx, splitSpecOf(step), fileOf(ctx.files, 'down', step))
  },

  describe(step: PlanStep, files: Partial<Record<string, string>>): string {
    const spec = splitSpecOf(step)
    const tables = spec.tables.map((t) => `${ident(t.source.schema)}.${ident(t.source.name)}`).join(', ')
    return `-- before the pause: ${spec.mode === 'logical-replication' ? `reverse publication ${spec.reverse.publication} and slot ${spec.reverse.slot} in ${spec.target_database}, subscription ${spec.reverse.subscription} (disabled) in ${spec.source_database}` : 'nothing (change capture)'}; full parity with repair, then incremental passes (writes running; with logical replication each repair holds the truth rows FOR SHARE until the copy caught up, so it never races the stream)
-- the pause, at most maxPauseMs, aborted and retried otherwise:
BEGIN; SET LOCAL lock_timeout = '<lock timeout>';
LOCK TABLE ${tables} IN EXCLUSIVE MODE;
--   final catch-up, exact parity of the rows changed since the last pass (repairing from the source), sequences, reverse slot at the switch point, target triggers enabled
${(files.up ?? '').trim()}
COMMIT;
-- after: ${spec.mode === 'logical-replication' ? `forward subscription ${spec.subscription} and slot ${spec.slot} dropped, reverse subscription enabled` : 'writes in the target are captured for the source copies'}`
  },
}

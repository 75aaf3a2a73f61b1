/** The ledger's split cut-over rows, read the same way on every engine. */
import type {LedgerCutover} from '../assess-model.js'

/** A ledger row, whatever optional columns this executor version has. */
export function cutoverRow(row: Record<string, unknown>): LedgerCutover {
  const text = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v))
  let checkpoint = row.checkpoint as Record<string, unknown> | string | null | undefined
  if (typeof checkpoint === 'string') {
    try {
      checkpoint = JSON.parse(checkpoint) as Record<string, unknown>
    } catch {
      checkpoint = null
    }
  }
  const cp = (checkpoint && typeof checkpoint === 'object' ? checkpoint : {}) as Record<string, unknown>
  const step = text(row.step ?? row.step_id) ?? ''
  const fromId = /^\d+-split-cutover-(.+)$/.exec(step)?.[1] ?? null
  return {
    plan: text(row.plan ?? row.plan_name) ?? '',
    step,
    state: text(row.state) ?? '',
    appliedAt: text(row.applied_at),
    targetDatabase: text(cp.target_database ?? cp.targetDatabase),
    context: text(cp.context ?? row.context) ?? fromId,
  }
}

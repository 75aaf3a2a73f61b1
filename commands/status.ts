import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {formatWhen, planArg} from '../src/execute/cli-support.js'
import {planStatus, type StatusResult} from '../src/execute/executor.js'
import {describeJournal} from '../src/execute/journal.js'
import {describeHolder, formatMs} from '../src/execute/lock.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {table} from '../src/render/text.js'

export default class Status extends CarveCommand {
  static override summary = 'List a plan\'s steps with their state in the database: applied, pending, failed, rolled back.'

  static override description = `Reads the ledger (schema carve on PostgreSQL, database carve on MySQL/MariaDB) without creating or changing anything: each step's state, when and by whom it was applied, how long it took, the last error of a failed step, and drift — files changed since the step was applied, which apply, verify and rollback refuse without --force. Also shows a run holding the plan's lock right now. --json prints the result object.`

  static override examples = [
    {description: 'Where a plan stands on a database', command: '<%= config.bin %> <%= command.id %> plans/shop --db pglite:./shop-db'},
    {description: 'Pending steps, for scripts', command: '<%= config.bin %> <%= command.id %> plans/shop --json | jq -r \'.steps[] | select(.state != "applied") | .id\''},
  ]

  static override args = planArg

  static override flags = {...connectionFlags}

  async run(): Promise<StatusResult> {
    const {args, flags} = await this.parse(Status)
    const plan = loadPlan(args.plan)
    const conn = await this.connect(this.resolveTarget(flags))
    const status = await planStatus(conn, plan)
    if (!this.jsonEnabled()) this.log(render(status))
    return status
  }
}

function render(s: StatusResult): string {
  const lines = [`Plan ${s.plan} on ${s.database}: ${s.applied} of ${s.steps.length} steps applied, ${s.pending} pending${s.failed ? ` (${s.failed} failed)` : ''}${s.partial ? `; ${s.partial} stopped part-way` : ''}.`]
  if (!s.ledger) lines.push('No Carve ledger in this database yet: nothing has been applied.')
  if (s.running) lines.push(`A run holds the plan lock now: ${describeHolder(s.running)}.`)
  lines.push('')
  const rows = s.steps.map((step) => {
    const applied = step.state === 'applied' || step.state === 'in-progress'
    return [
      stateText(step) + (step.drift ? ' (files changed!)' : ''),
      step.id,
      formatWhen(applied ? step.appliedAt : step.changedAt),
      (applied ? step.appliedBy : step.changedBy) ?? '',
      applied && step.durationMs !== null ? formatMs(step.durationMs) : '',
    ]
  })
  lines.push(table(['STATE', 'STEP', 'WHEN', 'BY', 'TOOK'], rows, {align: ['left', 'left', 'left', 'left', 'right']}))
  for (const step of s.steps.filter((x) => x.lastError)) lines.push(`\n${step.id} failed: ${step.lastError}`)
  if (s.drift.length) lines.push(`\nFiles changed since they were applied: ${s.drift.join(', ')} — apply, verify and rollback refuse without --force.`)
  for (const step of s.steps.filter((x) => x.journal)) {
    lines.push(`\n${step.id} stopped part-way (${describeJournal(step.journal!)} statements done): carve apply resumes it, carve rollback undoes what ran.`)
  }
  if (s.unknownSteps.length) lines.push(`\nApplied steps this plan no longer lists: ${s.unknownSteps.join(', ')}.`)
  return lines.join('\n')
}

/** A step killed part-way on MySQL/MariaDB is partial (k of n), not merely "in-progress". */
function stateText(step: StatusResult['steps'][number]): string {
  if (!step.journal) return step.state
  return `${step.journal.file === 'up' ? 'partial' : 'rolling back'} (${step.journal.done} of ${step.journal.total})`
}

import {Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {EXIT} from '../src/errors.js'
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

  static override flags = {
    ...connectionFlags,
    'exit-code': Flags.boolean({
      summary: 'Exit 3 when steps are pending, 1 when a step failed, stopped part-way or its files changed, 0 when all is applied and unchanged (a deploy gate).',
    }),
  }

  async run(): Promise<StatusResult & {edited: EditedStep[]; exitCode: number}> {
    const {args, flags} = await this.parse(Status)
    // Edited or missing files are a state to show here, not a reason to refuse.
    const plan = loadPlan(args.plan, {tolerateEdits: true})
    const conn = await this.connect(this.resolveTarget(flags))
    const status = await planStatus(conn, plan)
    const edited = plan.steps.filter((s) => s.edited).map((s) => ({step: s.step.id, files: s.edited!}))
    const exitCode = gateCode(status, edited)
    const result = {...status, edited, exitCode}
    if (!this.jsonEnabled()) this.log(render(status, edited))
    if (flags['exit-code'] && exitCode !== 0) {
      // The report first (exit() skips oclif's own --json output), flushed, then the gate's code.
      if (this.jsonEnabled()) this.logJson(result)
      await new Promise<void>((done) => process.stdout.write('', () => done()))
      this.exit(exitCode)
    }
    return result
  }
}

interface EditedStep {
  step: string
  files: {key: string; path: string; problem: 'changed' | 'missing'}[]
}

/** The deploy gate's answer: 3 pending, 1 something to look at, 0 done and unchanged. */
export function gateCode(s: StatusResult, edited: EditedStep[]): number {
  if (s.failed || s.partial || s.drift.length || edited.length) return EXIT.failure
  if (s.pending) return PENDING_EXIT
  return EXIT.ok
}

const PENDING_EXIT = 3

function render(s: StatusResult, edited: EditedStep[]): string {
  const lines = [`Plan ${s.plan} on ${s.database}: ${s.applied} of ${s.steps.length} steps applied, ${s.pending} pending${s.failed ? ` (${s.failed} failed)` : ''}${s.partial ? `; ${s.partial} stopped part-way` : ''}.`]
  if (!s.ledger) lines.push('No Carve ledger in this database yet: nothing has been applied.')
  if (s.running) lines.push(`A run holds the plan lock now: ${describeHolder(s.running)}.`)
  lines.push('')
  const rows = s.steps.map((step) => {
    const applied = step.state === 'applied' || step.state === 'in-progress'
    return [
      stateText(step) + (step.drift ? ' (files changed!)' : '') + (edited.some((e) => e.step === step.id) ? ' (edited since generated)' : ''),
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
  if (edited.length) {
    const list = edited.flatMap((e) => e.files.map((f) => `${f.path} (${f.problem})`))
    lines.push(`\nFiles that differ from plan.yml's checksums: ${list.join(', ')} — apply refuses them; review, then \`carve plan --rehash\` (or regenerate the plan).`)
  }
  return lines.join('\n')
}

/** A step killed part-way on MySQL/MariaDB is partial (k of n), not merely "in-progress". */
function stateText(step: StatusResult['steps'][number]): string {
  if (!step.journal) return step.state
  return `${step.journal.file === 'up' ? 'partial' : 'rolling back'} (${step.journal.done} of ${step.journal.total})`
}

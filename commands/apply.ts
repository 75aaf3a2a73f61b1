import {Flags} from '@oclif/core'

import {connectionFlags} from '../src/cli/base.js'
import {ExecutingCommand, jsonLinesHelp} from '../src/cli/executing-command.js'
import {CarveError, EXIT} from '../src/errors.js'
import {ddlFlags, interruptible, lockFlags, parseDuration, planArg, siblingOpener} from '../src/execute/cli-support.js'
import {applyPlan, defaultExecuteOptions, dryRunApply, runTotals, waitText, type ApplyResult} from '../src/execute/executor.js'
import {formatMs} from '../src/execute/lock.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {DEFAULT_RUN_OPTIONS} from '../src/execute/runner.js'

export default class Apply extends ExecutingCommand {
  static override summary = 'Apply a plan\'s pending steps, in order, recording each in the database\'s ledger.'

  static override description = `Before anything runs, the plan folder is checked: plan.yml must be valid, every file it lists must exist and still have the sha256 recorded in plan.yml, and the files of steps applied earlier must not have changed since (the ledger keeps their checksum; --force overrides that last check only). Refusals exit 2.

Each SQL step runs as one transaction: SET LOCAL lock_timeout (--lock-timeout-ddl), up.sql, verify.sql, the ledger row, COMMIT. A lock timeout rolls the step back and retries it after a jittered, growing wait (--retries), so DDL never queues for long behind a busy table. Any other error rolls the step back completely, records a "fail" event and stops the run with exit 1, naming the step, the file and line, and the SQLSTATE. Steps marked transactional: false (and every step on MySQL/MariaDB, which has no transactional DDL) run statement by statement and run down.sql to clean up when one fails.

The ledger lives in the target database: schema carve on PostgreSQL (carve.ledger_steps, carve.ledger_events), database carve on MySQL/MariaDB. One run per plan at a time: a second run waits for the plan lock up to --lock-timeout, then exits 1 naming the holder.

Ctrl-C stops at the next safe point (after the current step, or at a batch boundary of a long step) and exits 130 with the ledger consistent; a second Ctrl-C leaves at once (the server rolls back the open transaction).

${jsonLinesHelp('{"plan", "applied": [{"id", "durationMs"}], "alreadyApplied", "pending", "interrupted", ...}')}

--example gives a fresh private copy of the example per run, so nothing persists between commands; load the example into a database of yours first (carve example load shop --db pglite:./shop-db) to apply, check and roll back across commands.`

  static override examples = [
    {description: 'Show exactly the SQL that would run, without running anything', command: '<%= config.bin %> <%= command.id %> plans/shop --db pglite:./shop-db --dry-run'},
    {description: 'Apply every pending step', command: '<%= config.bin %> <%= command.id %> plans/shop --db postgres://carve@db.internal/legacy'},
    {description: 'Apply up to and including step 004 (a unique prefix is enough)', command: '<%= config.bin %> <%= command.id %> plans/shop --to 004'},
    {description: 'Machine-readable progress: JSON lines, the result last', command: '<%= config.bin %> <%= command.id %> plans/shop --json | jq -c \'select(.event == "step-done")\''},
  ]

  static override args = planArg

  static override flags = {
    ...connectionFlags,
    to: Flags.string({summary: 'Apply pending steps up to and including this step (id or unique prefix).'}),
    'dry-run': Flags.boolean({summary: 'Print the SQL that would run, in order, with its transaction and lock_timeout wrapper; run nothing, create nothing.'}),
    force: Flags.boolean({summary: 'Go on although files of applied steps changed since they were applied.'}),
    ...lockFlags,
    ...ddlFlags,
  }

  async run(): Promise<ApplyResult> {
    const {args, flags} = await this.parse(Apply)
    const lockWaitMs = parseDuration(flags['lock-timeout'], '--lock-timeout')
    const lockTimeoutMs = parseDuration(flags['lock-timeout-ddl'], '--lock-timeout-ddl')
    if (lockTimeoutMs <= 0) throw new CarveError('usage.duration', '--lock-timeout-ddl must be more than 0 (0 would mean waiting forever)', {exitCode: EXIT.usage})
    const run = {...DEFAULT_RUN_OPTIONS, dryRun: flags['dry-run'], lockTimeoutMs, lockRetries: flags.retries}
    // Every file is checked before a connection is even opened.
    const plan = loadPlan(args.plan)

    if (flags['dry-run']) {
      const conn = flags.db || flags.example ? await this.connect(this.resolveTarget(flags)) : null
      const result = await dryRunApply(conn, plan, {to: flags.to, run})
      if (!this.jsonEnabled()) this.log(result.sql!.trimEnd())
      return result
    }

    const target = this.resolveTarget(flags)
    if (target.kind === 'example') this.progress('note: --example is a fresh private copy: what this run applies is gone when it ends (use `carve example load` into --db pglite:PATH to keep it)')
    const conn = await this.connect(target)
    const renderer = this.progressRenderer()
    const {signal, dispose} = interruptible(() => this.progress('Ctrl-C: stopping after the current step (press again to leave now)'))
    let result: ApplyResult
    try {
      result = await applyPlan(conn, plan, {
        ...defaultExecuteOptions(),
        run,
        lockWaitMs,
        force: flags.force,
        signal,
        onEvent: (e) => renderer.event(e),
        connectDatabase: siblingOpener(target),
        to: flags.to,
      })
    } finally {
      await renderer.finish()
      dispose()
    }
    if (result.interrupted) {
      throw new CarveError('interrupted', `interrupted: ${result.applied.length} step${result.applied.length === 1 ? '' : 's'} applied in this run, ${result.pending.length} pending; the ledger is consistent`, {
        exitCode: EXIT.interrupted,
        hint: 'run carve apply again to continue',
      })
    }
    if (!this.jsonEnabled()) {
      const took = runTotals(result.applied)
      if (result.applied.length === 0) this.log(`Nothing to apply: ${result.alreadyApplied} step${result.alreadyApplied === 1 ? ' was' : 's were'} applied already${result.pending.length ? `; ${result.pending.length} pending after --to` : ''}.`)
      else this.log(`Applied ${result.applied.length} step${result.applied.length === 1 ? '' : 's'} of plan ${result.plan} in ${formatMs(took.durationMs)}${waitText(took)}${result.alreadyApplied ? ` (${result.alreadyApplied} applied before)` : ''}; ${result.pending.length ? `${result.pending.length} pending` : 'the plan is fully applied'}.`)
    }
    return result
  }
}

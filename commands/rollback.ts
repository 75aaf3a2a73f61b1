import {Flags} from '@oclif/core'

import {connectionFlags} from '../src/cli/base.js'
import {ExecutingCommand, jsonLinesHelp} from '../src/cli/executing-command.js'
import {CarveError, EXIT} from '../src/errors.js'
import {ddlFlags, interruptible, lockFlags, parseDuration, planArg, siblingOpener} from '../src/execute/cli-support.js'
import {defaultExecuteOptions, dryRunRollback, rollbackPlan, runTotals, waitText, type RollbackResult} from '../src/execute/executor.js'
import {formatMs} from '../src/execute/lock.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {DEFAULT_RUN_OPTIONS} from '../src/execute/runner.js'

export default class Rollback extends ExecutingCommand {
  static override summary = 'Undo applied steps in reverse order with their down.sql, then re-verify what stays applied.'

  static override description = `Rolls back the applied steps after --to STEP (STEP itself stays applied), or every applied step with --all: one of the two is required, so reverting a whole migration is never the default. Each step's down.sql runs in one transaction with lock_timeout and retries (statement by statement for transactional: false steps and on MySQL/MariaDB), and the ledger marks it rolled back in the same transaction. Afterwards the verify.sql of every step still applied runs again (in a transaction that is rolled back): a down.sql that undid too much shows up there, with exit 1.

Steps marked irreversible (dropping the source copy after a split, ...) refuse without --force; the check happens before anything is rolled back. Changed files of applied steps are refused as for apply.

${jsonLinesHelp('{"plan", "rolledBack": [{"id", "durationMs"}], "reverified": [{"id", "ok", "error"}], "interrupted", ...}; when re-verification fails it is still the last line, and the exit code is 1')}`

  static override examples = [
    {description: 'Undo the steps after 003 (003 and earlier stay applied)', command: '<%= config.bin %> <%= command.id %> plans/shop --db pglite:./shop-db --to 003'},
    {description: 'Undo everything the plan applied', command: '<%= config.bin %> <%= command.id %> plans/shop --db pglite:./shop-db --all'},
    {description: 'Show the down.sql that would run', command: '<%= config.bin %> <%= command.id %> plans/shop --db pglite:./shop-db --all --dry-run'},
  ]

  static override args = planArg

  static override flags = {
    ...connectionFlags,
    to: Flags.string({summary: 'Roll back the steps after this one; it stays applied (id or unique prefix).', exclusive: ['all']}),
    all: Flags.boolean({summary: 'Roll back every applied step of the plan.', exclusive: ['to']}),
    'dry-run': Flags.boolean({summary: 'Print the SQL that would run, in order; run nothing.'}),
    force: Flags.boolean({summary: 'Roll back irreversible steps too, and go on although applied files changed.'}),
    ...lockFlags,
    ...ddlFlags,
  }

  async run(): Promise<RollbackResult> {
    const {args, flags} = await this.parse(Rollback)
    if (!flags.to && !flags.all) {
      throw new CarveError('usage.rollback-scope', 'say how far to roll back: --to STEP (STEP and the steps before it stay applied) or --all', {
        exitCode: EXIT.usage,
        hint: '`carve status PLAN` lists the steps and what is applied',
      })
    }
    const lockWaitMs = parseDuration(flags['lock-timeout'], '--lock-timeout')
    const lockTimeoutMs = parseDuration(flags['lock-timeout-ddl'], '--lock-timeout-ddl')
    if (lockTimeoutMs <= 0) throw new CarveError('usage.duration', '--lock-timeout-ddl must be more than 0', {exitCode: EXIT.usage})
    const run = {...DEFAULT_RUN_OPTIONS, dryRun: flags['dry-run'], lockTimeoutMs, lockRetries: flags.retries}
    const plan = loadPlan(args.plan)
    const target = this.resolveTarget(flags)
    const conn = await this.connect(target)
    if (flags['dry-run']) {
      const result = await dryRunRollback(conn, plan, {to: flags.to, force: flags.force, run})
      if (!this.jsonEnabled()) this.log(result.sql!.trimEnd())
      return result
    }
    const renderer = this.progressRenderer()
    const {signal, dispose} = interruptible(() => this.progress('Ctrl-C: stopping after the current step (press again to leave now)'))
    let result: RollbackResult
    try {
      result = await rollbackPlan(conn, plan, {
        ...defaultExecuteOptions(),
        run,
        lockWaitMs,
        force: flags.force,
        signal,
        onEvent: (e) => renderer.event(e),
        connectDatabase: siblingOpener(target),
        to: flags.to,
        all: flags.all,
      })
    } finally {
      await renderer.finish()
      dispose()
    }
    if (result.interrupted) {
      throw new CarveError('interrupted', `interrupted: ${result.rolledBack.length} step${result.rolledBack.length === 1 ? '' : 's'} rolled back in this run; the ledger is consistent`, {
        exitCode: EXIT.interrupted,
        hint: 'run the same carve rollback again to continue',
      })
    }
    const failed = result.reverified.filter((r) => !r.ok)
    if (!this.jsonEnabled()) {
      const took = runTotals(result.rolledBack)
      this.log(result.rolledBack.length ? `Rolled back ${result.rolledBack.length} step${result.rolledBack.length === 1 ? '' : 's'} of plan ${result.plan} in ${formatMs(took.durationMs)}${waitText(took)}.` : 'Nothing to roll back.')
      if (result.reverified.length) this.log(`Re-verified the ${result.reverified.length} step${result.reverified.length === 1 ? '' : 's'} still applied: ${failed.length ? `${failed.length} FAILED` : 'all hold'}.`)
      for (const f of failed) this.log(`  ${f.id}: ${f.error}`)
    }
    if (failed.length) {
      if (this.jsonEnabled()) this.logJson(result)
      this.exit(EXIT.failure)
    }
    return result
  }
}

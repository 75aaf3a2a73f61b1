import {Flags} from '@oclif/core'

import {connectionFlags} from '../src/cli/base.js'
import {ExecutingCommand, jsonLinesHelp} from '../src/cli/executing-command.js'
import {interruptible, lockFlags, parseDuration, planArg} from '../src/execute/cli-support.js'
import {defaultExecuteOptions, verifyPlan, type VerifyResult} from '../src/execute/executor.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {DEFAULT_RUN_OPTIONS} from '../src/execute/runner.js'
import {EXIT} from '../src/errors.js'

export default class Verify extends ExecutingCommand {
  static override summary = 'Check that the applied steps still hold: run their verify.sql in a transaction that is rolled back.'

  static override description = `Runs the verify.sql of every applied step (or only --step), each inside a transaction that is always rolled back, so checking never changes anything. A step whose check fails is listed with the file, line and server message, and the command exits 1. Each check is recorded as a "verify" event in the ledger. Changed files of applied steps are refused unless --force.

${jsonLinesHelp('{"plan", "database", "ok", "steps": [{"id", "ok", "error"}]}; when a check fails it is still the last line, and the exit code is 1')}`

  static override examples = [
    {description: 'Check every applied step', command: '<%= config.bin %> <%= command.id %> plans/shop --db pglite:./shop-db'},
    {description: 'Check one step', command: '<%= config.bin %> <%= command.id %> plans/shop --db pglite:./shop-db --step 004'},
  ]

  static override args = planArg

  static override flags = {
    ...connectionFlags,
    step: Flags.string({summary: 'Verify only this step (id or unique prefix).'}),
    force: Flags.boolean({summary: 'Verify although files of applied steps changed since they were applied.'}),
    ...lockFlags,
  }

  async run(): Promise<VerifyResult> {
    const {args, flags} = await this.parse(Verify)
    const lockWaitMs = parseDuration(flags['lock-timeout'], '--lock-timeout')
    const plan = loadPlan(args.plan)
    const conn = await this.connect(this.resolveTarget(flags))
    const renderer = this.progressRenderer()
    const {signal, dispose} = interruptible(() => this.progress('Ctrl-C: stopping after the current check'))
    let result: VerifyResult
    try {
      result = await verifyPlan(conn, plan, {...defaultExecuteOptions(), run: DEFAULT_RUN_OPTIONS, lockWaitMs, force: flags.force, signal, onEvent: (e) => renderer.event(e), step: flags.step})
    } finally {
      await renderer.finish()
      dispose()
    }
    if (signal.aborted) this.exit(EXIT.interrupted)
    const failed = result.steps.filter((s) => !s.ok)
    if (!this.jsonEnabled()) {
      if (result.steps.length === 0) this.log(`Nothing to verify: no step of plan ${result.plan} is applied on ${result.database}.`)
      else this.log(`${result.steps.length - failed.length} of ${result.steps.length} applied step${result.steps.length === 1 ? '' : 's'} verified${failed.length ? `; ${failed.length} FAILED:` : '.'}`)
      for (const f of failed) this.log(`  ${f.id}: ${f.error}`)
      const skipped = result.steps.filter((s) => s.skipped)
      if (skipped.length) this.log(`  (${skipped.map((s) => s.id).join(', ')}: no verify file)`)
    }
    if (failed.length) {
      if (this.jsonEnabled()) this.logJson(result)
      this.exit(EXIT.failure)
    }
    return result
  }
}

/**
 * What every Carve command shares: the --db / DATABASE_URL / --example connection flags, --json,
 * --debug, and one error policy — a CarveError becomes one line and a hint with its exit code,
 * anything else becomes one line plus "run with --debug" (the stack only with --debug).
 */
import {Command, Errors, Flags, type Interfaces} from '@oclif/core'
import ansis from 'ansis'

import type {Connection} from '../db/connection.js'
import {openTarget} from '../db/open.js'
import {describeTarget, parseTarget, redactUrl, type Target} from '../db/target.js'
import {CarveError, EXIT} from '../errors.js'
import {leaveShortRun} from './short-run.js'

export const connectionFlags = {
  db: Flags.string({
    summary: 'Database URL: postgres://…, mysql://…, or pglite:PATH for an embedded database on disk.',
    description: 'Read from DATABASE_URL when not given. Passwords are never printed.',
    env: 'DATABASE_URL',
    helpGroup: 'CONNECTION',
  }),
  example: Flags.string({
    summary: 'Use a shipped example database in an embedded PostgreSQL (no server needed).',
    description: 'Takes precedence over --db / DATABASE_URL. `carve example list` shows the examples.',
    helpGroup: 'CONNECTION',
  }),
}

export const outputFlags = {
  debug: Flags.boolean({summary: 'Print stack traces and driver details on errors.', helpGroup: 'GLOBAL'}),
}

type BaseFlags = Interfaces.InferredFlags<typeof outputFlags>

export abstract class CarveCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = outputFlags

  private debugMode = false
  private openConnections: Connection[] = []

  protected override async init(): Promise<void> {
    this.debugMode = this.argv.includes('--debug') || process.env.CARVE_DEBUG === '1'
    await super.init()
    // bin/run.js starts the CLI as a short run (short-run.ts); a command runs with V8's defaults
    // unless it knows it is short. Decided here, not in run(): leaving and entering again later
    // let the young generation grow in between (1 run in 12 ended with it doubled, 1 in ~30 at 32 MB).
    if (!(await this.isShortRun())) leaveShortRun()
  }

  /** Whether this run stays a short run (short-run.ts); workload ingest of a small log does. */
  protected async isShortRun(): Promise<boolean> {
    return false
  }

  /** Resolve --example / --db / DATABASE_URL into a target, or fail with a usage error. */
  protected resolveTarget(flags: {db?: string; example?: string}): Target {
    if (flags.example) return {kind: 'example', name: flags.example}
    if (flags.db) return parseTarget(flags.db)
    throw new CarveError('usage.no-db', 'no database given', {
      exitCode: EXIT.usage,
      hint: 'pass --db URL or set DATABASE_URL; to try Carve without a server use --example shop',
    })
  }

  /** Open the target; closed automatically when the command ends, whatever happens. */
  protected async connect(target: Target): Promise<Connection> {
    this.progress(`connecting to ${describeTarget(target)}`)
    const conn = await openTarget(target, {onProgress: (m) => this.progress(m)})
    this.openConnections.push(conn)
    return conn
  }

  /**
   * --json output (the command's result, and errors from catch()). oclif's own logJson runs the
   * whole document through a regex colouriser even when stdout is not a terminal: about 1 s for a
   * 2,000-table catalog, against ~60 ms for JSON.stringify. Same text, no colours.
   */
  protected override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n')
  }

  /** A progress line on stderr for people; silent under --json so stdout stays machine-readable. */
  protected progress(message: string): void {
    if (this.jsonEnabled()) return
    process.stderr.write(ansis.dim(`› ${message}`) + '\n')
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    await Promise.all(this.openConnections.map((c) => c.close()))
    this.openConnections = []
    await super.finally(error)
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    // this.exit() and oclif's own parse errors (unknown flag, missing argument) pass through.
    if (error instanceof Errors.ExitError) throw error
    if (!(error instanceof CarveError) && error.oclif?.exit !== undefined) {
      if (this.jsonEnabled()) this.logJson({error: {code: 'usage', message: error.message}})
      throw Object.assign(error, {oclif: {exit: EXIT.usage}})
    }
    const carve = error instanceof CarveError ? error : undefined
    const code = carve?.exitCode ?? EXIT.failure
    const message = redactUrl(carve ? carve.message : `unexpected error: ${error.message}`)
    if (this.jsonEnabled()) {
      this.logJson({error: {code: carve?.code ?? 'internal', message, hint: carve?.hint ?? null}})
    } else {
      process.stderr.write(`${ansis.red('error')}: ${message}\n`)
      if (carve?.hint) process.stderr.write(`${ansis.dim('hint')}: ${carve.hint}\n`)
      if (!carve && !this.debugMode) process.stderr.write(ansis.dim('run again with --debug for details') + '\n')
    }
    if (this.debugMode) {
      process.stderr.write(`${error.stack ?? ''}\n`)
      if (error.cause) process.stderr.write(`cause: ${(error.cause as Error).stack ?? String(error.cause)}\n`)
    }
    this.exit(code)
  }
}

export type {BaseFlags}

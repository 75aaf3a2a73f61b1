/**
 * What `carve apply | rollback | verify | status` share: the plan argument, duration flags, the
 * Ctrl-C policy (first: stop at the next safe point; second: leave now — PostgreSQL rolls back
 * the open transaction when the connection drops, so the ledger stays consistent either way),
 * and opening sibling databases for split steps.
 */
import {Args, Flags} from '@oclif/core'

import type {Connection} from '../db/connection.js'
import {openTarget} from '../db/open.js'
import type {Target} from '../db/target.js'
import {CarveError, EXIT} from '../errors.js'

export const planArg = {plan: Args.string({required: true, description: 'the plan folder (holding plan.yml), as written by `carve plan`'})}

/** "10s", "500ms", "2m", "1.5s"; a bare number is seconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(text)
  if (!m) {
    throw new CarveError('usage.duration', `${flag} ${text}: expected a duration like 10s, 500ms or 2m`, {exitCode: EXIT.usage})
  }
  const value = Number(m[1])
  const unit = (m[2] ?? 's').toLowerCase()
  return Math.round(unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000)
}

export const lockFlags = {
  'lock-timeout': Flags.string({
    default: '10s',
    summary: 'How long to wait for another run of the same plan to finish (the plan lock).',
    description: 'A second run of the same plan waits up to this long, then exits 1 naming the run that holds the lock (pid, application, client, since).',
  }),
}

export const ddlFlags = {
  'lock-timeout-ddl': Flags.string({
    default: '2s',
    summary: 'lock_timeout for each step\'s statements: never queue behind a long transaction longer than this.',
  }),
  retries: Flags.integer({default: 5, min: 0, summary: 'Retries after a lock timeout, with jittered exponential backoff.'}),
}

/** A Ctrl-C handler for the duration of a run. */
export function interruptible(onFirst: () => void): {signal: AbortSignal; dispose: () => void} {
  const controller = new AbortController()
  let count = 0
  const handler = () => {
    count++
    if (count > 1) {
      process.stderr.write('\ninterrupted again: leaving now (the open transaction, if any, is rolled back by the server)\n')
      process.exit(EXIT.interrupted)
    }
    controller.abort()
    onFirst()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    },
  }
}

/**
 * RunContext.connectDatabase for the target: the same server and credentials, another database.
 * Only servers have other databases; PGlite (and --example) is a single one.
 */
export function siblingOpener(target: Target): ((name: string) => Promise<Connection>) | undefined {
  if (target.kind !== 'postgres' && target.kind !== 'mysql') return undefined
  return async (name: string) => {
    const url = new URL(target.url)
    url.pathname = '/' + encodeURIComponent(name)
    return openTarget({kind: target.kind, url: url.toString()})
  }
}

export function formatWhen(iso: string | null): string {
  if (!iso) return ''
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC')
}

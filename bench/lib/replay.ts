/**
 * Replaying captured traffic as fast as the log's order allows: one connection per captured
 * session, statements one at a time in log order (the order the server started them), each with
 * the literal text and bound values the service sent. Only outcomes are counted — results are
 * not kept or hashed (test/plan-legacy.test.ts compares them), so the client does as little as
 * possible and the time is the database's.
 */
import pg from 'pg'

import type {LoggedStatement} from '../../test/support/replay.js'

export {readLoggedStatements, type LoggedStatement} from '../../test/support/replay.js'

/** Schema changes in a log are the deploy pipeline's, not traffic: not replayed. */
export const DDL = /^(\s|\/\*[\s\S]*?\*\/|--[^\n]*\n)*(ALTER|CREATE|DROP|COMMENT|GRANT|REVOKE)\b/i

export interface ReplayResult {
  seconds: number
  ok: number
  failed: number
  /** SQLSTATE → count, for the statements that failed. */
  errors: Record<string, number>
  /** Each statement's round trip in ms, in log order (for per-statement comparisons across runs). */
  latenciesMs: number[]
}

/**
 * Sum over statements of each statement's fastest round trip across runs: on a busy machine a
 * whole run's time moves with whatever else runs, while a statement's best time is close to its
 * own cost, so this compares two states with much less noise than the run medians.
 */
export function sumOfBest(runs: readonly ReplayResult[]): number {
  const n = runs[0]?.latenciesMs.length ?? 0
  let total = 0
  for (let i = 0; i < n; i++) total += Math.min(...runs.map((r) => r.latenciesMs[i]!))
  return total / 1000
}

export async function replayLog(url: string, statements: readonly LoggedStatement[]): Promise<ReplayResult> {
  const clients = new Map<string, pg.Client>()
  try {
    for (const s of statements) {
      if (clients.has(s.session)) continue
      const client = new pg.Client({connectionString: url, application_name: s.application ?? ''})
      client.on('error', () => {})
      clients.set(s.session, client)
      await client.connect()
      // A statement that waited for another session's lock in the capture would wait here for a
      // statement never sent: a timeout makes it an error (the same on every replay), not a hang.
      await client.query(`SET lock_timeout = '2s'`)
    }
    const errors: Record<string, number> = {}
    let ok = 0
    let failed = 0
    const latenciesMs: number[] = []
    const started = performance.now()
    for (const s of statements) {
      const sent = performance.now()
      try {
        await clients.get(s.session)!.query({text: s.sql, values: s.params})
        ok++
        latenciesMs.push(performance.now() - sent)
      } catch (error) {
        latenciesMs.push(performance.now() - sent)
        failed++
        const code = (error as {code?: string}).code ?? 'client'
        errors[code] = (errors[code] ?? 0) + 1
      }
    }
    return {seconds: (performance.now() - started) / 1000, ok, failed, errors, latenciesMs}
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end().catch(() => {})))
  }
}

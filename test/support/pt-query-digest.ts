/**
 * pt-query-digest (Debian's percona-toolkit) as an independent reference for MySQL log counts.
 * Absent on a developer's machine → the comparison tests skip and say so (CI installs it).
 */
import {execFileSync, spawnSync} from 'node:child_process'

export const PT_QUERY_DIGEST: string | undefined = (() => {
  const r = spawnSync('pt-query-digest', ['--version'], {encoding: 'utf8'})
  return r.status === 0 ? 'pt-query-digest' : undefined
})()

let announced = false
export function announcePtSkip(): void {
  if (announced) return
  announced = true
  console.warn('[carve tests] SKIPPING pt-query-digest comparisons: pt-query-digest is not installed (apt-get install percona-toolkit).')
}

export interface PtCounts {
  /** Events pt-query-digest reports as queries. */
  queries: number
  /** Its `administrator command: X` classes, by X (its names: the first word of the command, `Init DB`, or an `Access denied …` text). */
  admin: Record<string, number>
}

/** Counts of a whole log, or of the events whose Thread_id is one of `threads`. */
export function ptCounts(type: 'genlog' | 'slowlog', file: string, threads?: string[]): PtCounts {
  const args = ['--type', type, '--output', 'json', '--limit', '100%', '--no-version-check']
  if (threads) args.push('--filter', `$event->{Thread_id} && $event->{Thread_id} =~ m/^(?:${threads.join('|')})$/`)
  const out = execFileSync(PT_QUERY_DIGEST!, [...args, file], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  const classes = out.trim() ? (JSON.parse(out) as {classes: {fingerprint: string; query_count: number}[]}).classes : []
  const counts: PtCounts = {queries: 0, admin: {}}
  for (const c of classes) {
    const m = /^administrator command: (.*)$/s.exec(c.fingerprint)
    if (m) {
      const name = /^Access denied/.test(m[1]!) ? 'Access denied' : m[1]!.trim()
      counts.admin[name] = (counts.admin[name] ?? 0) + c.query_count
    } else {
      counts.queries += c.query_count
    }
  }
  return counts
}

/**
 * Carve's administrator-command counts under pt-query-digest's names. Its general-log parser
 * keeps only the first word of a command (`Close stmt` → `Close`, `Field List` → `Field`), except
 * `Init DB`; and it counts Execute as an administrator command where Carve counts the statement
 * Execute ran (pass the number of Execute entries).
 */
export function asPtAdmin(type: 'genlog' | 'slowlog', admin: Record<string, number> | undefined, executes = 0): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, n] of Object.entries(admin ?? {})) {
    const key = type === 'genlog' && name !== 'Init DB' ? name.split(' ')[0]! : name
    out[key] = (out[key] ?? 0) + n
  }
  if (executes) out.Execute = (out.Execute ?? 0) + executes
  return out
}

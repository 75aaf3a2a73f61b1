import type {SourceWarning} from '../events.js'

/** What one source yielded: for the workload's `sources[]` and for warnings. */
export interface SourceReport {
  format: string
  lines: number
  events: number
  warnings: SourceWarning[]
  /** First and last timestamps seen, ISO 8601 where possible. */
  from?: string
  to?: string
  /** MySQL logs: administrator commands (Connect, Quit, Init DB, …) per command, apart from statements. */
  adminCommands?: Record<string, number>
}

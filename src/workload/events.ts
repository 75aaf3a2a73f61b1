/**
 * One executed statement (or, for aggregated sources, one statement shape with its totals), as
 * every log reader yields it. Readers know formats; nothing downstream does.
 */
export interface StatementEvent {
  sql: string
  /** How many executions this event stands for: 1 for a log line, N for pg_stat_statements / digests. */
  calls: number
  /** Total execution time of those calls, when the source says. */
  totalMs?: number
  rows?: number
  /** ISO-ish timestamp as logged. */
  at?: string
  /** Session key (session id, or pid, or connection id): the unit of transaction reconstruction. */
  session?: string
  /** Transaction identity when the log has it: virtual xid (PostgreSQL %v) or an xid. */
  txn?: string
  user?: string
  database?: string
  application?: string
  client?: string
  /** Bound parameters of an extended-protocol execute, as logged. */
  parameters?: string
  /** Where it came from, for warnings and samples. */
  file: string
  line: number
}

export type EventSink = (event: StatementEvent) => void

export interface SourceWarning {
  file: string
  line?: number
  message: string
}

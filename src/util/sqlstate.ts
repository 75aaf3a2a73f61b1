/**
 * The SQLSTATE of a driver error, or null: node-postgres and PGlite put it in `code`, the MySQL
 * drivers in `sqlState` (their `code` is a name such as ER_LOCK_DEADLOCK).
 */
export function sqlstateOf(error: unknown): string | null {
  const e = error as {sqlState?: unknown; code?: unknown} | null | undefined
  if (typeof e?.sqlState === 'string') return e.sqlState
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code
  return null
}

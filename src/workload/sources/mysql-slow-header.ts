/** The `#` header lines of a MySQL / MariaDB / Percona Server slow-log entry, and its bookkeeping lines. */

/**
 * A header line: `# Time:`, `# User@Host:`, `# administrator command:` or any `# Key: value` line
 * (`# Query_time:`, MariaDB's `# Thread_id:`, Percona's `# Schema:`, `# Bytes_sent:`,
 * `#   InnoDB_IO_r_ops:`, `# Log_slow_rate_type:` …). A `#` line that is none of these, after a
 * statement's `;`, belongs to the statement (a comment or a string spanning lines).
 */
export function isHeaderLine(text: string): boolean {
  return /^#\s+(?:[A-Z][A-Za-z_]*:(?:\s|$)|User@Host: |administrator command: )/.test(text)
}

/** The server's own lines before a statement: `SET timestamp=N;`, `SET last_insert_id=…,insert_id=…,timestamp=…;`. */
export const SET_BOOKKEEPING = /^SET (?:last_insert_id|insert_id|timestamp)=[^;]*;\s*$/i

/** `Key: value` pairs of a header line (`# Query_time: 0.1  Lock_time: 0.0 Rows_sent: 1 …`); a value may be empty (`Schema:   QC_hit: No`). */
export function headerFields(text: string): [string, string][] {
  const words = text.slice(1).split(/\s+/).filter((w) => w !== '')
  const out: [string, string][] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (!w.endsWith(':') || w.length < 2) continue
    const next = words[i + 1]
    const value = next !== undefined && !next.endsWith(':') ? next : ''
    out.push([w.slice(0, -1), value])
    if (value !== '') i++
  }
  return out
}

/** `# User@Host: app[app] @ localhost [127.0.0.1]  Id:    12` (Id since MySQL 5.6; `[SQL_SLAVE] @  []` for replication). */
const USER_HOST = /^# User@Host: ([^[]*)\[([^\]]*)\] @ (\S*) \[([^\]]*)\](?:\s+Id:\s*(\d+))?/

export function parseUserHost(text: string): {user?: string; client?: string; id?: string} | null {
  const m = USER_HOST.exec(text)
  if (!m) return null
  return {user: m[2] || m[1]?.trim() || undefined, client: m[3] || m[4] || undefined, id: m[5]}
}

/** Old servers sometimes wrote `# Time: 071218 11:48:27 # User@Host: …` on one line: two header lines. */
export function splitGluedHeader(text: string): string[] {
  if (!text.startsWith('# Time: ')) return [text]
  const at = text.indexOf(' # User@Host: ')
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)]
}

/**
 * Keep only our connections' entries of a MariaDB general query log.
 *
 * The general log is server-wide, so it also holds whatever other sessions ran meanwhile. An
 * entry starts with `YYMMDD H:MM:SS<TAB>` (only on the first entry of each second) or two tabs,
 * then the connection id and the command; a statement may continue on the following lines.
 * Dropping an entry that carried the timestamp moves the timestamp to the next kept entry.
 */

const ENTRY = /^(?:(\d{6}\s+\d{1,2}:\d\d:\d\d)\t|\t\t)\s*(\d+) ([A-Z][A-Za-z_]*(?: [A-Za-z_]+){0,2})(?:\t|$)/
const HEADER = /(, Version: .*started with:\s*$|^Tcp port: \d+|^Time\s+Id\s+Command\s+Argument\s*$)/

export function filterGeneralLog(text: string, connections: Set<number>, database: string, rename: string): string {
  const out: string[] = []
  let current: string | undefined
  let emitted: string | undefined
  let keep = false
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  for (const line of lines) {
    const m = ENTRY.exec(line)
    if (m) {
      if (m[1]) current = m[1]
      keep = connections.has(Number(m[2]))
      if (!keep) continue
      if (m[1]) {
        emitted = m[1]
        out.push(line)
      } else if (current !== undefined && current !== emitted) {
        emitted = current
        out.push(`${current}\t${line.slice(2)}`)
      } else {
        out.push(line)
      }
      continue
    }
    if (HEADER.test(line)) {
      keep = false
      if (out.length < 3) out.push(line)
      continue
    }
    if (keep) out.push(line)
  }
  return `${out.join('\n').split(database).join(rename)}\n`
}

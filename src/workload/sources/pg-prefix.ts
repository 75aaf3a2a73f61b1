/**
 * PostgreSQL `log_line_prefix` → a matcher for the stderr log format.
 *
 * This parses the *log format*, which PostgreSQL defines by these escapes; the SQL inside the
 * messages is left to the real parser. Every escape of the documentation is understood:
 * %a %u %d %r %h %L %b %p %P %t %m %n %i %e %c %l %s %v %x %q %Q %%, with optional padding
 * (%-10u, %10u).
 */

export interface PrefixFields {
  application?: string
  user?: string
  database?: string
  client?: string
  pid?: string
  timestamp?: string
  session?: string
  lineNumber?: string
  vxid?: string
  xid?: string
  queryId?: string
}

export interface PrefixMatcher {
  prefix: string
  /** Match a line: the prefix's fields, the severity and the message after "SEVERITY:  ". */
  match(line: string): {fields: PrefixFields; severity: string; message: string} | null
}

import {inferPrefixes} from './pg-prefix-infer.js'

const TIMESTAMP = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z][A-Za-z0-9+\-/_]*| [+\-]\d\d(?::?\d\d)?)?`

const ESCAPES: Record<string, {pattern: string; field?: keyof PrefixFields}> = {
  a: {pattern: '(.*?)', field: 'application'},
  u: {pattern: '(.*?)', field: 'user'},
  d: {pattern: '(.*?)', field: 'database'},
  r: {pattern: String.raw`(\[local\]|[^\s(]*)(?:\(\d+\))?`, field: 'client'},
  h: {pattern: String.raw`(\[local\]|[^\s]*?)`, field: 'client'},
  L: {pattern: String.raw`[^\s]*?`},
  b: {pattern: '.*?'},
  p: {pattern: String.raw`(\d+)`, field: 'pid'},
  P: {pattern: String.raw`\d*`},
  t: {pattern: `(${TIMESTAMP})`, field: 'timestamp'},
  m: {pattern: `(${TIMESTAMP})`, field: 'timestamp'},
  n: {pattern: String.raw`(\d+(?:\.\d+)?)`, field: 'timestamp'},
  i: {pattern: '.*?'},
  e: {pattern: '[0-9A-Z]{5}'},
  c: {pattern: String.raw`([0-9a-f]+\.[0-9a-f]+)`, field: 'session'},
  l: {pattern: String.raw`(\d+)`, field: 'lineNumber'},
  s: {pattern: TIMESTAMP},
  v: {pattern: String.raw`(\d+\/\d+|)`, field: 'vxid'},
  x: {pattern: String.raw`(\d+)`, field: 'xid'},
  Q: {pattern: String.raw`(-?\d+)`, field: 'queryId'},
}

const SEVERITY = String.raw`(LOG|ERROR|WARNING|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|NOTICE|INFO|QUERY|LOCATION|DEBUG[1-5]?): {1,2}`

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function compilePrefix(prefix: string): PrefixMatcher {
  const fields: (keyof PrefixFields)[] = []
  let pattern = '^'
  let optionalOpen = false
  for (let i = 0; i < prefix.length; i++) {
    const ch = prefix[i]!
    if (ch !== '%') {
      pattern += escapeRegex(ch)
      continue
    }
    let j = i + 1
    while (j < prefix.length && /[-\d]/.test(prefix[j]!)) j++
    const padded = j > i + 1
    const code = prefix[j]
    i = j
    if (code === undefined) break
    if (code === '%') {
      pattern += '%'
      continue
    }
    if (code === 'q') {
      // Everything after %q appears only for session processes: make it optional as a whole.
      pattern += '(?:'
      optionalOpen = true
      continue
    }
    const escape = ESCAPES[code]
    if (!escape) {
      pattern += escapeRegex(`%${code}`)
      continue
    }
    // Padding adds spaces around the value: allow them.
    pattern += padded ? ` *${escape.pattern} *` : escape.pattern
    if (escape.field) fields.push(escape.field)
  }
  if (optionalOpen) pattern += ')?'
  const regex = new RegExp(pattern + SEVERITY + '(.*)$', 's')
  return {
    prefix,
    match(line) {
      const m = regex.exec(line)
      if (!m) return null
      const out: PrefixFields = {}
      for (let k = 0; k < fields.length; k++) {
        const v = m[k + 1]
        const f = fields[k]!
        if (v !== undefined && v !== '' && out[f] === undefined) out[f] = v.trim()
      }
      return {fields: out, severity: m[fields.length + 1]!, message: m[fields.length + 2]!}
    },
  }
}

/** Prefixes seen in the wild, tried in order when none is given: distributions' and pgBadger's. */
export const COMMON_PREFIXES = [
  '%m [%p] %q%u@%d %a ', // Debian default with the application added (what Carve recommends)
  '%t [%p] %q%u@%d %a ',
  '%m [%p] %q%u@%d ', // Debian / Ubuntu default
  '%m [%p] ', // PostgreSQL default since 10
  '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ', // pgBadger's recommended
  '%t [%p]: user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: [%l-1] ',
  '%m [%p] %u@%d %a ',
  '%t [%p-%l] %q%u@%d ',
  '%m %u@%d [%p] ',
  '%t ',
  '',
]

/**
 * Pick the prefix that matches most of a sample of lines; ties go to the one whose fields hold no
 * stray spaces, then to the one that names more fields. Candidates are the prefixes inferred
 * from the lines themselves (any prefix), then the common ones. Null when none matches any line.
 */
export function detectPrefix(lines: string[], candidates: string[] = [...inferPrefixes(lines), ...COMMON_PREFIXES]): PrefixMatcher | null {
  let best: {matcher: PrefixMatcher; score: number; fields: number; spaces: number} | null = null
  for (const prefix of candidates) {
    const matcher = compilePrefix(prefix)
    let score = 0
    let fieldCount = 0
    let spaces = 0
    for (const line of lines) {
      const m = matcher.match(line)
      if (m) {
        score++
        fieldCount += Object.keys(m.fields).length
        // A lazy field that swallowed a space ("shop orders" as the database) is a worse fit.
        for (const [k, v] of Object.entries(m.fields)) if (k !== 'timestamp' && k !== 'application' && v?.includes(' ')) spaces++
      }
    }
    const better = !best || score > best.score || (score === best.score && (spaces < best.spaces || (spaces === best.spaces && fieldCount > best.fields)))
    if (score > 0 && better) best = {matcher, score, fields: fieldCount, spaces}
  }
  return best?.matcher ?? null
}

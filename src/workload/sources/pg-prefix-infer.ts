/**
 * Infer a server's `log_line_prefix` from the lines it wrote, when nobody says what it is.
 *
 * Every stderr entry is `<prefix><SEVERITY>:  <message>`. The text before the severity is cut
 * into tokens whose *shape* names the escape that printed them (a timestamp with milliseconds is
 * %m, `6b01eaf3.4cdb` is %c, `3/7` is %v, `10.0.0.7(5432)` is %r, `user=x` is %u …); tokens that
 * are the same on every line are literal text. The result is a prefix string in PostgreSQL's own
 * syntax, so it is checked the same way as a given one: by how many lines it matches
 * (detectPrefix). Lines of background processes, shorter than a session's, reveal `%q`.
 * Names are never turned into literal text: a log written by one user still names that user.
 */

/** Where the prefix ends: the first severity word followed by a colon and one or two spaces. */
const SEVERITY_AT = /(?<=^|[\s:\]\-|>)])(?:LOG|ERROR|WARNING|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|NOTICE|INFO|QUERY|LOCATION|DEBUG[1-5]?): {1,2}\S/

// A zone name ("UTC", "America/New_York", "Etc/GMT-3") or an offset; never the "-6b01…" after it.
const ZONE = String.raw`(?: [A-Za-z][A-Za-z_/]*(?:[+-]\d{1,2}(?![\w.]))?| [+\-]\d\d(?::?\d\d)?)?`

/** A token: an escape (`%m`) or literal text. `value` is what the line had there. */
interface Token {
  escape?: string
  literal?: string
  value: string
}

/** Labels that name a field (`user=…`, `db=…`), as platforms and pgBadger write them. */
const LABELS: Record<string, string> = {
  user: 'u', usr: 'u', user_name: 'u', username: 'u', role: 'u',
  db: 'd', database: 'd', dbname: 'd', database_name: 'd',
  app: 'a', application: 'a', application_name: 'a', appname: 'a',
  client: 'h', host: 'h', remote: 'h', remote_host: 'h', client_addr: 'h', connection_source: 'r', connection_from: 'r',
  pid: 'p', process_id: 'p',
  session: 'c', session_id: 'c', sessionid: 'c',
  vtid: 'v', vxid: 'v', virtual_transaction_id: 'v',
  tid: 'x', xid: 'x', txid: 'x', transaction_id: 'x',
  line: 'l', log_line: 'l', session_line_num: 'l',
  query_id: 'Q', queryid: 'Q',
  sql_error_code: 'e', sqlstate: 'e', sql_state_code: 'e',
  time: 'm', time_ms: 'm', timestamp: 'm', log_time: 'm',
  proc_start_time: 's', session_start_time: 's',
  backend_type: 'b', backend: 'b',
}

interface Rule {
  re: RegExp
  tokens: (m: RegExpExecArray, before: Token[]) => Token[]
}

const lit = (literal: string): Token => ({literal, value: literal})
const esc = (escape: string, value: string): Token => ({escape, value})

/** A bare number's escape: the first is the process id, a negative or huge one a query id. */
function numberEscape(value: string, before: Token[]): string {
  if (value.startsWith('-') || value.length >= 11) return 'Q'
  // `%v %x` is how both are written: a number right after a virtual transaction id is the xid.
  if (before.filter((t) => t.escape).at(-1)?.escape === 'v') return 'x'
  const seen = new Set(before.map((t) => t.escape))
  if (!seen.has('p')) return 'p'
  if (!seen.has('l')) return 'l'
  if (!seen.has('x')) return 'x'
  return 'Q'
}

/** A bare name's escape: user, then database, then application (the Debian order). */
function nameEscape(before: Token[]): string {
  const seen = new Set(before.map((t) => t.escape))
  if (!seen.has('u')) return 'u'
  if (!seen.has('d')) return 'd'
  if (!seen.has('a')) return 'a'
  return 'b'
}

const RULES: Rule[] = [
  {re: new RegExp(String.raw`^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d+${ZONE}`), tokens: (m) => [esc('m', m[0])]},
  {re: new RegExp(String.raw`^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d${ZONE}`), tokens: (m) => [esc('t', m[0])]},
  {re: /^\d{10}\.\d{3}(?!\d)/, tokens: (m) => [esc('n', m[0])]},
  // label=value and label = "value" (Heroku writes both)
  {
    // A quoted value runs to its quote; a bare one to the next comma or label, so an application
    // name with spaces stays one value.
    re: /^([A-Za-z_]+)( ?= ?)(?:"((?:[^"\\]|\\.)*)"(?=[,;\s|\]]|$)|([^,]*?)(?=,|\s*$|\s+[A-Za-z_]+ ?=))/,
    tokens: (m) => {
      const code = LABELS[m[1]!.toLowerCase()]
      const quoted = m[3] !== undefined
      const value = quoted ? m[3]! : m[4]!
      let escape = code ?? 'i'
      if (code === 'm' && !/\.\d/.test(value)) escape = 't'
      if (code === 'h' && /\(\d+\)$/.test(value)) escape = 'r'
      const quote = quoted ? '"' : ''
      return [lit(`${m[1]}${m[2]}${quote}`), esc(escape, value), ...(quoted ? [lit(quote)] : [])]
    },
  },
  {re: /^[0-9a-f]{4,16}\.[0-9a-f]{1,8}(?![\w.])/, tokens: (m) => [esc('c', m[0])]},
  // SQLSTATE: 00000, or five characters with a letter (42P01); an all-digit one reads as a number.
  {re: /^(?:00000|(?=[0-9A-Z]*[A-Z])[0-9A-Z]{5})(?![\w.])/, tokens: (m) => [esc('e', m[0])]},
  {re: /^\d+\/\d+(?![\w/])/, tokens: (m) => [esc('v', m[0])]},
  {re: /^(?:\[local\]|\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:]+:[0-9a-f]*)\(\d+\)/, tokens: (m) => [esc('r', m[0])]},
  {re: /^(?:\[local\]|\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*::?[0-9a-f:]*:[0-9a-f]+)(?![\w.(])/, tokens: (m) => [esc('h', m[0])]},
  // user@database, either side possibly empty (background processes under %u@%d without %q)
  // (names as PostgreSQL writes them, and "[unknown]" before authentication)
  {re: /^((?:\[unknown\]|[\w.$-])*)@((?:\[unknown\]|[\w.$-])*)(?=[\s:,\]|;-]|$)/, tokens: (m) => [esc('u', m[1]!), lit('@'), esc('d', m[2]!)]},
  // [12-1]: a session line number and the first part of a multi-part line (pgBadger's advice)
  {re: /^\[(\d+)-(\d+)\]/, tokens: (m) => [lit('['), esc('l', m[1]!), lit(`-${m[2]}]`)]},
  {re: /^\[(\d+)\]/, tokens: (m) => [lit('['), esc('p', m[1]!), lit(']')]},
  {re: /^-?\d+(?![\w.])/, tokens: (m, before) => [esc(numberEscape(m[0], before), m[0])]},
  {re: /^[A-Za-z_][\w.$-]*(?<![-.])/, tokens: (m, before) => [esc(nameEscape(before), m[0])]},
  {re: /^[^\w]/, tokens: (m) => [lit(m[0])]},
  {re: /^\w+/, tokens: (m) => [lit(m[0])]},
]

/** The prefix part of a line (before its severity), or null when no severity is found. */
export function prefixText(line: string): string | null {
  const m = SEVERITY_AT.exec(line)
  return m ? line.slice(0, m.index) : null
}

export function tokenize(prefix: string): Token[] {
  const out: Token[] = []
  let rest = prefix
  while (rest.length) {
    let matched = false
    for (const rule of RULES) {
      const m = rule.re.exec(rest)
      if (!m || m[0].length === 0) continue
      out.push(...rule.tokens(m, out))
      rest = rest.slice(m[0].length)
      matched = true
      break
    }
    if (!matched) {
      out.push(lit(rest[0]!))
      rest = rest.slice(1)
    }
  }
  return out
}

const render = (tokens: Token[]) => tokens.map((t) => (t.escape ? `%${t.escape}` : t.literal!.replace(/%/g, '%%'))).join('')
const shape = (tokens: Token[]) => tokens.map((t) => (t.escape ? `%${t.escape}` : t.literal)).join('\u0000')

/**
 * Candidate prefixes for these lines, most common shape first; a shape that is a strict head of
 * a longer one (a background process's line) marks where `%q` goes.
 */
export function inferPrefixes(lines: string[]): string[] {
  const byShape = new Map<string, Token[][]>()
  for (const line of lines) {
    const text = prefixText(line)
    if (text === null) continue
    const tokens = tokenize(text)
    const key = shape(tokens)
    const list = byShape.get(key)
    if (list) list.push(tokens)
    else byShape.set(key, [tokens])
  }
  const shapes = [...byShape.values()].sort((a, b) => b.length - a.length || b[0]!.length - a[0]!.length)
  const out: string[] = []
  for (const group of shapes.slice(0, 4)) {
    const template = group[0]!
    out.push(render(template))
    // %q: a shorter shape that is this one's head (background processes) → optional tail.
    for (const other of shapes) {
      const o = other[0]!
      if (o.length >= template.length || o.length === 0) continue
      if (shape(template.slice(0, o.length)) === shape(o)) {
        out.unshift(render(template.slice(0, o.length)) + '%q' + render(template.slice(o.length)))
        break
      }
    }
  }
  return [...new Set(out)]
}

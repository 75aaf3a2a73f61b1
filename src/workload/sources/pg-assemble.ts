/**
 * PostgreSQL entries that arrive as pieces of text per process, inside some envelope (syslog,
 * Heroku logplex, journald): each piece is either a numbered part `[N-k] text` (syslog's
 * sequence numbers: k = 1 starts entry N, k > 1 continues it, split where the message had a
 * newline or at ~900 bytes) or a stderr line (a new entry, or a continuation led by a tab).
 * Pieces of one process are joined back into whole entries, matched against the
 * log_line_prefix and handed to the entry processor. Memory is bounded by the number of
 * processes with an unfinished entry.
 */
import type {PgEntryProcessor} from './pg-entries.js'
import type {PrefixFields, PrefixMatcher} from './pg-prefix.js'
import type {WarningTally} from './warnings.js'

/** Unfinished entries kept at most; the oldest is finished first beyond that. */
const MAX_OPEN = 4096

interface OpenEntry {
  seq?: string
  first: string
  rest: string[]
  line: number
  fields: PrefixFields
  /** DETAIL carried in the same record (Azure), not logged as an entry of its own. */
  detail?: string
}

/** `[N-k] text` (sequence numbers on) or `[k] text` (off). */
const PART = /^\[(\d+)(?:-(\d+))?\] ?(.*)$/s

/** rsyslog writes control characters as #ooo (a tab is #011). */
const unescapeSyslog = (text: string) => (text.includes('#0') ? text.replace(/#0(\d\d)/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) : text)

export class EntryAssembler {
  private open = new Map<string, OpenEntry>()

  constructor(
    private readonly matcher: PrefixMatcher,
    private readonly processor: PgEntryProcessor,
    private readonly tally: WarningTally,
    private readonly file: string,
  ) {}

  /**
   * One piece of process `key`'s output. `fields` are what the envelope says (pid, time) and
   * fill in what the prefix does not.
   */
  piece(key: string, text: string, lineNo: number, fields: PrefixFields): void {
    const part = PART.exec(text)
    if (part) {
      const [, seq, k, body] = part
      const partNo = k === undefined ? Number(seq) : Number(k)
      const content = unescapeSyslog(body!)
      const held = this.open.get(key)
      if (partNo > 1 && held && (k === undefined || held.seq === seq)) {
        held.rest.push(content.startsWith('\t') ? content.slice(1) : content)
        return
      }
      this.start(key, content, lineNo, fields, k === undefined ? undefined : seq)
      return
    }
    const line = unescapeSyslog(text)
    const held = this.open.get(key)
    if (held && line.startsWith('\t')) {
      held.rest.push(line.slice(1))
      return
    }
    this.start(key, line, lineNo, fields)
  }

  /**
   * A piece holding a whole entry (a JSON record's message): first line, then its continuation;
   * `detail` when the record carries the entry's DETAIL.
   */
  whole(key: string, text: string, lineNo: number, fields: PrefixFields, detail?: string): void {
    this.finishKey(key)
    const [first, ...rest] = text.replace(/\n$/, '').split('\n')
    this.open.set(key, {first: first!, rest: rest.map((r) => (r.startsWith('\t') ? r.slice(1) : r)), line: lineNo, fields, detail})
    this.finishKey(key)
  }

  private start(key: string, first: string, line: number, fields: PrefixFields, seq?: string): void {
    this.finishKey(key)
    if (this.open.size >= MAX_OPEN) this.finishKey(this.open.keys().next().value!)
    this.open.set(key, {seq, first, rest: [], line, fields})
  }

  private finishKey(key: string): void {
    const e = this.open.get(key)
    if (!e) return
    this.open.delete(key)
    const m = this.matcher.match(e.first)
    if (!m) {
      this.tally.add('entries that do not match the log_line_prefix', e.line)
      return
    }
    // The envelope's process id and time stand in for escapes the prefix lacks.
    const fields = {...e.fields, ...m.fields}
    const message = e.rest.length ? `${m.message}\n${e.rest.join('\n')}` : m.message
    this.processor.entry({fields, severity: m.severity, message, detail: e.detail, file: this.file, line: e.line})
  }

  finish(): void {
    for (const key of [...this.open.keys()]) this.finishKey(key)
  }
}

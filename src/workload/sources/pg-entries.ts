/**
 * PostgreSQL log entries (from stderr, csvlog or jsonlog alike) → executed statements.
 *
 * The server logs a statement in several ways depending on settings:
 *   log_statement=all            `statement: SQL` / `execute NAME: SQL` (+ DETAIL parameters)
 *   log_min_duration_statement=0 `duration: 1.2 ms  statement: SQL` / `… execute NAME: SQL`,
 *                                and `duration: … parse|bind NAME: …` (not executions: skipped)
 *   both, or log_duration=on     the statement line, then a bare `duration: 1.2 ms`
 * A statement is held per session until its session logs something else, so a later bare
 * duration or DETAIL can be attached. Memory is bounded by the number of live sessions.
 */
import type {EventSink, StatementEvent} from '../events.js'
import type {PrefixFields} from './pg-prefix.js'

export interface PgLogEntry {
  fields: PrefixFields
  severity: string
  message: string
  /** csvlog/jsonlog carry DETAIL in the same record; stderr logs it as its own entry. */
  detail?: string
  file: string
  line: number
}

/** `duration: 1.5 ms` then white space and the rest (or nothing): [ms, rest], else null. */
function splitDuration(message: string): [number, string] | null {
  if (!message.startsWith('duration: ')) return null
  const ms = message.indexOf(' ms', 10)
  if (ms === -1 || !DURATION_NUMBER.test(message.slice(10, ms))) return null
  let rest = ms + 3
  if (rest < message.length && !WHITE.test(message[rest]!)) return null
  while (rest < message.length && WHITE.test(message[rest]!)) rest++
  return [Number(message.slice(10, ms)), message.slice(rest)]
}
const DURATION_NUMBER = /^\d+(?:\.\d+)?$/
const WHITE = /\s/

/**
 * `statement: SQL`, `execute NAME: SQL`, `parse NAME: SQL`, `bind NAME: SQL` → [what, SQL]
 * (what names its kind and runs to the first colon), else null.
 */
function splitStatement(message: string): [string, string] | null {
  if (message.startsWith('statement: ')) return ['statement', message.slice(11)]
  if (!(message.startsWith('execute ') || message.startsWith('parse ') || message.startsWith('bind '))) return null
  const colon = message.indexOf(':')
  if (colon === -1 || message.charCodeAt(colon + 1) !== 32) return null
  return [message.slice(0, colon), message.slice(colon + 2)]
}

/**
 * A piece of a file cut for parallel reading (see stitch.ts): a statement still waiting for its
 * duration when the piece ends, and a bare duration whose statement was before the piece, go to
 * the main thread, which pairs them as one thread reading the whole file would.
 */
export interface PieceEdges {
  open?: EventSink
  orphan?: (session: string, ms: number) => void
}

export class PgEntryProcessor {
  /**
   * The statement each session holds back. A session's next statement replaces it in place:
   * deleting the key and adding it again, for every statement, kept released statements (and
   * their log lines) alive through young-generation collections, so V8 promoted them to its old
   * generation, to be freed only by a full collection: 113 MB of the 128 MB bench log went
   * there, 0.5 MB with the value replaced (--trace-gc-nvp, the reader alone).
   */
  private pending = new Map<string, StatementEvent>()
  /** Sessions that logged something in this piece (only then is a bare duration an orphan). */
  private seen = new Set<string>()
  statements = 0

  constructor(private readonly sink: EventSink, private readonly edges: PieceEdges = {}) {}

  entry(e: PgLogEntry): void {
    const key = e.fields.session ?? e.fields.pid ?? ''
    if (e.severity === 'DETAIL') {
      const held = this.pending.get(key)
      if (held && e.message.startsWith('parameters: ')) held.parameters = e.message.slice('parameters: '.length)
      return
    }
    if (e.severity !== 'LOG') return
    let message = e.message
    let durationMs: number | undefined
    const d = splitDuration(message)
    if (d) {
      durationMs = d[0]
      if (!d[1]) {
        // A bare duration belongs to the statement this session logged last.
        const held = this.pending.get(key)
        if (held && held.totalMs === undefined) held.totalMs = durationMs
        else if (!held && !this.seen.has(key)) this.edges.orphan?.(key, durationMs)
        this.see(key)
        return
      }
      message = d[1]
    }
    this.see(key)
    const s = splitStatement(message)
    if (!s) return
    const what = s[0]
    if (what.startsWith('parse ') || what.startsWith('bind ')) return
    const event: StatementEvent = {
      sql: s[1],
      calls: 1,
      totalMs: durationMs,
      at: e.fields.timestamp,
      session: key || undefined,
      txn: e.fields.vxid && !e.fields.vxid.endsWith('/0') ? e.fields.vxid : undefined,
      user: e.fields.user,
      database: e.fields.database,
      application: e.fields.application,
      client: e.fields.client,
      file: e.file,
      line: e.line,
    }
    if (e.detail?.startsWith('parameters: ')) event.parameters = e.detail.slice('parameters: '.length)
    const held = this.pending.get(key)
    this.pending.set(key, event)
    if (held) this.emit(held)
  }

  /** Only a piece after the first has orphans to find: the others need not keep the set. */
  private see(key: string): void {
    if (this.edges.orphan) this.seen.add(key)
  }

  private emit(event: StatementEvent): void {
    this.statements++
    this.sink(event)
  }

  /** End of input: emit what is still held (to `edges.open` when a later piece may hold its duration). */
  finish(): void {
    // In the order they were read (the map's order is the sessions' first statements).
    const held = [...this.pending.values()].sort((a, b) => a.line - b.line)
    this.pending.clear()
    for (const e of held) {
      if (!this.edges.open) {
        this.emit(e)
        continue
      }
      this.statements++
      this.edges.open(e)
    }
  }
}

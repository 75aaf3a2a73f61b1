/**
 * Transactions across the cuts of parallel ingestion. A worker reading piece i of a file does not
 * know the state its sessions were in when the piece starts (inside a BEGIN … COMMIT of piece
 * i-1?), nor may it close the transactions still open when its piece ends. So, per session:
 *
 *   head  events from the session's first one in the piece up to and including its first
 *         COMMIT/ROLLBACK (or up to, not including, a change of logged transaction id): their
 *         state depends on the pieces before;
 *   body  everything after that, handed to the worker's own aggregator one finished
 *         transaction at a time (a session's state after COMMIT is the same as a fresh one's);
 *   tail  events of the transaction still open when the piece ends.
 *
 * Heads and tails go back to the main thread, which feeds them, in file order (tail of piece
 * i-1, then head of piece i …), into its aggregator: every transaction is then seen whole, by
 * exactly one aggregator, in order — the same transactions as a single thread finds, for any -j.
 */
import type {StatementAnalyzer} from './analyzer.js'
import type {EventSink, StatementEvent} from './events.js'
import {maskSql} from './mask.js'

/**
 * A session whose head grows past this many statements without a COMMIT/ROLLBACK is taken to be
 * outside any transaction (autocommit): this bounds what the main thread replays. Only an explicit
 * transaction longer than this that straddles a cut would then be split.
 */
const MAX_HEAD = 1_000

/** Cheap pre-test: can this statement hold a transaction-control statement at all? */
const MAYBE_CONTROL = /(?:^|;)\s*(?:\/\*[\s\S]*?\*\/\s*)*(?:begin|start|commit|end|rollback|abort|xa)\b/i

type Control = 'begin' | 'end' | null

/** An event as it crosses to the main thread: `heldAtEnd` when its duration may be in the next piece. */
export type EdgeEvent = StatementEvent & {heldAtEnd?: true}

interface SessionBuffer {
  phase: 'head' | 'body'
  events: StatementEvent[]
  explicit: boolean
  txn?: string
}

export class BoundaryStitcher {
  private sessions = new Map<string, SessionBuffer>()
  readonly head: StatementEvent[] = []

  /**
   * `first`: the piece starts the file (sessions start fresh); `last`: it ends the file (what is
   * open at its end is open at the end of the input, and the worker closes it as one thread would).
   */
  constructor(private readonly analyzer: StatementAnalyzer, private readonly first: boolean, private readonly last: boolean, private readonly sink: EventSink) {}

  private control(e: StatementEvent): Control {
    if (!MAYBE_CONTROL.test(e.sql)) return null
    const analysis = this.analyzer.analyze(e.sql, maskSql(e.sql, this.analyzer.dialect).key)
    let out: Control = null
    for (const info of analysis.infos ?? []) {
      if (info.kind === 'begin') out = 'begin'
      else if (info.kind === 'commit' || info.kind === 'rollback') out = 'end'
    }
    return out
  }

  event(e: StatementEvent): void {
    if (e.session === undefined) {
      this.sink(e)
      return
    }
    let s = this.sessions.get(e.session)
    if (!s) this.sessions.set(e.session, (s = {phase: this.first ? 'body' : 'head', events: [], explicit: false}))
    const control = this.control(e)
    if (s.phase === 'head') {
      if (e.txn && s.txn !== undefined && e.txn !== s.txn) {
        // A new logged transaction: what came before is closed by it, whatever the past was.
        this.toHead(s)
        s.phase = 'body'
      } else {
        s.events.push(e)
        if (e.txn) s.txn = e.txn
        if (control === 'end' || s.events.length >= MAX_HEAD) {
          this.toHead(s)
          s.phase = 'body'
          s.txn = undefined
        }
        return
      }
    }
    // body: hold the current transaction's events until it is finished.
    if (e.txn && s.txn !== undefined && e.txn !== s.txn && !s.explicit) this.flush(s)
    s.events.push(e)
    if (e.txn) s.txn = e.txn
    if (control === 'begin') s.explicit = true
    else if (control === 'end') {
      s.explicit = false
      this.flush(s)
    } else if (!s.explicit && !e.txn) {
      this.flush(s)
    }
  }

  /**
   * A statement the reader still held when the piece ended: its session's last one here. It goes
   * to the main thread with whatever its session has open, to meet its duration there.
   */
  open(e: StatementEvent): void {
    const key = e.session ?? ''
    let s = this.sessions.get(key)
    if (!s) this.sessions.set(key, (s = {phase: this.first ? 'body' : 'head', events: [], explicit: false}))
    s.events.push({...e, heldAtEnd: true} as EdgeEvent)
  }

  private toHead(s: SessionBuffer): void {
    for (const e of s.events) this.head.push(e)
    s.events = []
  }

  private flush(s: SessionBuffer): void {
    for (const e of s.events) this.sink(e)
    s.events = []
  }

  /** End of the piece: the events of transactions still open (empty for the file's last piece). */
  finish(): StatementEvent[] {
    const tail: StatementEvent[] = []
    for (const s of this.sessions.values()) {
      if (s.phase === 'head') this.toHead(s)
      else if (this.last) this.flush(s)
      else tail.push(...s.events)
    }
    this.sessions.clear()
    return tail
  }
}

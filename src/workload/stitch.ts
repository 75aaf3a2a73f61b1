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
 *
 * A head is bounded: a session in autocommit never ends it. Past MAX_HEAD statements with no
 * COMMIT/ROLLBACK and no transaction id, the session is *undecided*: its further statements (up
 * to its first COMMIT/ROLLBACK, or through the transaction a BEGIN starts) go to a scratch
 * aggregator as autocommit statements, and their line range is reported. The main thread knows
 * whether the session was inside an explicit transaction there: if not, the scratch counts are
 * exactly a single thread's and are merged; if so, it reads those statements again from the
 * piece into its own aggregator, where they join the open transaction (see parallel.ts).
 */
import type {StatementAnalyzer} from './analyzer.js'
import type {EventSink, StatementEvent} from './events.js'
import {maskSql} from './mask.js'

/**
 * A session whose head grows past this many statements without a COMMIT/ROLLBACK (nor a logged
 * transaction id) becomes undecided: this bounds what the main thread replays.
 */
const MAX_HEAD = 1_000

/** Cheap pre-test: can this statement hold a transaction-control statement at all? */
const MAYBE_CONTROL = /(?:^|;)\s*(?:\/\*[\s\S]*?\*\/\s*)*(?:begin|start|commit|end|rollback|abort|xa)\b/i

export type Control = 'begin' | 'end' | null

/** Whether a statement begins or ends a transaction (BEGIN/START, COMMIT/END/ROLLBACK/ABORT). */
export function transactionControl(analyzer: StatementAnalyzer, sql: string): Control {
  if (!MAYBE_CONTROL.test(sql)) return null
  const analysis = analyzer.analyze(sql, maskSql(sql, analyzer.dialect).key)
  let out: Control = null
  for (const info of analysis.infos ?? []) {
    if (info.kind === 'begin') out = 'begin'
    else if (info.kind === 'commit' || info.kind === 'rollback') out = 'end'
  }
  return out
}

/** An event as it crosses to the main thread: `heldAtEnd` when its duration may be in the next piece. */
export type EdgeEvent = StatementEvent & {heldAtEnd?: true}

/** The lines (first and last) of one undecided session's statements that went to the scratch sink. */
export type UndecidedRange = [session: string, from: number, to: number]

interface SessionBuffer {
  phase: 'head' | 'undecided' | 'body'
  events: StatementEvent[]
  explicit: boolean
  txn?: string
  /** undecided: the lines of the statements sent to the scratch sink. */
  range?: {from: number; to: number}
}

export class BoundaryStitcher {
  private sessions = new Map<string, SessionBuffer>()
  readonly head: StatementEvent[] = []
  readonly undecided: UndecidedRange[] = []
  /** Sessions whose state at the piece's end does not depend on the pieces before (see finish). */
  readonly settled: string[] = []

  /**
   * `first`: the piece starts the file (sessions start fresh); `last`: it ends the file (what is
   * open at its end is open at the end of the input, and the worker closes it as one thread would).
   * `scratch` takes undecided sessions' statements (see the header).
   */
  constructor(
    private readonly analyzer: StatementAnalyzer,
    private readonly first: boolean,
    private readonly last: boolean,
    private readonly sink: EventSink,
    private readonly scratch: EventSink = sink,
  ) {}

  private control(e: StatementEvent): Control {
    return transactionControl(this.analyzer, e.sql)
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
        if (control === 'end') {
          this.toHead(s)
          s.phase = 'body'
          s.txn = undefined
        } else if (s.events.length >= MAX_HEAD && s.txn === undefined) {
          // A logged transaction id settles the head by itself (its change ends it); without
          // one, the session may be in autocommit forever.
          this.toHead(s)
          s.phase = 'undecided'
        }
        return
      }
    }
    if (s.phase === 'undecided') {
      if (!this.undecidedEvent(s, e, control)) return
      s.phase = 'body'
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

  /**
   * An undecided session's statement: to the scratch sink (as autocommit: without its session,
   * until a BEGIN; with it from the BEGIN to its COMMIT). True when the statement is not the
   * scratch's but the body's (a logged transaction id: the past no longer matters).
   */
  private undecidedEvent(s: SessionBuffer, e: StatementEvent, control: Control): boolean {
    const toScratch = (x: StatementEvent) => {
      s.range = s.range ? {from: s.range.from, to: x.line} : {from: x.line, to: x.line}
      this.scratch(x)
    }
    if (s.explicit) {
      // The transaction a BEGIN started while undecided: held whole, like a body's.
      s.events.push(e)
      if (control === 'end') {
        for (const x of s.events) toScratch(x)
        s.events = []
        s.explicit = false
        this.settle(s, e.session!)
      }
      return false
    }
    if (e.txn) {
      this.settle(s, e.session!)
      return true
    }
    if (control === 'begin') {
      s.explicit = true
      s.events = [e]
    } else if (control === 'end') {
      toScratch(e)
      this.settle(s, e.session!)
    } else {
      toScratch({...e, session: undefined})
    }
    return false
  }

  /** End of an undecided stretch: its range is reported, the session goes on as a body. */
  private settle(s: SessionBuffer, session: string): void {
    if (s.range) this.undecided.push([session, s.range.from, s.range.to])
    s.range = undefined
    s.phase = 'body'
  }

  private toHead(s: SessionBuffer): void {
    for (const e of s.events) this.head.push(e)
    s.events = []
  }

  private flush(s: SessionBuffer): void {
    for (const e of s.events) this.sink(e)
    s.events = []
  }

  /**
   * End of the piece: the events of transactions still open (empty for the file's last piece).
   * Sessions left as a body are `settled`: their state at the end is what their tail says.
   */
  finish(): StatementEvent[] {
    const tail: StatementEvent[] = []
    for (const [key, s] of this.sessions) {
      if (s.phase === 'head') {
        this.toHead(s)
        continue
      }
      if (s.phase === 'undecided') {
        // Held statements (a BEGIN's transaction, or one waiting for its duration): the last
        // piece closes them in the scratch as one thread would; otherwise they are the tail.
        if (this.last) {
          for (const x of s.events) {
            s.range = s.range ? {from: s.range.from, to: x.line} : {from: x.line, to: x.line}
            this.scratch(x)
          }
        } else {
          tail.push(...s.events)
        }
        if (s.range) this.undecided.push([key, s.range.from, s.range.to])
        continue
      }
      this.settled.push(key)
      if (this.last) this.flush(s)
      else tail.push(...s.events)
    }
    this.sessions.clear()
    return tail
  }
}

/**
 * The data a backfill passes between its loop (backfill.ts) and the ways of copying a batch
 * (backfill-copiers.ts): a leaf, so neither imports the other's module for types.
 */
import type {TableShape} from './pg-table.js'

/** What a copy of one table resolves to once both tables have been read. */
export interface ResolvedCopy {
  label: string
  source: TableShape
  target: TableShape
  key: string[]
  /** Key column types on the source (for parameters cast on the source). */
  keyTypes: string[]
  /** Columns written on the target: the listed ones minus the target's generated columns. */
  insertColumns: string[]
  /** Their types on the target (text forms are cast to these there). */
  insertTypes: string[]
  /** `OVERRIDING SYSTEM VALUE` when an identity ALWAYS column is written, else ''. */
  overriding: string
  /** Every written column has the same built-in type on both sides: COPY may use the binary format. */
  binary: boolean
}

export type ReadBatch = {
  rows: number
  last: unknown[] | null
  write: (safe: boolean) => Promise<void>
  /** Whether this batch reached the upper bound (else: fewer rows than the limit came back, or the last was the bound). */
  finished?: boolean
}

/** One way of copying a batch: returns the rows read from the source and the last key. */
export interface BatchCopier {
  /**
   * Read the batch after `after`; its `write` writes it. Split in two so the next read can
   * overlap the current write (across databases; within one database the read is the write).
   * `safe`: insert with ON CONFLICT (key) DO NOTHING. Otherwise a plain INSERT, ~1.6× faster;
   * it fails with a unique violation — rolling the whole batch back — only when some of the
   * batch is on the target already, and the batch is then written again safely.
   */
  read(after: unknown[] | null, upper: unknown[], limit: number, safe: boolean): Promise<ReadBatch>
  /** Whether reading the next batch may overlap writing this one (two sessions). */
  readonly overlap: boolean
}


export function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

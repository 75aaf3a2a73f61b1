/**
 * What one SQL statement does to tables, as seen by a real parser. Engine-neutral: the
 * PostgreSQL analyzer (libpg-query) and the MySQL analyzer (node-sql-parser) both yield this.
 *
 * Table names are as written, lower-cased where the engine folds them: `schema.name` when the
 * statement qualifies them, bare `name` otherwise (resolved against the catalog later).
 */
export type StatementKind =
  | 'select'
  | 'insert'
  | 'update'
  | 'delete'
  | 'merge'
  | 'copy'
  | 'truncate'
  | 'ddl'
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'other'

export interface StatementInfo {
  kind: StatementKind
  /** Tables read (FROM, JOIN, subqueries, USING, sources of INSERT … SELECT, COPY … TO). */
  reads: string[]
  /** Tables written (INSERT / UPDATE / DELETE / MERGE / COPY FROM / TRUNCATE, data-modifying CTEs). */
  writes: string[]
  /** Tables locked for update without being written (SELECT … FOR UPDATE / FOR SHARE). */
  locks: string[]
  /** Tables whose structure the statement changes or creates (CREATE / ALTER / DROP …). */
  ddl: string[]
  /** Pairs of tables joined in one query block, each pair sorted, the list sorted and unique. */
  joins: [string, string][]
}

export function emptyInfo(kind: StatementKind): StatementInfo {
  return {kind, reads: [], writes: [], locks: [], ddl: [], joins: []}
}

/** Sort, dedupe: analyzers collect into sets and finish here so results compare cleanly. */
export function finishInfo(
  kind: StatementKind,
  sets: {reads: Set<string>; writes: Set<string>; locks: Set<string>; ddl: Set<string>; joins: Set<string>},
): StatementInfo {
  const sorted = (s: Set<string>) => [...s].sort()
  return {
    kind,
    reads: sorted(sets.reads),
    writes: sorted(sets.writes),
    locks: sorted(sets.locks),
    ddl: sorted(sets.ddl),
    joins: sorted(sets.joins).map((p) => p.split('\u0000') as [string, string]),
  }
}

/** Every unordered pair of distinct names, as sorted 'a\0b' keys. */
export function addPairs(names: Iterable<string>, into: Set<string>): void {
  const list = [...new Set(names)].sort()
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) into.add(`${list[i]}\u0000${list[j]}`)
  }
}

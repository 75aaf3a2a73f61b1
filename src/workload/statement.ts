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
  | 'lock'
  | 'maintenance'
  | 'begin'
  | 'commit'
  | 'rollback'
  | 'other'

export interface StatementInfo {
  kind: StatementKind
  /** Tables read (FROM, JOIN, subqueries in any clause, set-operation arms, sources of INSERT … SELECT, COPY … TO). */
  reads: string[]
  /** Tables written (INSERT / UPDATE / DELETE / MERGE / COPY FROM / TRUNCATE, data-modifying CTEs, CREATE TABLE AS / SELECT INTO targets). */
  writes: string[]
  /** Tables locked without being written (SELECT … FOR UPDATE / FOR SHARE, LOCK TABLE). */
  locks: string[]
  /** Tables whose structure the statement changes or creates (CREATE / ALTER / DROP …). */
  ddl: string[]
  /**
   * Tables a maintenance command works on (VACUUM, ANALYZE, CLUSTER, REINDEX; MySQL's OPTIMIZE /
   * ANALYZE / CHECK / REPAIR TABLE). Kept apart: a DBA's VACUUM is neither a read nor ownership.
   */
  maintenance: string[]
  /** Pairs of tables joined in one query block, each pair sorted, the list sorted and unique. */
  joins: [string, string][]
  /**
   * Set when some tables were found by a fallback (a token-level finder for text no grammar
   * accepts, or relations the structured walk did not place): they are counted as reads, never
   * dropped, and the statement is flagged so reports can say so.
   */
  approximate?: true
}

export interface InfoSets {
  reads: Set<string>
  writes: Set<string>
  locks: Set<string>
  ddl: Set<string>
  maintenance: Set<string>
  joins: Set<string>
}

export const emptySets = (): InfoSets => ({reads: new Set(), writes: new Set(), locks: new Set(), ddl: new Set(), maintenance: new Set(), joins: new Set()})

export function emptyInfo(kind: StatementKind): StatementInfo {
  return {kind, reads: [], writes: [], locks: [], ddl: [], maintenance: [], joins: []}
}

/** Sort, dedupe: analyzers collect into sets and finish here so results compare cleanly. */
export function finishInfo(kind: StatementKind, sets: InfoSets, approximate = false): StatementInfo {
  const sorted = (s: Set<string>) => [...s].sort()
  const info: StatementInfo = {
    kind,
    reads: sorted(sets.reads),
    writes: sorted(sets.writes),
    locks: sorted(sets.locks),
    ddl: sorted(sets.ddl),
    maintenance: sorted(sets.maintenance),
    joins: sorted(sets.joins).map((p) => p.split('\u0000') as [string, string]),
  }
  if (approximate) info.approximate = true
  return info
}

/** Every table a statement names in any role: what the relation invariant compares against. */
export function accountedTables(info: StatementInfo): Set<string> {
  return new Set([...info.reads, ...info.writes, ...info.locks, ...info.ddl, ...info.maintenance])
}

/** Every unordered pair of distinct names, as sorted 'a\0b' keys. */
export function addPairs(names: Iterable<string>, into: Set<string>): void {
  const list = [...new Set(names)].sort()
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) into.add(`${list[i]}\u0000${list[j]}`)
  }
}

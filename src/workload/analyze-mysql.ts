/**
 * MySQL / MariaDB statement analysis on node-sql-parser's AST: which tables a statement reads,
 * writes, locks, joins and alters — the same semantics and output as analyzePg. The tables come
 * from a walk of the parse tree, never from the parser's `tableList` (it mislabels the sources of
 * joined UPDATEs as written) and never from regular expressions on SQL.
 *
 * node-sql-parser's grammars have gaps, so a statement goes through these steps, the first that
 * succeeds wins:
 *  0. Table-maintenance statements (OPTIMIZE / ANALYZE / CHECK / REPAIR TABLE a, b) are a plain
 *     name list, read exactly from the tokens (mysql-token-tables.ts).
 *  1. A small MySQL lexer (mysql-lexer.ts) splits the text on top-level `;`; access-neutral token
 *     edits (mysql-edits.ts): executable comments (`/*!40101 … *\/`) opened, statement modifiers
 *     (`UPDATE LOW_PRIORITY IGNORE`, `DELETE QUICK`, …) blanked — the MariaDB grammar silently
 *     reads `UPDATE IGNORE t` as table `ignore` aliased `t` — character-set introducers
 *     (`_utf8mb4'x'`) blanked, `EXPLAIN [ANALYZE] [FORMAT=…]` dropped before the statement.
 *  2. Parse with the flavor's grammar, then with the other one (each rejects things the other
 *     accepts: MariaDB's lacks LOCK IN SHARE MODE and STRAIGHT_JOIN, MySQL's lacks RETURNING…).
 *  3. On failure, further token edits that do not change which tables are touched: index hints
 *     and PARTITION (…) selections removed, `DELETE t.* FROM` → `DELETE t FROM`, MySQL 8
 *     `FOR SHARE` / `FOR UPDATE OF a, b` rewritten to `FOR UPDATE` with the OF list kept aside,
 *     `NATURAL JOIN` → `JOIN`; parse both grammars again.
 *  4. Statements no grammar accepts but that touch no table and matter for transaction
 *     reconstruction (`COMMIT WORK`, `ROLLBACK TO SAVEPOINT`, `START TRANSACTION WITH CONSISTENT
 *     SNAPSHOT`, `SET NAMES`, `SAVEPOINT`, `SHOW …`, `XA …`) are classified from their leading
 *     keyword tokens.
 *  5. Otherwise a token-level table finder (mysql-token-tables.ts): the tables are counted and the
 *     statement flagged approximate, never dropped.
 *  6. A statement in which not even that finds a table is a SqlParseError (counted as unparsed).
 *
 * A parsed statement is checked against the relation invariant (mysql-relations.ts): table
 * references of the AST the walk did not place are added as reads, flagged approximate.
 *
 * Table names keep the case as written (MySQL table names are case-sensitive on Linux):
 * `db.table` when qualified, bare `table` otherwise.
 */
import pkg from 'node-sql-parser'

import {SqlParseError, withUnaccounted} from './analyze-pg.js'
import {applyEdits, basicEdits, deeperEdits, DML, plansOnly} from './mysql-edits.js'
import {type Piece, splitStatements, type Token} from './mysql-lexer.js'
import {mysqlRelationNodes, unaccountedMysql} from './mysql-relations.js'
import {routineStatement} from './mysql-routines.js'
import {findTablesByTokens, maintenanceStatement} from './mysql-token-tables.js'
import {type Json, obj, type Obj, Walker} from './mysql-walker.js'
import {emptySets, finishInfo, type StatementInfo, type StatementKind} from './statement.js'

const {Parser} = pkg

export type MysqlFlavor = 'mysql' | 'mariadb'

let parser: InstanceType<typeof Parser> | undefined

/** Analyze every statement in `sql` (a log entry may hold several, separated by `;`). */
export function analyzeMysql(sql: string, flavor: MysqlFlavor): StatementInfo[] {
  return analyzeMysqlDetailed(sql, flavor).map(({walked, unaccounted}) => withUnaccounted(walked, unaccounted))
}

export interface MysqlDetailedInfo {
  /** The analysis before any unaccounted reference is added (token-level results are flagged approximate). */
  walked: StatementInfo
  /** Table references of the parse tree the structured walk did not place (should be empty). */
  unaccounted: string[]
}

/** Analyze, exposing the relation invariant's result (see mysql-relations.ts). */
export function analyzeMysqlDetailed(sql: string, flavor: MysqlFlavor): MysqlDetailedInfo[] {
  parser ??= new Parser()
  const grammars = flavor === 'mariadb' ? ['MariaDB', 'MySQL'] : ['MySQL', 'MariaDB']
  return splitStatements(sql).map((piece) => analyzePiece(piece, grammars))
}

// ---------------------------------------------------------------------------------------------

function tryParse(text: string, grammars: string[]): {ast: Obj[]} | {error: unknown} {
  let first: unknown
  for (const database of grammars) {
    try {
      const ast = parser!.astify(text, {database}) as unknown as Json
      const list = (Array.isArray(ast) ? ast : [ast]).map(obj).filter((a): a is Obj => !!a)
      return {ast: list}
    } catch (error) {
      first ??= error
    }
  }
  return {error: first}
}

const exact = (walked: StatementInfo): MysqlDetailedInfo => ({walked, unaccounted: []})

function analyzePiece(piece: Piece, grammars: string[]): MysqlDetailedInfo {
  const analyzed = analyzeStatement(piece, grammars)
  return plansOnly(piece.tokens) ? {walked: plannedOnly(analyzed.walked), unaccounted: analyzed.unaccounted} : analyzed
}

/** Plain EXPLAIN: every table the statement names is read (planned), none written or locked. */
function plannedOnly(walked: StatementInfo): StatementInfo {
  const sets = emptySets()
  for (const t of [...walked.reads, ...walked.writes, ...walked.locks, ...walked.ddl, ...walked.maintenance]) sets.reads.add(t)
  for (const [a, b] of walked.joins) sets.joins.add(`${a}\u0000${b}`)
  return finishInfo('select', sets, walked.approximate === true)
}

function analyzeStatement(piece: Piece, grammars: string[]): MysqlDetailedInfo {
  // OPTIMIZE / ANALYZE / CHECK / REPAIR TABLE: a name list, read exactly from the tokens.
  const maintenance = maintenanceStatement(piece.tokens)
  if (maintenance) return exact(maintenance)
  // CREATE TRIGGER / PROCEDURE / FUNCTION / EVENT: header and body statements (mysql-routines.ts).
  const routine = routineStatement(piece, (body) => bodyStatements(body, grammars))
  if (routine) return exact(routine)

  const basic = applyEdits(piece.text, basicEdits(piece))
  const plain = tryParse(basic, grammars)
  if ('ast' in plain) return walkAll(plain.ast)

  const deeper = deeperEdits(piece)
  if (deeper.edits.length) {
    const text = applyEdits(basic, deeper.edits)
    const retry = tryParse(text, grammars)
    if ('ast' in retry) return walkAll(retry.ast, deeper.lockOf)
  }

  const kind = keywordKind(piece.tokens)
  if (kind) return exact(finishInfo(kind, emptySets()))

  // No grammar accepts it, yet the server ran it: find its tables from the tokens (approximate).
  const found = findTablesByTokens(piece.tokens)
  if (found) return exact(found)

  const e = plain.error as {message?: string; location?: {start?: {offset?: number}}}
  const at = e?.location?.start?.offset
  throw new SqlParseError(e?.message ?? String(plain.error), typeof at === 'number' ? piece.offset + at : null)
}

/** A routine body's statements; pieces that are only control flow (`END IF`, `RETURN x`) name no table. */
function bodyStatements(body: string, grammars: string[]): StatementInfo[] {
  const out: StatementInfo[] = []
  for (const piece of splitStatements(body)) {
    try {
      const {walked, unaccounted} = analyzePiece(piece, grammars)
      out.push(withUnaccounted(walked, unaccounted))
    } catch (error) {
      if (!(error instanceof SqlParseError)) throw error
    }
  }
  return out
}

/** A piece is one statement; should a grammar still return several, merge them into the first's kind. */
function walkAll(asts: Obj[], lockOf?: string[] | null): MysqlDetailedInfo {
  const walker = new Walker(lockOf)
  let kind = 'other' as StatementKind
  asts.forEach((ast, i) => {
    const k = walker.dispatch(ast, new Set(), true)
    if (i === 0) kind = k
  })
  let walked = walker.finish(kind)
  let unaccounted = unaccountedMysql(mysqlRelationNodes(asts), walked)
  if (kind === 'ddl' && unaccounted.length) {
    // Tables a DDL statement names besides its target (REFERENCES, LIKE): its structure depends
    // on them; record them as DDL on them, as on PostgreSQL.
    walked = {...walked, ddl: [...new Set([...walked.ddl, ...unaccounted])].sort()}
    unaccounted = []
  }
  return {walked, unaccounted}
}

// Statements the grammars reject that carry no table access, by leading keyword tokens.
const SESSION_WORDS = new Set([
  'SAVEPOINT', 'RELEASE', 'SHOW', 'HELP', 'FLUSH', 'KILL', 'RESET', 'PURGE', 'USE', 'SHUTDOWN',
  'INSTALL', 'UNINSTALL', 'ANALYZE', 'OPTIMIZE', 'REPAIR', 'CHECK', 'CHECKSUM', 'CACHE', 'STOP',
  'CHANGE', 'BINLOG', 'GET', 'SIGNAL', 'RESIGNAL', 'DEALLOCATE', 'PREPARE', 'EXECUTE', 'HANDLER',
])

function keywordKind(tokens: Token[]): StatementKind | undefined {
  const words = tokens.filter((t) => t.kind === 'word' && t.depth === 0).map((t) => t.upper)
  const first = tokens[0]?.kind === 'word' ? tokens[0].upper : undefined
  const hasQuery = tokens.some((t) => t.kind === 'word' && DML.has(t.upper))
  switch (first) {
    case 'COMMIT':
      return 'commit'
    case 'ROLLBACK':
      return words.includes('TO') ? 'other' : 'rollback'
    case 'START':
      return words[1] === 'TRANSACTION' ? 'begin' : words[1] === 'SLAVE' || words[1] === 'REPLICA' ? 'other' : undefined
    case 'BEGIN':
      return words.length === 1 || (words.length === 2 && words[1] === 'WORK') ? 'begin' : undefined
    case 'XA': {
      const w = words[1]
      return w === 'START' || w === 'BEGIN' ? 'begin' : w === 'COMMIT' ? 'commit' : w === 'ROLLBACK' ? 'rollback' : 'other'
    }
    case 'SET':
    case 'DO':
      return hasQuery ? undefined : 'other'
    case 'VALUES':
      return hasQuery ? undefined : 'select'
    case 'DESCRIBE':
    case 'DESC':
    case 'EXPLAIN':
      return hasQuery ? undefined : 'other'
    default:
      return first && SESSION_WORDS.has(first) && !((first === 'EXECUTE' || first === 'ANALYZE') && hasQuery) ? 'other' : undefined
  }
}

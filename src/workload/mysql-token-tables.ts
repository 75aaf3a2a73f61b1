/**
 * Tables from MySQL tokens, for statements node-sql-parser's grammars reject (CALL with a
 * subquery argument, JSON_TABLE, TABLE t, DELETE … USING, vendor syntax): the text is still real
 * SQL the server ran, so its tables must be counted, never dropped. The result is flagged
 * approximate. Table-maintenance statements, whose grammar is a plain name list, are read here
 * exactly.
 */
import {CREATED_OBJECTS, ROUTINES, type Token, unquote} from './mysql-lexer.js'
import {emptySets, finishInfo, type StatementInfo, type StatementKind} from './statement.js'

const isName = (t: Token | undefined) => !!t && (t.kind === 'ident' || (t.kind === 'word' && !NOT_NAMES.has(t.upper)))

// Words that can follow FROM/JOIN/INTO/… without being a table name.
const NOT_NAMES = new Set([
  'SELECT', 'DUAL', 'LATERAL', 'JSON_TABLE', 'OUTFILE', 'DUMPFILE', 'TABLE', 'WHERE', 'SET', 'VALUES', 'VALUE',
  'ON', 'USING', 'AS', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'CROSS', 'NATURAL', 'OUTER', 'STRAIGHT_JOIN', 'WITH',
  'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'UNION', 'EXCEPT', 'INTERSECT', 'FOR', 'LOCK', 'WINDOW', 'INTO', 'PARTITION',
  'USE', 'FORCE', 'IGNORE', 'LOW_PRIORITY', 'QUICK', 'DELAYED', 'HIGH_PRIORITY', 'LOCAL', 'CONCURRENT', 'REPLACE',
  'IF', 'EXISTS', 'NOT', 'SELECT', 'DISTINCT', 'ALL',
])

/** A possibly qualified name starting at `i`: [name, index after it]. */
export function nameAt(tokens: Token[], i: number): [string, number] | undefined {
  if (!isName(tokens[i])) return undefined
  const parts = [unquote(tokens[i]!)]
  let j = i + 1
  while (tokens[j]?.text === '.' && (tokens[j + 1]?.kind === 'ident' || tokens[j + 1]?.kind === 'word')) {
    parts.push(unquote(tokens[j + 1]!))
    j += 2
  }
  return [parts.join('.'), j]
}

/** Is this FROM a table FROM (of a SELECT/DELETE block), not EXTRACT(x FROM y) / TRIM(… FROM y)? */
function isTableFrom(tokens: Token[], at: number): boolean {
  const depth = tokens[at]!.depth
  for (let j = at - 1; j >= 0 && tokens[j]!.depth >= depth; j--) {
    const t = tokens[j]!
    if (t.depth === depth && t.kind === 'word' && (t.upper === 'SELECT' || t.upper === 'DELETE')) return true
  }
  return false
}

const MAINTENANCE = new Set(['OPTIMIZE', 'ANALYZE', 'CHECK', 'REPAIR', 'CHECKSUM'])

/** `OPTIMIZE|ANALYZE|CHECK|REPAIR|CHECKSUM [NO_WRITE_TO_BINLOG|LOCAL] TABLE[S] t [, t …] [options]`. */
export function maintenanceStatement(tokens: Token[]): StatementInfo | undefined {
  if (tokens[0]?.kind !== 'word' || !MAINTENANCE.has(tokens[0].upper)) return undefined
  let i = 1
  if (tokens[i]?.upper === 'NO_WRITE_TO_BINLOG' || tokens[i]?.upper === 'LOCAL') i++
  if (tokens[i]?.upper !== 'TABLE' && tokens[i]?.upper !== 'TABLES') return undefined
  i++
  const sets = emptySets()
  for (;;) {
    const name = nameAt(tokens, i)
    if (!name) break
    sets.maintenance.add(name[0])
    i = name[1]
    if (tokens[i]?.text !== ',') break
    i++
  }
  return sets.maintenance.size ? finishInfo('maintenance', sets) : undefined
}

const DDL_WORDS = new Set(['CREATE', 'ALTER', 'DROP'])

/**
 * CREATE / ALTER / DROP TABLE|VIEW (name list) and CREATE|DROP INDEX … ON t the grammars reject
 * (vendor table options, `ALTER TABLE t DISABLE KEYS`): DDL on the named tables and on the tables
 * it REFERENCES.
 */
function ddlByTokens(tokens: Token[]): StatementInfo | undefined {
  if (!DDL_WORDS.has(tokens[0]?.upper ?? '')) return undefined
  const o = tokens.findIndex((t, i) => i > 0 && t.depth === 0 && t.kind === 'word' && CREATED_OBJECTS.has(t.upper))
  if (o === -1 || ROUTINES.has(tokens[o]!.upper)) return undefined
  const sets = emptySets()
  const kind = tokens[o]!.upper
  if (kind === 'TABLE' || kind === 'VIEW') {
    let j = o + 1
    while (tokens[j]?.upper === 'IF' || tokens[j]?.upper === 'NOT' || tokens[j]?.upper === 'EXISTS') j++
    let first: string | undefined
    for (;;) {
      const name = nameAt(tokens, j)
      if (!name) break
      sets.ddl.add(name[0])
      first ??= name[0]
      j = name[1]
      if (tokens[0]!.upper !== 'DROP' || tokens[j]?.text !== ',') break
      j++
    }
    // CREATE VIEW v AS SELECT … / CREATE TABLE t [AS] SELECT …: the query's tables are read, a
    // table created from a query is written.
    const rest = tokens.slice(j)
    if (rest.some((t) => t.depth === 0 && t.upper === 'SELECT')) {
      if (kind === 'TABLE' && first) sets.writes.add(first)
      const query = findTablesByTokens(rest)
      for (const t of [...(query?.reads ?? []), ...(query?.writes ?? [])]) sets.reads.add(t)
      for (const [a, b] of query?.joins ?? []) sets.joins.add(`${a}\u0000${b}`)
    }
  } else if (kind === 'INDEX') {
    const on = tokens.findIndex((t, i) => i > o && t.depth === 0 && t.upper === 'ON')
    const name = on === -1 ? undefined : nameAt(tokens, on + 1)
    if (name) sets.ddl.add(name[0])
  }
  tokens.forEach((t, i) => {
    if (t.upper !== 'REFERENCES') return
    const name = nameAt(tokens, i + 1)
    if (name) sets.ddl.add(name[0])
  })
  return sets.ddl.size ? finishInfo('ddl', sets, true) : undefined
}

/** Names WITH defines: `WITH [RECURSIVE] name [(cols)] AS (`, and `, name [(cols)] AS (` after one. */
function cteNames(tokens: Token[]): Set<string> {
  const names = new Set<string>()
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1]
    if (!prev || !(prev.upper === 'WITH' || prev.upper === 'RECURSIVE' || prev.text === ',') || !isName(t)) return
    let j = i + 1
    if (tokens[j]?.text === '(') j = closingParen(tokens, j) + 1
    if (tokens[j]?.upper === 'AS' && (tokens[j + 1]?.text === '(' || tokens[j + 1]?.upper === 'MATERIALIZED' || tokens[j + 1]?.upper === 'NOT')) names.add(unquote(t))
  })
  return names
}

function closingParen(tokens: Token[], open: number): number {
  for (let i = open + 1; i < tokens.length; i++) if (tokens[i]!.text === ')' && tokens[i]!.kind === 'punct' && tokens[i]!.depth === tokens[open]!.depth) return i
  return tokens.length - 1
}

const LEADING_KINDS: Record<string, StatementKind> = {
  SELECT: 'select', TABLE: 'select', VALUES: 'select', WITH: 'select', EXPLAIN: 'select', DESCRIBE: 'select', DESC: 'select',
  INSERT: 'insert', REPLACE: 'insert', UPDATE: 'update', DELETE: 'delete', LOAD: 'copy', CALL: 'other', DO: 'other', SET: 'other',
}

/**
 * Every table the tokens name after FROM (of a query block), JOIN, USING, INTO, UPDATE and TABLE,
 * with comma lists. The statement's target (INTO / UPDATE / DELETE FROM / LOAD … INTO TABLE) is
 * written; the rest are read. Undefined when no table is found.
 */
export function findTablesByTokens(tokens: Token[]): StatementInfo | undefined {
  const ddl = ddlByTokens(tokens)
  if (ddl) return ddl
  const sets = emptySets()
  const lead = tokens.find((t) => t.kind === 'word' && t.depth === 0 && LEADING_KINDS[t.upper] && t.upper !== 'WITH' && t.upper !== 'EXPLAIN')
  const kind: StatementKind = lead ? LEADING_KINDS[lead.upper]! : tokens[0]?.kind === 'word' ? LEADING_KINDS[tokens[0].upper] ?? 'other' : 'other'
  // Targets are found per statement (a data-modifying CTE is a statement of its own): the nearest
  // statement keyword at the same depth decides what FROM / INTO mean.
  const targeted = new Set<Token>()
  let positions = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind !== 'word') continue
    const u = t.upper
    let list = false
    let isTarget = false
    if (u === 'FROM') {
      if (!isTableFrom(tokens, i) || tokens[i - 1]?.upper === 'DISTINCT') continue
      list = true
      const owner = statementAt(tokens, i)
      isTarget = owner?.upper === 'DELETE' && !targeted.has(owner)
      if (isTarget) targeted.add(owner!)
    } else if (u === 'JOIN' || u === 'STRAIGHT_JOIN') {
      // one table
    } else if (u === 'USING') {
      // DELETE FROM t USING a JOIN b: a table list; JOIN … USING (columns) and others are not.
      if (tokens[i + 1]?.text === '(' || statementAt(tokens, i)?.upper !== 'DELETE') continue
      list = true
    } else if (u === 'INTO') {
      // SELECT … INTO @var / OUTFILE names no table; INSERT/REPLACE/LOAD … INTO does.
      const owner = statementAt(tokens, i)
      if (!owner || !INTO_OWNERS.has(owner.upper)) continue
      isTarget = true
      if (tokens[i + 1]?.upper === 'TABLE') i++
    } else if (u === 'UPDATE' && isStatementStart(tokens, i)) {
      list = true
      isTarget = true
    } else if (u === 'TABLE' && (i === 0 || tokens[i - 1]?.upper === 'UNION' || tokens[i - 1]?.text === '(')) {
      // TABLE t: a whole-table read
    } else {
      continue
    }
    let j = i + 1
    // FROM ((a JOIN b) JOIN c): parenthesized join trees open before their first table.
    if (u === 'FROM' || u === 'JOIN' || u === 'STRAIGHT_JOIN') while (tokens[j]?.text === '(') j++
    const depth = tokens[j]?.depth ?? t.depth
    for (;;) {
      const name = nameAt(tokens, j)
      if (!name) break
      // A name followed by `(` after FROM/JOIN is a table function, not a table (INTO t (cols) is a table).
      if (u !== 'INTO' && tokens[name[1]]?.text === '(' && tokens[name[1]]?.depth === depth) break
      positions++
      // The first table of a target list is written (which of a multi-table UPDATE's are is unknown).
      ;(isTarget ? sets.writes : sets.reads).add(name[0])
      isTarget = false
      j = name[1]
      if (!list) break
      if (tokens[j]?.upper === 'AS') j++
      if (isName(tokens[j]) && tokens[j + 1]?.text !== '.') j++ // alias
      if (tokens[j]?.text !== ',' || tokens[j]!.depth !== depth) break
      j++
    }
  }
  for (const name of cteNames(tokens)) {
    sets.reads.delete(name)
    sets.writes.delete(name)
  }
  // Table positions that all named CTEs: a statement on no table, still approximate.
  if (positions === 0) return undefined
  return finishInfo(kind, sets, true)
}

const INTO_OWNERS = new Set(['INSERT', 'REPLACE', 'LOAD'])
const STATEMENT_WORDS = new Set(['SELECT', 'DELETE', 'INSERT', 'REPLACE', 'LOAD', 'UPDATE'])

/** The statement keyword a clause at `at` belongs to: the nearest one before it at its depth. */
function statementAt(tokens: Token[], at: number): Token | undefined {
  const depth = tokens[at]!.depth
  for (let j = at - 1; j >= 0 && tokens[j]!.depth >= depth; j--) {
    const t = tokens[j]!
    if (t.depth !== depth || t.kind !== 'word' || !STATEMENT_WORDS.has(t.upper)) continue
    if (t.upper !== 'UPDATE' || isStatementStart(tokens, j)) return t
  }
  return undefined
}

// What may precede a statement's first keyword: nothing, `(`, a CTE list's `)`, routine flow words.
const BEFORE_STATEMENT = new Set(['(', ')', 'THEN', 'ELSE', 'BEGIN', 'DO', 'LOOP', 'REPEAT'])

/** UPDATE that starts a statement (not ON DUPLICATE KEY UPDATE, FOR UPDATE, AFTER UPDATE ON …). */
function isStatementStart(tokens: Token[], at: number): boolean {
  const prev = tokens[at - 1]
  return !prev || BEFORE_STATEMENT.has(prev.text.toUpperCase())
}

/**
 * MySQL / MariaDB statement analysis on node-sql-parser's AST: which tables a statement reads,
 * writes, locks, joins and alters — the same semantics and output as analyzePg. The tables come
 * from a walk of the parse tree, never from the parser's `tableList` (it mislabels the sources of
 * joined UPDATEs as written) and never from regular expressions on SQL.
 *
 * node-sql-parser's grammars have gaps, so a statement goes through these steps, the first that
 * parses wins:
 *  1. A small MySQL lexer (quotes, backticks, comments, executable comments) splits the text on
 *     top-level `;` and makes token-level, access-neutral edits: executable comments
 *     (`/*!40101 … *\/`) are opened, and statement modifiers (`UPDATE LOW_PRIORITY IGNORE`,
 *     `DELETE QUICK`, `INSERT DELAYED`, …) are blanked — the MariaDB grammar silently reads
 *     `UPDATE IGNORE t` as table `ignore` aliased `t`.
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
 *  5. Otherwise a SqlParseError.
 *
 * Table names keep the case as written (MySQL table names are case-sensitive on Linux):
 * `db.table` when qualified, bare `table` otherwise.
 */
import pkg from 'node-sql-parser'

import {SqlParseError} from './analyze-pg.js'
import {addPairs, emptySets, finishInfo, type StatementInfo, type StatementKind} from './statement.js'

const {Parser} = pkg

export type MysqlFlavor = 'mysql' | 'mariadb'

type Json = null | undefined | boolean | number | string | Json[] | {[key: string]: Json}
type Obj = {[key: string]: Json}

const obj = (v: Json | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined)
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : [])
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

let parser: InstanceType<typeof Parser> | undefined

/** Analyze every statement in `sql` (a log entry may hold several, separated by `;`). */
export function analyzeMysql(sql: string, flavor: MysqlFlavor): StatementInfo[] {
  parser ??= new Parser()
  const grammars = flavor === 'mariadb' ? ['MariaDB', 'MySQL'] : ['MySQL', 'MariaDB']
  const out: StatementInfo[] = []
  for (const piece of splitStatements(sql)) out.push(analyzePiece(piece, grammars))
  return out
}

// ---------------------------------------------------------------------------------------------
// Lexer: just enough of MySQL's lexical rules to find statement boundaries and keywords safely.

interface Token {
  kind: 'word' | 'ident' | 'string' | 'punct'
  text: string
  /** Upper-cased text of a word, '' otherwise. */
  upper: string
  start: number
  end: number
  /** Parenthesis depth outside this token. */
  depth: number
}

interface Piece {
  /** Offset of the piece in the original text. */
  offset: number
  text: string
  tokens: Token[]
  /** Length-preserving blanks for executable comment markers (`/*!40101`, `*\/`). */
  execMarks: [number, number][]
}

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 0x80

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11

/** Split on top-level semicolons (outside quotes, comments and parentheses); drop empty pieces. */
function splitStatements(sql: string): Piece[] {
  const pieces: Piece[] = []
  let tokens: Token[] = []
  let marks: [number, number][] = []
  let pieceStart = 0
  let depth = 0
  let execOpen = 0
  const n = sql.length
  let i = 0
  const finish = (end: number) => {
    if (tokens.length) {
      // Start at the first token (the grammars trim leading blanks, which would shift error offsets).
      pieceStart = Math.min(tokens[0]!.start, marks[0]?.[0] ?? Infinity)
      const text = sql.slice(pieceStart, end)
      const shift = (t: Token): Token => ({...t, start: t.start - pieceStart, end: t.end - pieceStart})
      pieces.push({
        offset: pieceStart,
        text,
        tokens: tokens.map(shift),
        execMarks: marks.map(([a, b]) => [a - pieceStart, b - pieceStart] as [number, number]),
      })
    }
    tokens = []
    marks = []
    depth = 0
  }
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (isSpace(c)) {
      i++
      continue
    }
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1
    // # comment, -- comment (dash dash + whitespace/control/end)
    if (c === 35 || (c === 45 && next === 45 && (i + 2 >= n || sql.charCodeAt(i + 2) <= 32))) {
      const nl = sql.indexOf('\n', i)
      i = nl === -1 ? n : nl + 1
      continue
    }
    if (c === 47 && next === 42) {
      if (i + 2 < n && sql.charCodeAt(i + 2) === 33) {
        // Executable comment: its content is SQL for MySQL (and for MariaDB, /*M! too).
        let j = i + 3
        while (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++
        marks.push([i, j])
        execOpen++
        i = j
        continue
      }
      if (i + 2 < n && sql.charCodeAt(i + 2) === 77 && i + 3 < n && sql.charCodeAt(i + 3) === 33) {
        let j = i + 4
        while (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++
        marks.push([i, j])
        execOpen++
        i = j
        continue
      }
      const close = sql.indexOf('*/', i + 2)
      i = close === -1 ? n : close + 2
      continue
    }
    if (c === 42 && next === 47 && execOpen > 0) {
      marks.push([i, i + 2])
      execOpen--
      i += 2
      continue
    }
    if (c === 39 || c === 34 || c === 96) {
      // 'string', "string", `identifier`: doubled quote escapes; backslash escapes in strings.
      let j = i + 1
      while (j < n) {
        const d = sql.charCodeAt(j)
        if (d === 92 && c !== 96) {
          j += 2
          continue
        }
        if (d === c) {
          if (j + 1 < n && sql.charCodeAt(j + 1) === c) {
            j += 2
            continue
          }
          break
        }
        j++
      }
      const end = Math.min(j + 1, n)
      tokens.push({kind: c === 96 ? 'ident' : 'string', text: sql.slice(i, end), upper: '', start: i, end, depth})
      i = end
      continue
    }
    if (isWordChar(c)) {
      let j = i + 1
      while (j < n && isWordChar(sql.charCodeAt(j))) j++
      const text = sql.slice(i, j)
      tokens.push({kind: 'word', text, upper: text.toUpperCase(), start: i, end: j, depth})
      i = j
      continue
    }
    if (c === 59 && depth === 0) {
      finish(i)
      pieceStart = i + 1
      i++
      continue
    }
    if (c === 40) {
      tokens.push({kind: 'punct', text: '(', upper: '', start: i, end: i + 1, depth})
      depth++
      i++
      continue
    }
    if (c === 41) {
      depth = Math.max(0, depth - 1)
      tokens.push({kind: 'punct', text: ')', upper: '', start: i, end: i + 1, depth})
      i++
      continue
    }
    tokens.push({kind: 'punct', text: sql[i]!, upper: '', start: i, end: i + 1, depth})
    i++
  }
  finish(n)
  return pieces
}

// ---------------------------------------------------------------------------------------------
// Token edits that help the grammars without changing which tables a statement touches.

interface Edit {
  start: number
  end: number
  text: string
}

function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  let out = ''
  let at = 0
  for (const e of sorted) {
    if (e.start < at) continue // overlapping: keep the first
    out += text.slice(at, e.start) + e.text
    at = e.end
  }
  return out + text.slice(at)
}

const blank = (start: number, end: number): Edit => ({start, end, text: ' '.repeat(end - start)})

const DML = new Set(['SELECT', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE'])
const MODIFIERS: Record<string, Set<string>> = {
  UPDATE: new Set(['LOW_PRIORITY', 'IGNORE']),
  DELETE: new Set(['LOW_PRIORITY', 'QUICK', 'IGNORE']),
  INSERT: new Set(['LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE']),
  REPLACE: new Set(['LOW_PRIORITY', 'DELAYED']),
}

/** Index of the main DML keyword at depth 0 (after any WITH clause), or -1. */
function mainKeyword(tokens: Token[]): number {
  const first = tokens[0]
  if (first?.kind !== 'word') return -1
  if (DML.has(first.upper)) return 0
  if (first.upper !== 'WITH') return -1
  return tokens.findIndex((t) => t.depth === 0 && t.kind === 'word' && DML.has(t.upper))
}

/** Step 1 edits: open executable comments, blank statement modifiers. Length-preserving. */
function basicEdits(piece: Piece): Edit[] {
  const edits: Edit[] = piece.execMarks.map(([a, b]) => blank(a, b))
  const {tokens} = piece
  const k = mainKeyword(tokens)
  if (k >= 0) {
    const mods = MODIFIERS[tokens[k]!.upper]
    for (let i = k + 1; mods && i < tokens.length; i++) {
      const t = tokens[i]!
      if (t.kind !== 'word' || !mods.has(t.upper)) break
      edits.push(blank(t.start, t.end))
    }
  }
  return edits
}

/** Index of the token closing the parenthesis opened at `open`, or the last index. */
function closing(tokens: Token[], open: number): number {
  const depth = tokens[open]!.depth
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.text === ')' && t.kind === 'punct' && t.depth === depth) return i
  }
  return tokens.length - 1
}

interface Rewritten {
  edits: Edit[]
  /** Tables named in MySQL 8 `FOR UPDATE OF …` / `FOR SHARE OF …`; null when a clause has no OF. */
  lockOf?: string[] | null
}

/** Step 3 edits: index hints, PARTITION selections, DELETE t.*, FOR SHARE / OF, NATURAL JOIN. */
function deeperEdits(piece: Piece): Rewritten {
  const {tokens} = piece
  const edits: Edit[] = []
  const k = mainKeyword(tokens)
  const main = k >= 0 ? tokens[k]!.upper : ''
  let lockOf: string[] | null | undefined
  let lockClauses = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const next = tokens[i + 1]
    if (t.kind !== 'word') {
      // DELETE t.* FROM …: the targets before FROM.
      if (main === 'DELETE' && t.text === '.' && next?.text === '*' && i > k && tokens.slice(k, i).every((x) => x.upper !== 'FROM' || x.depth > 0)) {
        edits.push(blank(t.start, next.end))
        i++
      }
      continue
    }
    // USE|FORCE|IGNORE INDEX|KEY [FOR JOIN|ORDER BY|GROUP BY] (…)
    if ((t.upper === 'USE' || t.upper === 'FORCE' || t.upper === 'IGNORE') && (next?.upper === 'INDEX' || next?.upper === 'KEY') && i > 0) {
      let j = i + 2
      if (tokens[j]?.upper === 'FOR') {
        j++
        if (tokens[j]?.upper === 'ORDER' || tokens[j]?.upper === 'GROUP') j++
        j++
      }
      if (tokens[j]?.text === '(') {
        const close = closing(tokens, j)
        edits.push(blank(t.start, tokens[close]!.end))
        i = close
      }
      continue
    }
    // t PARTITION (p0, p1) in DML
    if (t.upper === 'PARTITION' && next?.text === '(' && DML.has(main) && i > 0) {
      const prev = tokens[i - 1]!
      if (prev.kind === 'ident' || (prev.kind === 'word' && prev.upper !== 'BY')) {
        const close = closing(tokens, i + 1)
        edits.push(blank(t.start, tokens[close]!.end))
        i = close
      }
      continue
    }
    if (t.upper === 'NATURAL' && (next?.upper === 'JOIN' || next?.upper === 'LEFT' || next?.upper === 'RIGHT' || next?.upper === 'INNER')) {
      edits.push(blank(t.start, t.end))
      continue
    }
    // Top-level locking clauses: FOR UPDATE | FOR SHARE [OF a, b] [NOWAIT | SKIP LOCKED]
    if (t.upper === 'FOR' && t.depth === 0 && (next?.upper === 'UPDATE' || next?.upper === 'SHARE') && main === 'SELECT') {
      lockClauses++
      let j = i + 2
      const names: string[] = []
      if (tokens[j]?.upper === 'OF') {
        j++
        for (;;) {
          const parts: string[] = []
          while (tokens[j] && (tokens[j]!.kind === 'word' || tokens[j]!.kind === 'ident')) {
            parts.push(unquote(tokens[j]!))
            if (tokens[j + 1]?.text === '.') j += 2
            else {
              j++
              break
            }
          }
          if (parts.length) names.push(parts.join('.'))
          if (tokens[j]?.text === ',') j++
          else break
        }
      }
      let end = j
      if (tokens[end]?.upper === 'NOWAIT') end++
      else if (tokens[end]?.upper === 'SKIP' && tokens[end + 1]?.upper === 'LOCKED') end += 2
      const last = tokens[end - 1]!
      if (names.length === 0) lockOf = null
      else if (lockOf !== null) lockOf = [...(lockOf ?? []), ...names]
      edits.push({start: t.start, end: last.end, text: lockClauses === 1 ? 'FOR UPDATE' : ''})
      i = end - 1
    }
  }
  return lockOf === undefined ? {edits} : {edits, lockOf}
}

function unquote(t: Token): string {
  if (t.kind === 'ident') return t.text.slice(1, -1).split('``').join('`')
  return t.text
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

function analyzePiece(piece: Piece, grammars: string[]): StatementInfo {
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
  if (kind) return finishInfo(kind, emptySets())

  const e = plain.error as {message?: string; location?: {start?: {offset?: number}}}
  const at = e?.location?.start?.offset
  throw new SqlParseError(e?.message ?? String(plain.error), typeof at === 'number' ? piece.offset + at : null)
}

/** A piece is one statement; should a grammar still return several, merge them into the first's kind. */
function walkAll(asts: Obj[], lockOf?: string[] | null): StatementInfo {
  const walker = new Walker(lockOf)
  let kind: StatementKind = 'other'
  asts.forEach((ast, i) => {
    const k = walker.dispatch(ast, new Set(), true)
    if (i === 0) kind = k
  })
  return walker.finish(kind)
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
    case 'DESCRIBE':
    case 'DESC':
    case 'EXPLAIN':
      return hasQuery ? undefined : 'other'
    default:
      return first && SESSION_WORDS.has(first) && !(first === 'EXECUTE' && hasQuery) ? 'other' : undefined
  }
}

// ---------------------------------------------------------------------------------------------
// The walk.

/** An identifier as the AST holds it: a string, or {type: 'backticks_quote_string', value}. */
function ident(v: Json | undefined): string | undefined {
  const s = str(v) ?? str(obj(v)?.value)
  return s === undefined ? undefined : s.split('``').join('`')
}

function qualified(db: Json | undefined, table: Json | undefined): string | undefined {
  const t = ident(table)
  if (!t) return undefined
  const d = ident(db)
  return d ? `${d}.${t}` : t
}

const STATEMENT_TYPES = new Set(['select', 'insert', 'replace', 'update', 'delete'])

function isStatement(o: Obj): boolean {
  const type = str(o.type)
  return !!type && STATEMENT_TYPES.has(type) && ('columns' in o || 'table' in o || 'from' in o)
}

/** One table reference of a FROM/JOIN list: its name and the names it can be referred to by. */
interface Instance {
  name: string
  keys: string[]
}

interface Block {
  /** Tables of the block for join pairs (derived tables' tables included). */
  tables: string[]
  /** Alias or name → table name. */
  aliases: Map<string, string>
  instances: Instance[]
}

const newBlock = (): Block => ({tables: [], aliases: new Map(), instances: []})

const SET_OPERATION = /^(union|except|intersect|minus)/i

class Walker {
  private reads = new Set<string>()
  private writes = new Set<string>()
  private locks = new Set<string>()
  private ddl = new Set<string>()
  private maintenance = new Set<string>()
  private joins = new Set<string>()

  constructor(private lockOf?: string[] | null) {}

  finish(kind: StatementKind): StatementInfo {
    return finishInfo(kind, {reads: this.reads, writes: this.writes, locks: this.locks, ddl: this.ddl, maintenance: this.maintenance, joins: this.joins})
  }

  dispatch(node: Obj, ctes: Set<string>, top = false): StatementKind {
    switch (str(node.type)) {
      case 'select':
        this.select(node, ctes, top)
        return 'select'
      case 'insert':
      case 'replace':
        this.insert(node, ctes)
        return 'insert'
      case 'update':
        this.update(node, ctes)
        return 'update'
      case 'delete':
        this.delete(node, ctes)
        return 'delete'
      case 'truncate':
        for (const t of arr(node.name)) this.addName(this.writes, obj(t))
        return 'truncate'
      case 'load_data':
        this.addName(this.writes, obj(node.table))
        this.visit(node.set, ctes)
        return 'copy'
      case 'transaction': {
        const action = (str(obj(obj(node.expr)?.action)?.value) ?? '').toLowerCase()
        return action === 'begin' || action === 'start' ? 'begin' : action === 'commit' ? 'commit' : action === 'rollback' ? 'rollback' : 'other'
      }
      case 'create':
        this.create(node, ctes)
        return 'ddl'
      case 'alter': {
        const tables = arr(node.table)
        for (const t of tables) this.addName(this.ddl, obj(t))
        const db = ident(obj(tables[0])?.db)
        for (const e of arr(node.expr)) {
          const x = obj(e)
          if (x && str(x.action) === 'rename' && ident(x.table)) {
            this.ddl.add(db ? `${db}.${ident(x.table)}` : ident(x.table)!)
          }
        }
        return 'ddl'
      }
      case 'drop': {
        const keyword = str(node.keyword)
        if (keyword === 'table' || keyword === 'view') for (const t of arr(node.name)) this.addName(this.ddl, obj(t))
        if (keyword === 'index') this.addName(this.ddl, obj(node.table))
        return 'ddl'
      }
      case 'rename':
        for (const pair of arr(node.table)) for (const t of arr(pair)) this.addName(this.ddl, obj(t))
        return 'ddl'
      case 'grant':
      case 'revoke':
        return 'ddl'
      case 'explain': {
        const inner = obj(node.expr)
        return inner && isStatement(inner) ? this.dispatch(inner, ctes, top) : 'other'
      }
      case 'lock':
        for (const t of arr(node.tables)) this.addName(this.locks, obj(obj(t)?.table))
        return 'other'
      default:
        // SET (may hold subqueries), CALL, USE, SHOW, DESC, UNLOCK …
        this.visit(node.expr, ctes)
        return 'other'
    }
  }

  private addName(into: Set<string>, t: Obj | undefined): string | undefined {
    if (!t) return undefined
    const name = qualified(t.db, t.table) ?? qualified(t.db, t.view)
    if (name) into.add(name)
    return name
  }

  private create(node: Obj, ctes: Set<string>): void {
    switch (str(node.keyword)) {
      case 'table':
        for (const t of arr(node.table)) this.addName(this.ddl, obj(t))
        this.visit(node.query_expr, ctes)
        return
      case 'index':
      case 'trigger':
        this.addName(this.ddl, obj(node.table))
        return
      case 'view':
        this.addName(this.ddl, obj(node.view))
        this.visit(node.select, ctes)
        return
      default:
        return
    }
  }

  /** Names of CTEs visible in this statement: the outer ones plus its own WITH list. */
  private withCtes(withList: Json | undefined, outer: Set<string>): Set<string> {
    const list = arr(withList)
    if (list.length === 0) return outer
    const scope = new Set(outer)
    for (const c of list) {
      const name = ident(obj(c)?.name)
      if (name) scope.add(name)
    }
    for (const c of list) {
      const stmt = obj(obj(c)?.stmt)
      const body = obj(stmt?.ast) ?? stmt
      if (body && isStatement(body)) this.dispatch(body, scope)
    }
    return scope
  }

  /** A SELECT with its set-operation chain; returns the tables of its FROM lists. */
  private select(node: Obj, outer: Set<string>, top = false): string[] {
    const ctes = this.withCtes(node.with, outer)
    const tables: string[] = []
    for (let block: Obj | undefined = node; block; block = obj(block._next)) {
      tables.push(...this.selectBlock(block, ctes, top))
    }
    return tables
  }

  private selectBlock(node: Obj, ctes: Set<string>, top: boolean): string[] {
    const block = newBlock()
    this.fromList(node.from, ctes, block)
    for (const t of block.tables) this.reads.add(t)
    addPairs(block.tables, this.joins)
    for (const key of ['columns', 'where', 'groupby', 'having', 'orderby', 'limit', 'window', 'qualify']) this.visit(node[key], ctes)
    const locking = node.locking_read
    if (locking) {
      if (top && this.lockOf !== undefined) {
        if (this.lockOf === null) for (const t of block.tables) this.locks.add(t)
        else {
          for (const name of this.lockOf) {
            const target = block.aliases.get(name) ?? (ctes.has(name) ? undefined : name)
            if (target) this.locks.add(target)
          }
        }
        this.lockOf = undefined
      } else {
        for (const t of block.tables) this.locks.add(t)
      }
    }
    return block.tables
  }

  /** A FROM list: an array of items, or {expr: [items], joins: [items]} for `(a, b) JOIN c`. */
  private fromList(from: Json | undefined, ctes: Set<string>, block: Block): void {
    if (Array.isArray(from)) {
      for (const item of from) this.fromItem(obj(item), ctes, block)
      return
    }
    const o = obj(from)
    if (!o) return
    if (Array.isArray(o.expr)) {
      this.fromList(o.expr, ctes, block)
      this.fromList(o.joins, ctes, block)
      return
    }
    this.fromItem(o, ctes, block)
  }

  private fromItem(item: Obj | undefined, ctes: Set<string>, block: Block): void {
    if (!item || str(item.type) === 'dual') return
    const expr = item.expr
    const joinType = str(item.join)
    if (expr === undefined || expr === null) {
      const table = ident(item.table)
      if (table) {
        const db = ident(item.db)
        const name = db ? `${db}.${table}` : table
        if (!(!db && ctes.has(name))) {
          block.tables.push(name)
          const alias = ident(item.as)
          const keys = alias ? [alias] : db ? [table, name] : [name]
          for (const k of keys) block.aliases.set(k, name)
          block.instances.push({name, keys})
        }
      }
    } else if (Array.isArray(expr)) {
      // (t2 JOIN t3 ON …): a parenthesized join is part of the same block.
      this.fromList(expr, ctes, block)
      this.fromList(item.joins, ctes, block)
    } else {
      const e = obj(expr)
      const sub = obj(e?.ast) ?? (e && isStatement(e) ? e : undefined)
      if (sub && str(sub.type) === 'select') {
        const tables = this.select(sub, ctes)
        // node-sql-parser reads `a UNION (SELECT … FROM b)` as a FROM item "joined" by union.
        if (!(joinType && SET_OPERATION.test(joinType))) block.tables.push(...tables)
      } else {
        this.visit(expr, ctes) // table functions (JSON_TABLE …), VALUES rows
      }
    }
    this.visit(item.on, ctes)
  }

  private insert(node: Obj, outer: Set<string>): void {
    const ctes = this.withCtes(node.with, outer)
    for (const t of arr(node.table)) this.addName(this.writes, obj(t))
    for (const key of ['values', 'set', 'on_duplicate_update', 'returning', 'select']) this.visit(node[key], ctes)
  }

  /**
   * UPDATE t1 [JOIN t2 …] SET …: written are the tables whose columns are SET (an unqualified
   * column in a multi-table UPDATE is taken to belong to the first table); the others are read.
   */
  private update(node: Obj, outer: Set<string>): void {
    const ctes = this.withCtes(node.with, outer)
    const block = newBlock()
    this.fromList(node.table, ctes, block)
    const written = new Set<Instance>()
    for (const s of arr(node.set)) {
      const qualifier = ident(obj(s)?.table)
      const target = this.resolve(block, qualifier) ?? (block.instances.length === 1 ? block.instances[0] : undefined)
      if (target) written.add(target)
      this.visit(obj(s)?.value, ctes)
    }
    this.finishDml(block, written)
    for (const key of ['where', 'orderby', 'limit', 'returning']) this.visit(node[key], ctes)
  }

  /** DELETE [targets] FROM list: written are the targets, the other tables are read. */
  private delete(node: Obj, outer: Set<string>): void {
    const ctes = this.withCtes(node.with, outer)
    const block = newBlock()
    this.fromList(node.from, ctes, block)
    const written = new Set<Instance>()
    for (const t of arr(node.table)) {
      const target = obj(t)
      if (!target) continue
      if (target.addition && block.instances.length === 1) {
        written.add(block.instances[0]!)
        continue
      }
      const key = qualified(target.db, target.table)
      const instance = this.resolve(block, key)
      if (instance) written.add(instance)
      else if (key) this.writes.add(key)
    }
    this.finishDml(block, written)
    for (const key of ['where', 'orderby', 'limit', 'returning']) this.visit(node[key], ctes)
  }

  private finishDml(block: Block, written: Set<Instance>): void {
    for (const instance of block.instances) (written.has(instance) ? this.writes : this.reads).add(instance.name)
    // Derived tables' tables were recorded as reads by their own walk.
    addPairs(block.tables, this.joins)
  }

  /** The table instance a qualifier (alias, name or db.name) refers to; null qualifier → first table. */
  private resolve(block: Block, qualifier: string | undefined): Instance | undefined {
    if (!qualifier) return block.instances[0]
    const exact = block.instances.find((i) => i.keys.includes(qualifier) || i.name === qualifier)
    if (exact) return exact
    const lower = qualifier.toLowerCase()
    return block.instances.find((i) => i.keys.some((k) => k.toLowerCase() === lower))
  }

  /** Expressions: find subqueries anywhere inside. */
  private visit(value: Json | undefined, ctes: Set<string>): void {
    if (Array.isArray(value)) {
      for (const v of value) this.visit(v, ctes)
      return
    }
    const o = obj(value)
    if (!o) return
    if (isStatement(o)) {
      this.dispatch(o, ctes)
      return
    }
    for (const [key, child] of Object.entries(o)) {
      if (key === 'tableList' || key === 'columnList') continue
      if (child && typeof child === 'object') this.visit(child, ctes)
    }
  }
}

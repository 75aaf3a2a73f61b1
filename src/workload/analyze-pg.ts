/**
 * PostgreSQL statement analysis on the real Postgres parser (libpg-query, WASM): which tables a
 * statement reads, writes, locks, joins, alters and maintains. No regular expressions on SQL.
 *
 * The walk follows query blocks: relations in one FROM list (with its JOIN tree and derived
 * tables) are "joined together"; a CTE name shadows a table of the same name inside its WITH;
 * `FOR UPDATE OF alias` resolves the alias within its block. Set-operation arms (`larg`/`rarg`)
 * are bare SelectStmt bodies, not wrapped nodes, and are walked as blocks of their own.
 *
 * Every statement is then checked against the relation invariant (pg-relations.ts): relations of
 * the parse tree the walk did not place are added as reads and the statement is flagged
 * approximate — counted, never dropped. `analyzePgDetailed` exposes what was unaccounted for tests.
 */
import {loadModule, parseSync} from 'libpg-query'

import {pgFingerprint} from './pg-fingerprint.js'
import {type PgJson as Json, pgRelationNodes, rangeVarName, unaccountedPg} from './pg-relations.js'
import {addPairs, emptyInfo, emptySets, finishInfo, type InfoSets, type StatementInfo, type StatementKind} from './statement.js'

type Obj = {[key: string]: Json}

let ready: Promise<void> | undefined

/** Load the WASM parser once per process (or worker). */
export function initPgParser(): Promise<void> {
  ready ??= loadModule()
  return ready
}

export class SqlParseError extends Error {
  constructor(message: string, readonly cursor: number | null) {
    super(message)
    this.name = 'SqlParseError'
  }
}

export interface DetailedInfo {
  /** The structured walk's result, before any unaccounted relation is added. */
  walked: StatementInfo
  /** Relations of the parse tree the walk did not place (should always be empty). */
  unaccounted: string[]
}

/** The statements of `sql` as libpg-query parses them. Call initPgParser() first. */
function parseStatements(sql: string): Obj[] {
  let tree: {stmts?: {stmt: Obj}[]}
  try {
    tree = parseSync(sql) as unknown as {stmts?: {stmt: Obj}[]}
  } catch (error) {
    const e = error as {message?: string; sqlDetails?: {cursorPosition?: number}}
    throw new SqlParseError(e.message ?? String(error), e.sqlDetails?.cursorPosition ?? null)
  }
  return (tree.stmts ?? []).map(({stmt}) => stmt)
}

function walkStatement(stmt: Obj): DetailedInfo {
  const walked = new Walker().statement(stmt)
  return {walked, unaccounted: unaccountedPg(pgRelationNodes(stmt), walked)}
}

/** Parse and walk; `unaccounted` lists what the structured walk missed. Call initPgParser() first. */
export function analyzePgDetailed(sql: string): DetailedInfo[] {
  return parseStatements(sql).map(walkStatement)
}

/** Analyze every statement in `sql` (a log entry may hold several). Call initPgParser() first. */
export function analyzePg(sql: string): StatementInfo[] {
  return analyzePgShape(sql).infos
}

/** One parse for both: the statements' analyses and their shape's fingerprint (pg-fingerprint.ts). */
export function analyzePgShape(sql: string): {infos: StatementInfo[]; fingerprint: string} {
  const stmts = parseStatements(sql)
  const infos = stmts.map((stmt) => {
    const {walked, unaccounted} = walkStatement(stmt)
    return withUnaccounted(walked, unaccounted)
  })
  return {infos, fingerprint: pgFingerprint(stmts)}
}

/** Relations the walk missed are counted as reads and the statement flagged: never dropped. */
export function withUnaccounted(walked: StatementInfo, unaccounted: string[]): StatementInfo {
  if (unaccounted.length === 0) return walked
  return {...walked, reads: [...new Set([...walked.reads, ...unaccounted])].sort(), approximate: true}
}

const obj = (v: Json | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined)
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : [])
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** The single {Type: fields} entry of a node. */
function unwrap(node: Json | undefined): [string, Obj] | undefined {
  const o = obj(node)
  if (!o) return undefined
  const keys = Object.keys(o)
  if (keys.length !== 1) return undefined
  const inner = obj(o[keys[0]!])
  return inner ? [keys[0]!, inner] : undefined
}

/** A SelectStmt body, wrapped ({SelectStmt: …}) or bare (set-operation arms). */
function selectBody(node: Json | undefined): Obj | undefined {
  const wrapped = unwrap(node)
  if (wrapped?.[0] === 'SelectStmt') return wrapped[1]
  const o = obj(node)
  return o && typeof o.op === 'string' ? o : undefined
}

const TRANSACTION_KINDS: Record<string, StatementKind> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_COMMIT_PREPARED: 'commit',
  TRANS_STMT_ROLLBACK_PREPARED: 'rollback',
}

const DDL_ON_RELATION = new Set([
  'CreateStmt', 'AlterTableStmt', 'IndexStmt', 'RenameStmt', 'CreateTrigStmt',
  'AlterObjectSchemaStmt', 'CreatePolicyStmt', 'AlterPolicyStmt', 'CreateStatsStmt',
])

const DROPPABLE_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE', 'OBJECT_INDEX', 'OBJECT_SEQUENCE'])

/** EXPLAIN ANALYZE / (ANALYZE [true|on|1]) executes its statement; plain EXPLAIN and ANALYZE false do not. */
function explainRuns(body: Obj): boolean {
  return arr(body.options).some((o) => {
    const d = unwrap(o)?.[1]
    if (str(d?.defname) !== 'analyze') return false
    const arg = unwrap(d?.arg)
    if (!arg) return true // ANALYZE alone
    // (analyze false|off) arrive as strings, (analyze 0|1) as an Integer whose ival 0 is omitted.
    if (arg[0] === 'Integer') return typeof arg[1].ival === 'number' && arg[1].ival !== 0
    return !['false', 'off', 'no', '0'].includes((str(arg[1].sval) ?? 'true').toLowerCase())
  })
}

/** Every RangeVar under a node, wrapped or bare, minus unqualified CTE names (DDL's relations sit in many fields). */
function allRangeVars(node: Json | undefined): string[] {
  const {relations, cteNames} = pgRelationNodes(node ?? null)
  return [...relations].filter((name) => name.includes('.') || !cteNames.has(name))
}

class Walker {
  private sets: InfoSets = emptySets()

  statement(stmt: Obj): StatementInfo {
    const node = unwrap(stmt)
    if (!node) return emptyInfo('other')
    const [type, body] = node
    const kind = this.dispatch(type, body, new Set())
    if (kind === 'ddl') {
      // Relations a DDL statement names besides its target (REFERENCES, INHERITS, PARTITION OF,
      // LIKE, GRANT … ON): its structure depends on them; record them as DDL on them.
      const known = new Set([...this.sets.reads, ...this.sets.writes, ...this.sets.locks, ...this.sets.ddl])
      for (const name of allRangeVars(body)) if (!known.has(name)) this.sets.ddl.add(name)
    }
    return finishInfo(kind, this.sets)
  }

  /** Handle one statement node; returns its kind and records its tables. */
  private dispatch(type: string, body: Obj, ctes: Set<string>): StatementKind {
    const s = this.sets
    switch (type) {
      case 'SelectStmt':
        this.select(body, ctes)
        return body.intoClause ? 'ddl' : 'select'
      case 'InsertStmt':
        this.insert(body, ctes)
        return 'insert'
      case 'UpdateStmt':
        this.updateOrDelete(body, ctes, 'fromClause')
        return 'update'
      case 'DeleteStmt':
        this.updateOrDelete(body, ctes, 'usingClause')
        return 'delete'
      case 'MergeStmt':
        this.merge(body, ctes)
        return 'merge'
      case 'CopyStmt': {
        const rel = obj(body.relation)
        if (rel) (body.is_from ? s.writes : s.reads).add(rangeVarName(rel))
        if (body.query) this.visit(body.query, ctes)
        return 'copy'
      }
      case 'TruncateStmt':
        for (const name of allRangeVars(body.relations)) s.writes.add(name)
        return 'truncate'
      case 'LockStmt':
        for (const name of allRangeVars(body.relations)) s.locks.add(name)
        return 'lock'
      case 'VacuumStmt':
        for (const name of allRangeVars(body.rels)) s.maintenance.add(name)
        return 'maintenance'
      case 'ClusterStmt':
      case 'ReindexStmt': {
        const rel = obj(body.relation)
        if (rel) s.maintenance.add(rangeVarName(rel))
        return 'maintenance'
      }
      case 'TransactionStmt':
        return TRANSACTION_KINDS[str(body.kind) ?? ''] ?? 'other'
      case 'ExplainStmt': {
        const inner = unwrap(body.query)
        if (!inner) return 'other'
        if (explainRuns(body)) return this.dispatch(inner[0], inner[1], ctes)
        // Plain EXPLAIN only plans its statement: it names those tables but changes none of them.
        const outer = this.sets
        this.sets = emptySets()
        this.dispatch(inner[0], inner[1], ctes)
        const planned = this.sets
        this.sets = outer
        for (const t of [...planned.reads, ...planned.writes, ...planned.locks, ...planned.ddl, ...planned.maintenance]) outer.reads.add(t)
        for (const j of planned.joins) outer.joins.add(j)
        return 'select'
      }
      case 'PrepareStmt':
      case 'DeclareCursorStmt': {
        const inner = unwrap(body.query)
        return inner ? this.dispatch(inner[0], inner[1], ctes) : 'other'
      }
      case 'CreateTableAsStmt': {
        // CREATE TABLE … AS / CREATE MATERIALIZED VIEW: a new table filled with rows = written.
        const into = obj(obj(body.into)?.rel)
        if (into) {
          s.ddl.add(rangeVarName(into))
          s.writes.add(rangeVarName(into))
        }
        this.visit(body.query, ctes)
        return 'ddl'
      }
      case 'ViewStmt': {
        const view = obj(body.view)
        if (view) s.ddl.add(rangeVarName(view))
        this.visit(body.query, ctes)
        return 'ddl'
      }
      case 'RefreshMatViewStmt': {
        const rel = obj(body.relation)
        if (rel) s.writes.add(rangeVarName(rel))
        return 'ddl'
      }
      case 'DropStmt': {
        if (!DROPPABLE_RELATIONS.has(str(body.removeType) ?? '')) return 'ddl'
        for (const o of arr(body.objects)) {
          const parts = arr(unwrap(o)?.[1]?.items).map((i) => str(unwrap(i)?.[1]?.sval)).filter((x): x is string => !!x)
          if (parts.length) s.ddl.add(parts.slice(-2).join('.'))
        }
        return 'ddl'
      }
      case 'CreateFunctionStmt':
        // SQL-standard bodies (BEGIN ATOMIC … END) are parsed statements: what the routine runs.
        this.visit(body.sql_body, ctes)
        return 'ddl'
      case 'RuleStmt': {
        const rel = obj(body.relation)
        if (rel) s.ddl.add(rangeVarName(rel))
        this.visit(body.whereClause, ctes)
        this.visit(body.actions, ctes)
        return 'ddl'
      }
      case 'CallStmt':
      case 'DoStmt':
        this.visit(body, ctes)
        return 'other'
      default:
        if (DDL_ON_RELATION.has(type)) {
          const rel = obj(body.relation)
          if (rel) s.ddl.add(rangeVarName(rel))
          return 'ddl'
        }
        if (/^(Create|Alter|Drop|Comment|Grant|Revoke)/.test(type)) return 'ddl'
        this.visit(body, ctes)
        return 'other'
    }
  }

  /** Names of CTEs visible in this statement: the outer ones plus its own WITH list. */
  private withCtes(body: Obj, outer: Set<string>): Set<string> {
    const withClause = obj(unwrap(body.withClause)?.[1] ?? body.withClause)
    const list = arr(withClause?.ctes)
    if (list.length === 0) return outer
    const names = list.map((c) => str(unwrap(c)?.[1]?.ctename))
    const scope = new Set([...outer, ...names.filter((n): n is string => !!n)])
    // Each CTE body is its own statement (it may be data-modifying: WITH x AS (UPDATE …)). Without
    // RECURSIVE a body sees only the CTEs before it: its own name there is a table.
    list.forEach((c, i) => {
      const query = unwrap(unwrap(c)?.[1]?.ctequery)
      if (!query) return
      const visible = withClause?.recursive ? scope : new Set([...outer, ...names.slice(0, i).filter((n): n is string => !!n)])
      this.dispatch(query[0], query[1], visible)
    })
    return scope
  }

  /** A SELECT block or set operation; returns the tables of its FROM lists (for join pairs). */
  private select(body: Obj, outer: Set<string>): string[] {
    const ctes = this.withCtes(body, outer)
    const into = obj(obj(body.intoClause)?.rel)
    if (into) {
      // SELECT … INTO new_table: creates and fills a table.
      this.sets.ddl.add(rangeVarName(into))
      this.sets.writes.add(rangeVarName(into))
    }
    const op = str(body.op)
    if (op && op !== 'SETOP_NONE') {
      const tables: string[] = []
      for (const side of [body.larg, body.rarg]) {
        const arm = selectBody(side)
        if (arm) tables.push(...this.select(arm, ctes))
      }
      // ORDER BY / LIMIT of the whole set operation may hold subqueries too.
      for (const key of ['sortClause', 'limitCount', 'limitOffset']) this.visit(body[key], ctes)
      return tables
    }
    const block: string[] = []
    const aliases = new Map<string, string>()
    for (const item of arr(body.fromClause)) this.fromItem(item, ctes, block, aliases)
    for (const t of block) this.sets.reads.add(t)
    addPairs(block, this.sets.joins)
    for (const key of ['targetList', 'whereClause', 'havingClause', 'groupClause', 'sortClause', 'valuesLists', 'distinctClause', 'windowClause', 'limitCount', 'limitOffset']) {
      this.visit(body[key], ctes)
    }
    for (const lc of arr(body.lockingClause)) {
      const clause = unwrap(lc)?.[1]
      if (!clause) continue
      const rels = arr(clause.lockedRels)
      if (rels.length === 0) for (const t of block) this.sets.locks.add(t)
      for (const r of rels) {
        const rv = unwrap(r)
        if (rv?.[0] !== 'RangeVar') continue
        const named = rangeVarName(rv[1])
        const target = aliases.get(named) ?? named
        if (!ctes.has(target)) this.sets.locks.add(target)
      }
    }
    return block
  }

  /** One FROM item: a table, a join tree, a derived table (LATERAL too) or a function. */
  private fromItem(item: Json | undefined, ctes: Set<string>, block: string[], aliases: Map<string, string>): void {
    const node = unwrap(item)
    if (!node) return
    const [type, body] = node
    if (type === 'RangeVar') {
      const name = rangeVarName(body)
      if (!body.schemaname && ctes.has(name)) return
      block.push(name)
      aliases.set(name, name)
      const alias = str(obj(body.alias)?.aliasname)
      if (alias) aliases.set(alias, name)
      return
    }
    if (type === 'JoinExpr') {
      this.fromItem(body.larg, ctes, block, aliases)
      this.fromItem(body.rarg, ctes, block, aliases)
      this.visit(body.quals, ctes)
      return
    }
    if (type === 'RangeTableSample') {
      // t TABLESAMPLE method (args): still table t of this block.
      this.fromItem(body.relation, ctes, block, aliases)
      this.visit([body.args ?? null, body.repeatable ?? null], ctes)
      return
    }
    if (type === 'RangeSubselect') {
      const sub = selectBody(body.subquery)
      // A derived table's tables are joined with the block that uses it — unless it is a set
      // operation, whose arms are alternatives, not a join (pairing them would invent joins).
      if (!sub) this.visit(body.subquery, ctes)
      else if (str(sub.op) && str(sub.op) !== 'SETOP_NONE') this.select(sub, ctes)
      else block.push(...this.select(sub, ctes))
      return
    }
    this.visit(item, ctes)
  }

  private insert(body: Obj, outer: Set<string>): void {
    const ctes = this.withCtes(body, outer)
    const rel = obj(body.relation)
    if (rel) this.sets.writes.add(rangeVarName(rel))
    this.visit(body.selectStmt, ctes)
    this.visit(body.onConflictClause, ctes)
    this.visit([body.returningList ?? null, body.returningClause ?? null], ctes) // returningClause since PostgreSQL 18
  }

  /** UPDATE … FROM and DELETE … USING: the target is joined with the extra tables. */
  private updateOrDelete(body: Obj, outer: Set<string>, extraKey: 'fromClause' | 'usingClause'): void {
    const ctes = this.withCtes(body, outer)
    const rel = obj(body.relation)
    const target = rel ? rangeVarName(rel) : undefined
    if (target) this.sets.writes.add(target)
    const block: string[] = []
    const aliases = new Map<string, string>()
    for (const item of arr(body[extraKey])) this.fromItem(item, ctes, block, aliases)
    for (const t of block) this.sets.reads.add(t)
    addPairs(target ? [target, ...block] : block, this.sets.joins)
    this.visit(body.targetList, ctes)
    this.visit(body.whereClause, ctes)
    this.visit([body.returningList ?? null, body.returningClause ?? null], ctes) // returningClause since PostgreSQL 18
  }

  private merge(body: Obj, outer: Set<string>): void {
    const ctes = this.withCtes(body, outer)
    const rel = obj(body.relation)
    const target = rel ? rangeVarName(rel) : undefined
    if (target) this.sets.writes.add(target)
    const block: string[] = []
    this.fromItem(body.sourceRelation, ctes, block, new Map())
    for (const t of block) this.sets.reads.add(t)
    addPairs(target ? [target, ...block] : block, this.sets.joins)
    this.visit(body.joinCondition, ctes)
    this.visit(body.mergeWhenClauses, ctes)
    this.visit([body.returningList ?? null, body.returningClause ?? null], ctes) // returningClause since PostgreSQL 18
  }

  /** Expressions: find subqueries (sublinks) and nested statements anywhere inside. */
  private visit(value: Json | undefined, ctes: Set<string>): void {
    if (Array.isArray(value)) {
      for (const v of value) this.visit(v, ctes)
      return
    }
    const o = obj(value)
    if (!o) return
    for (const [key, child] of Object.entries(o)) {
      const inner = obj(child)
      if (inner && (key.endsWith('Stmt') || key === 'RangeVar')) {
        if (key === 'RangeVar') {
          const name = rangeVarName(inner)
          if (inner.schemaname || !ctes.has(name)) this.sets.reads.add(name)
        } else {
          this.dispatch(key, inner, ctes)
        }
        continue
      }
      if (child && typeof child === 'object') this.visit(child, ctes)
    }
  }
}

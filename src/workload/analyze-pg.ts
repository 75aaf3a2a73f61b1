/**
 * PostgreSQL statement analysis on the real Postgres parser (libpg-query, WASM): which tables a
 * statement reads, writes, locks, joins and alters. No regular expressions on SQL.
 *
 * The walk follows query blocks: relations in one FROM list (with its JOIN tree and derived
 * tables) are "joined together"; a CTE name shadows a table of the same name inside its WITH;
 * `FOR UPDATE OF alias` resolves the alias within its block.
 */
import {loadModule, parseSync} from 'libpg-query'

import {addPairs, emptyInfo, finishInfo, type StatementInfo, type StatementKind} from './statement.js'

// The parse tree is plain JSON: nodes are {TypeName: {...fields}}.
type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
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

/** Analyze every statement in `sql` (a log entry may hold several). Call initPgParser() first. */
export function analyzePg(sql: string): StatementInfo[] {
  let tree: {stmts?: {stmt: Obj}[]}
  try {
    tree = parseSync(sql) as unknown as {stmts?: {stmt: Obj}[]}
  } catch (error) {
    const e = error as {message?: string; sqlDetails?: {cursorPosition?: number}}
    throw new SqlParseError(e.message ?? String(error), e.sqlDetails?.cursorPosition ?? null)
  }
  return (tree.stmts ?? []).map(({stmt}) => new Walker().statement(stmt))
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

function rangeVarName(rv: Obj): string {
  const rel = str(rv.relname) ?? ''
  const schema = str(rv.schemaname)
  return schema ? `${schema}.${rel}` : rel
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
  'CreateStmt', 'AlterTableStmt', 'IndexStmt', 'RenameStmt', 'CreateTrigStmt', 'RuleStmt', 'ClusterStmt',
  'VacuumRelation', 'ReindexStmt', 'AlterObjectSchemaStmt', 'CreatePolicyStmt', 'AlterPolicyStmt',
])

const DROPPABLE_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE', 'OBJECT_INDEX', 'OBJECT_SEQUENCE'])

class Walker {
  private reads = new Set<string>()
  private writes = new Set<string>()
  private locks = new Set<string>()
  private ddl = new Set<string>()
  private joins = new Set<string>()

  statement(stmt: Obj): StatementInfo {
    const node = unwrap(stmt)
    if (!node) return emptyInfo('other')
    const [type, body] = node
    const kind = this.dispatch(type, body, new Set())
    return finishInfo(kind, {reads: this.reads, writes: this.writes, locks: this.locks, ddl: this.ddl, joins: this.joins})
  }

  /** Handle one statement node; returns its kind and records its tables. */
  private dispatch(type: string, body: Obj, ctes: Set<string>): StatementKind {
    switch (type) {
      case 'SelectStmt':
        this.select(body, ctes)
        return 'select'
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
        if (rel) (body.is_from ? this.writes : this.reads).add(rangeVarName(rel))
        if (body.query) this.visit(body.query, ctes)
        return 'copy'
      }
      case 'TruncateStmt':
        for (const r of arr(body.relations)) {
          const rv = unwrap(r)
          if (rv?.[0] === 'RangeVar') this.writes.add(rangeVarName(rv[1]))
        }
        return 'truncate'
      case 'TransactionStmt':
        return TRANSACTION_KINDS[str(body.kind) ?? ''] ?? 'other'
      case 'ExplainStmt':
      case 'PrepareStmt':
      case 'DeclareCursorStmt': {
        const inner = unwrap(body.query)
        return inner ? this.dispatch(inner[0], inner[1], ctes) : 'other'
      }
      case 'CreateTableAsStmt': {
        const into = obj(obj(body.into)?.rel)
        if (into) this.ddl.add(rangeVarName(into))
        this.visit(body.query, ctes)
        return 'ddl'
      }
      case 'ViewStmt': {
        const view = obj(body.view)
        if (view) this.ddl.add(rangeVarName(view))
        this.visit(body.query, ctes)
        return 'ddl'
      }
      case 'RefreshMatViewStmt': {
        const rel = obj(body.relation)
        if (rel) this.writes.add(rangeVarName(rel))
        return 'ddl'
      }
      case 'DropStmt': {
        if (!DROPPABLE_RELATIONS.has(str(body.removeType) ?? '')) return 'ddl'
        for (const o of arr(body.objects)) {
          const parts = arr(unwrap(o)?.[1]?.items).map((i) => str(unwrap(i)?.[1]?.sval)).filter((s): s is string => !!s)
          if (parts.length) this.ddl.add(parts.slice(-2).join('.'))
        }
        return 'ddl'
      }
      default:
        if (DDL_ON_RELATION.has(type)) {
          const rel = obj(body.relation)
          if (rel) this.ddl.add(rangeVarName(rel))
          return 'ddl'
        }
        if (/^(Create|Alter|Drop|Comment|Grant|Revoke)/.test(type)) return 'ddl'
        return 'other'
    }
  }

  /** Names of CTEs visible in this statement: the outer ones plus its own WITH list. */
  private withCtes(body: Obj, outer: Set<string>): Set<string> {
    const withClause = obj(unwrap(body.withClause)?.[1] ?? body.withClause)
    const list = arr(withClause?.ctes)
    if (list.length === 0) return outer
    const scope = new Set(outer)
    for (const c of list) {
      const name = str(unwrap(c)?.[1]?.ctename)
      if (name) scope.add(name)
    }
    // Each CTE body is its own statement (it may be data-modifying: WITH x AS (UPDATE …)).
    for (const c of list) {
      const query = unwrap(unwrap(c)?.[1]?.ctequery)
      if (query) this.dispatch(query[0], query[1], scope)
    }
    return scope
  }

  /** A SELECT block; returns the tables of its FROM (for the enclosing block's join pairs). */
  private select(body: Obj, outer: Set<string>): string[] {
    const ctes = this.withCtes(body, outer)
    const op = str(body.op)
    if (op && op !== 'SETOP_NONE') {
      const left = unwrap(body.larg)?.[1]
      const right = unwrap(body.rarg)?.[1]
      return [...(left ? this.select(left, ctes) : []), ...(right ? this.select(right, ctes) : [])]
    }
    const block: string[] = []
    const aliases = new Map<string, string>()
    for (const item of arr(body.fromClause)) this.fromItem(item, ctes, block, aliases)
    for (const t of block) this.reads.add(t)
    addPairs(block, this.joins)
    for (const key of ['targetList', 'whereClause', 'havingClause', 'groupClause', 'sortClause', 'valuesLists', 'distinctClause', 'windowClause', 'limitCount', 'limitOffset']) {
      this.visit(body[key], ctes)
    }
    for (const lc of arr(body.lockingClause)) {
      const clause = unwrap(lc)?.[1]
      if (!clause) continue
      const rels = arr(clause.lockedRels)
      if (rels.length === 0) for (const t of block) this.locks.add(t)
      for (const r of rels) {
        const rv = unwrap(r)
        if (rv?.[0] !== 'RangeVar') continue
        const named = rangeVarName(rv[1])
        const target = aliases.get(named) ?? named
        if (!ctes.has(target)) this.locks.add(target)
      }
    }
    return block
  }

  /** One FROM item: a table, a join tree, a derived table or a function. */
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
    if (type === 'RangeSubselect') {
      const sub = unwrap(body.subquery)
      // A derived table's tables are joined with the block that uses it.
      if (sub?.[0] === 'SelectStmt') block.push(...this.select(sub[1], ctes))
      return
    }
    this.visit(item, ctes)
  }

  private insert(body: Obj, outer: Set<string>): void {
    const ctes = this.withCtes(body, outer)
    const rel = obj(body.relation)
    if (rel) this.writes.add(rangeVarName(rel))
    this.visit(body.selectStmt, ctes)
    this.visit(body.onConflictClause, ctes)
    this.visit(body.returningList, ctes)
  }

  /** UPDATE … FROM and DELETE … USING: the target is joined with the extra tables. */
  private updateOrDelete(body: Obj, outer: Set<string>, extraKey: 'fromClause' | 'usingClause'): void {
    const ctes = this.withCtes(body, outer)
    const rel = obj(body.relation)
    const target = rel ? rangeVarName(rel) : undefined
    if (target) this.writes.add(target)
    const block: string[] = []
    const aliases = new Map<string, string>()
    for (const item of arr(body[extraKey])) this.fromItem(item, ctes, block, aliases)
    for (const t of block) this.reads.add(t)
    addPairs(target ? [target, ...block] : block, this.joins)
    this.visit(body.targetList, ctes)
    this.visit(body.whereClause, ctes)
    this.visit(body.returningList, ctes)
  }

  private merge(body: Obj, outer: Set<string>): void {
    const ctes = this.withCtes(body, outer)
    const rel = obj(body.relation)
    const target = rel ? rangeVarName(rel) : undefined
    if (target) this.writes.add(target)
    const block: string[] = []
    this.fromItem(body.sourceRelation, ctes, block, new Map())
    for (const t of block) this.reads.add(t)
    addPairs(target ? [target, ...block] : block, this.joins)
    this.visit(body.joinCondition, ctes)
    this.visit(body.mergeWhenClauses, ctes)
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
          if (inner.schemaname || !ctes.has(name)) this.reads.add(name)
        } else {
          this.dispatch(key, inner, ctes)
        }
        continue
      }
      if (child && typeof child === 'object') this.visit(child, ctes)
    }
  }
}

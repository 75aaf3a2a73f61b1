/**
 * The walk of node-sql-parser's AST: which tables a MySQL / MariaDB statement reads, writes,
 * locks, joins and alters. The tables come from the parse tree, never from the parser's
 * `tableList` (it mislabels the sources of joined UPDATEs as written).
 */
import {addPairs, finishInfo, type StatementInfo, type StatementKind} from './statement.js'

export type Json = null | undefined | boolean | number | string | Json[] | {[key: string]: Json}
export type Obj = {[key: string]: Json}

export const obj = (v: Json | undefined): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined)
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : [])
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined)


/** An identifier as the AST holds it: a string, or {type: 'backticks_quote_string', value}. */
export function ident(v: Json | undefined): string | undefined {
  const s = str(v) ?? str(obj(v)?.value)
  return s === undefined ? undefined : s.split('``').join('`')
}

export function qualified(db: Json | undefined, table: Json | undefined): string | undefined {
  const t = ident(table)
  if (!t) return undefined
  const d = ident(db)
  return d ? `${d}.${t}` : t
}

const STATEMENT_TYPES = new Set(['select', 'insert', 'replace', 'update', 'delete'])

export function isStatement(o: Obj): boolean {
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

export class Walker {
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
        return 'lock'
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
        for (const t of arr(node.table)) {
          this.addName(this.ddl, obj(t))
          // CREATE TABLE … [AS] SELECT: a new table filled with rows = written too.
          if (node.query_expr) this.addName(this.writes, obj(t))
        }
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
        // node-sql-parser reads `a UNION (SELECT … FROM b)` as a FROM item "joined" by union; a
        // derived table that is itself a set operation holds alternatives, not a join.
        if (!(joinType && SET_OPERATION.test(joinType)) && !sub._next) block.tables.push(...tables)
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

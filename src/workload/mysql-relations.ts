/**
 * The relation invariant on MySQL / MariaDB: a generic walk over node-sql-parser's whole AST that
 * collects every table reference ({db, table} or {db, view} objects), independent of the
 * structured walk in mysql-walker.ts. Every reference, minus CTE names, must appear in the
 * statement's analysis; one that does not is a table the analyzer would have lost silently.
 */
import {type Json, obj, type Obj, qualified, ident} from './mysql-walker.js'
import {accountedTables, type StatementInfo} from './statement.js'

export interface MysqlRelationNodes {
  relations: Set<string>
  cteNames: Set<string>
  /** Names a multi-table DELETE lists as targets: aliases or names of its FROM tables. */
  targets: Set<string>
}

// The parser's own summaries (they mislabel roles; never a source of truth here).
const SKIPPED_KEYS = new Set(['tableList', 'columnList', 'loc'])

/** A table reference: has a `db` slot (null when unqualified) and a table or view name, no column. */
function tableRef(o: Obj): string | undefined {
  if (!('db' in o) || 'column' in o || o.type === 'column_ref') return undefined
  return qualified(o.db, o.table) ?? qualified(o.db, o.view)
}

export function mysqlRelationNodes(asts: Obj[]): MysqlRelationNodes {
  const nodes: MysqlRelationNodes = {relations: new Set(), cteNames: new Set(), targets: new Set()}
  const walk = (value: Json, parent?: Obj, key?: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, parent, key)
      return
    }
    const o = obj(value)
    if (!o) return
    const name = tableRef(o)
    if (name) {
      // `DELETE a, b FROM …` names its targets by alias: they refer to FROM items, not tables.
      if (parent?.type === 'delete' && key === 'table') nodes.targets.add(name)
      else nodes.relations.add(name)
    }
    if (key === 'with') {
      const cte = ident(obj(o.name)?.value ?? o.name)
      if (cte) nodes.cteNames.add(cte)
    }
    for (const [k, child] of Object.entries(o)) {
      if (SKIPPED_KEYS.has(k) || !child || typeof child !== 'object') continue
      walk(child, o, k)
    }
  }
  for (const ast of asts) walk(ast)
  return nodes
}

/** References of the tree the analysis does not account for (unqualified CTE names excepted). */
export function unaccountedMysql(nodes: MysqlRelationNodes, info: StatementInfo): string[] {
  const seen = accountedTables(info)
  return [...nodes.relations].filter((name) => !seen.has(name) && !(nodes.cteNames.has(name) && !name.includes('.'))).sort()
}

/**
 * The relation invariant on PostgreSQL: a generic walk over the whole parse tree that collects
 * every relation node (RangeVar, wrapped or bare), independent of the analyzer's structured walk.
 * Every relation it finds, minus CTE names, must appear somewhere in the statement's analysis; a
 * relation that does not is a table the analyzer would otherwise have lost silently.
 */
import {accountedTables, type StatementInfo} from './statement.js'

export type PgJson = null | boolean | number | string | PgJson[] | {[key: string]: PgJson}
type Obj = {[key: string]: PgJson}

/** `schema.name` when qualified, `name` otherwise (the parser already folded unquoted names). */
export function rangeVarName(rv: Obj): string {
  const rel = typeof rv.relname === 'string' ? rv.relname : ''
  const schema = typeof rv.schemaname === 'string' ? rv.schemaname : undefined
  return schema ? `${schema}.${rel}` : rel
}

/**
 * A RangeVar appears wrapped ({RangeVar: {...}}) in lists and bare in typed fields
 * (`relation`, `into.rel`, VacuumRelation …); bare ones are recognised by their own fields.
 */
const isBareRangeVar = (o: Obj) => typeof o.relname === 'string' && 'relpersistence' in o

// FOR UPDATE OF names aliases, not relations; the analyzer resolves them itself.
const SKIPPED_KEYS = new Set(['lockedRels'])

export interface RelationNodes {
  relations: Set<string>
  /** Names of every CTE defined anywhere in the statement (an over-approximation of scope). */
  cteNames: Set<string>
}

export function pgRelationNodes(stmt: PgJson): RelationNodes {
  const relations = new Set<string>()
  const cteNames = new Set<string>()
  const walk = (value: PgJson): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v)
      return
    }
    if (!value || typeof value !== 'object') return
    if (isBareRangeVar(value)) relations.add(rangeVarName(value))
    if (typeof value.ctename === 'string') cteNames.add(value.ctename)
    for (const [key, child] of Object.entries(value)) {
      if (SKIPPED_KEYS.has(key) || !child || typeof child !== 'object') continue
      walk(child)
    }
  }
  walk(stmt)
  return {relations, cteNames}
}

/** Relations of the tree that the analysis does not account for (unqualified CTE names excepted). */
export function unaccountedPg(nodes: RelationNodes, info: StatementInfo): string[] {
  const seen = accountedTables(info)
  return [...nodes.relations].filter((name) => !seen.has(name) && !(nodes.cteNames.has(name) && !name.includes('.'))).sort()
}

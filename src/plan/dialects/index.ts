/** Plan generation's dialect of each engine, picked once from the catalog's or the plan's engine. */
import type {Engine} from '../../db/engine.js'
import {mysqlPlan} from './mysql.js'
import {postgresPlan} from './postgres.js'
import type {PlanDialect} from './types.js'

export type {PlanDialect, ServerFacts, ServerReadOptions} from './types.js'

const DIALECTS: Readonly<Record<Engine, PlanDialect>> = {postgres: postgresPlan, mysql: mysqlPlan}

export function planDialect(engine: Engine): PlanDialect {
  return DIALECTS[engine]
}

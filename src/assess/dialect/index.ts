/** The assessment's dialect of each engine, picked once from the facts' or connection's engine. */
import type {Engine} from '../../db/engine.js'
import {mysqlAssess} from './mysql.js'
import {postgresAssess} from './postgres.js'
import type {AssessDialect} from './types.js'

export type {AssessDialect, FactsRequest, Probe} from './types.js'

const DIALECTS: Readonly<Record<Engine, AssessDialect>> = {postgres: postgresAssess, mysql: mysqlAssess}

export function assessDialect(engine: Engine): AssessDialect {
  return DIALECTS[engine]
}

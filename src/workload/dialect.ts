/**
 * The workload's SQL dialects, one object per engine (dialect/postgres.ts, dialect/mysql.ts; what
 * each holds: dialect/types.ts), picked once by `workloadDialect(engine)`. The log parsers know
 * their own formats, and the live statistics are engine-specific sources of their own
 * (sources/pg-stat-statements.ts, sources/mysql-digest.ts).
 */
import type {Engine} from '../db/engine.js'
import {mysqlWorkload} from './dialect/mysql.js'
import {postgresWorkload} from './dialect/postgres.js'
import type {WorkloadDialect} from './dialect/types.js'

export type {Dialect, LexRules, ShapeAnalysis, ShapeAnalyzer, WorkloadDialect} from './dialect/types.js'

const DIALECTS: Readonly<Record<Engine, WorkloadDialect>> = {postgres: postgresWorkload, mysql: mysqlWorkload}

export function workloadDialect(engine: Engine): WorkloadDialect {
  return DIALECTS[engine]
}

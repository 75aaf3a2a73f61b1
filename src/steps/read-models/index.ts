/**
 * →4: projections the consumer owns for its cross-context reads, and the reporting service's.
 * PostgreSQL: materialized views; MySQL/MariaDB: tables built with CREATE TABLE … AS SELECT and
 * refreshed by refresh.sql — only for contexts moved into their database.
 */
import type {StepKindDefinition} from '../kind.js'
import {MYSQL_NOTES, mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import type {PlanBuild} from '../plan-build.js'
import {sqlKind} from '../sql/kind.js'
import {mysqlReadModelsStep, mysqlReportingReadModelsStep} from './mysql.js'
import {readModelsStep, reportingReadModelsStep, unpopulatedViewsNote} from './postgres.js'

/** A context's read models wait for its latest step and for the moves of the contexts they read. */
function dependsOn(b: PlanBuild, c: PlanBuild['contexts'][number]): string[] {
  const sources = [...new Set(c.reachesInto.map((a) => a.context))].sort()
  return [...new Set([b.last(c.name), ...sources.flatMap((s) => b.movedKey(s))])]
}

export const readModels: StepKindDefinition = sqlKind('read-models', {
  postgres: {
    plan: (b) => {
      if (b.level < 4) return
      for (const c of b.contexts) b.add(readModelsStep(c, b.input, b.locator, dependsOn(b, c)))
      const moves = b.contexts.flatMap((c) => b.movedKey(c.name)).filter((k) => b.has(k))
      b.add(reportingReadModelsStep(b.input, moves.concat(b.level >= 2 ? ['service-roles'] : [])))
    },
    leadNote: ({input, targetLevel}) => (targetLevel >= 4 ? unpopulatedViewsNote(input) : null),
  },
  mysql: {
    plan: (b) => {
      if (b.level < 4) return
      const sql = new MysqlSql(b.input)
      for (const c of b.moved) {
        const d = mysqlReadModelsStep(sql, c, b.locator, dependsOn(b, c))
        b.add(d && mysqlDraft(d))
      }
      const reporting = mysqlReportingReadModelsStep(sql, b.locator, [...b.moved.map((c) => `move-to-schema-${c.name}`), 'service-roles'])
      b.add(reporting && mysqlDraft(reporting))
      const skipped = b.contexts.filter((c) => !b.isMoved(c.name)).map((c) => c.name)
      if (skipped.length) b.notes.push(`${MYSQL_NOTES.notMoved}: ${skipped.join(', ')}`)
    },
  },
})

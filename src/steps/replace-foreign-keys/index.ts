/** →3: cross-context foreign keys dropped, with reconciliation queries (and, on PostgreSQL, loose-FK cleanup). */
import type {PlanBuild} from '../plan-build.js'
import type {StepKindDefinition} from '../kind.js'
import {MYSQL_NOTES, mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import {sqlKind} from '../sql/kind.js'
import {foreignKeysStep as mysqlForeignKeys, isLoose} from './mysql.js'
import {foreignKeysStep} from './postgres.js'

/** The moves a context's FK step waits for: its own and those of the contexts it references. */
function dependsOn(b: PlanBuild, c: PlanBuild['contexts'][number]): string[] {
  const deps = [...new Set([...b.movedKey(c.name), ...c.fksOut.flatMap((f) => b.movedKey(f.to.context))])]
  return deps.length ? deps : [`document-ownership-${c.name}`]
}

export const replaceForeignKeys: StepKindDefinition = sqlKind('replace-foreign-keys', {
  postgres: {
    plan: (b) => {
      if (b.level >= 3) for (const c of b.contexts) b.add(foreignKeysStep(c, b.input, b.locator, dependsOn(b, c)))
    },
  },
  mysql: {
    plan: (b) => {
      if (b.level < 3) return
      const sql = new MysqlSql(b.input)
      const withFks = b.contexts.filter((c) => c.fksOut.length > 0)
      for (const c of withFks) b.add(mysqlDraft(mysqlForeignKeys(sql, c, b.locator, dependsOn(b, c))))
      if (withFks.some((c) => c.fksOut.some((f) => isLoose(f.fk.onDelete)))) b.notes.push(MYSQL_NOTES.looseFks)
    },
  },
})

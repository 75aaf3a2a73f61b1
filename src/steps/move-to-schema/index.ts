/**
 * →2: a context's tables into its schema (MySQL: its database), compatibility views left behind.
 * The move decides which contexts later steps find moved (PlanBuild.setMoved).
 */
import {schemaExisted} from '../common.js'
import type {StepKindDefinition} from '../kind.js'
import {mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import {sqlKind} from '../sql/kind.js'
import {moveRefusals, moveStep as mysqlMove} from './mysql.js'
import {moveStep} from './postgres.js'

export const moveToSchema: StepKindDefinition = sqlKind('move-to-schema', {
  postgres: {
    plan: (b) => {
      if (b.level < 2) return
      b.setMoved(b.contexts)
      for (const c of b.contexts) {
        b.add(moveStep(c, b.input))
        if (schemaExisted(b.input, c.schema) && c.tables.some((t) => t.table.schema !== c.schema)) {
          b.notes.push(`schema ${c.schema} existed before this plan: context ${c.name}'s tables move into it, and rollback leaves the schema (and whatever else it holds) in place`)
        }
      }
    },
  },
  mysql: {
    plan: (b) => {
      if (b.level < 2) return
      const moved = []
      if (b.input.conventions.compat === 'search-path') b.notes.push('--compat search-path: MySQL and MariaDB have no search_path (a connection has one default database), so the legacy names stay compatibility views')
      for (const c of b.contexts) {
        const refusals = moveRefusals(c, b.input)
        if (refusals.length) b.notes.push(...refusals.map((r) => `context ${c.name} is not moved into database ${c.schema}: ${r}`))
        else moved.push(c)
      }
      b.setMoved(moved)
      const sql = new MysqlSql(b.input)
      for (const c of moved) b.add(mysqlDraft(mysqlMove(sql, c)))
    },
  },
})

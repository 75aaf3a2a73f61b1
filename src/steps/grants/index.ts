/** 1→2: the owner writes, approved and reporting services read, every other write is revoked. */
import type {StepKindDefinition} from '../kind.js'
import {mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import {sqlKind} from '../sql/kind.js'
import {grantsStep as mysqlGrants} from './mysql.js'
import {grantsStep} from './postgres.js'

export const grants: StepKindDefinition = sqlKind('grants', {
  postgres: {
    plan: (b) => {
      if (b.level >= 2) for (const c of b.contexts) b.add(grantsStep(c, b.input, b.locator, true))
    },
  },
  mysql: {
    plan: (b) => {
      if (b.level < 2) return
      const sql = new MysqlSql(b.input)
      // Every context is granted, moved or not (a context MySQL refused to move keeps its tables where they are).
      for (const c of b.contexts) b.add(mysqlDraft(mysqlGrants(sql, c, b.locator, b.isMoved(c.name))))
    },
  },
})

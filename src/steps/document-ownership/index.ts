/** 0→1: ownership registry rows and an ownership document, per context, on both engines. */
import type {StepKindDefinition} from '../kind.js'
import {mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import {sqlKind} from '../sql/kind.js'
import {ownershipStep as mysqlOwnership} from './mysql.js'
import {ownershipStep} from './postgres.js'

export const documentOwnership: StepKindDefinition = sqlKind('document-ownership', {
  postgres: {
    plan: (b) => {
      for (const c of b.contexts) b.add(ownershipStep(c, b.input))
    },
  },
  mysql: {
    plan: (b) => {
      const sql = new MysqlSql(b.input)
      for (const c of b.contexts) b.add(mysqlDraft(mysqlOwnership(sql, c)))
    },
  },
})

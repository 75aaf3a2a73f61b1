/** 1→2: one NOLOGIN role per service, plan-wide, on both engines. */
import type {StepKindDefinition} from '../kind.js'
import {mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import {sqlKind} from '../sql/kind.js'
import {rolesStep as mysqlRoles} from './mysql.js'
import {rolesStep} from './postgres.js'
import {serviceRolesPreflight} from './preflight.js'

export const serviceRoles: StepKindDefinition = sqlKind('service-roles', {
  postgres: {
    plan: (b) => {
      if (b.level >= 2) b.add(rolesStep(b.input))
    },
  },
  mysql: {
    plan: (b) => {
      if (b.level >= 2) b.add(mysqlDraft(mysqlRoles(new MysqlSql(b.input))))
    },
  },
}, {preflight: serviceRolesPreflight})

/**
 * →4: events out of a context. PostgreSQL: a publication for a WAL reader (--outbox wal) or an
 * outbox table fed by triggers; MySQL/MariaDB: an outbox table in the context's database fed by
 * AFTER triggers — only for contexts that were moved there.
 */
import type {StepKindDefinition} from '../kind.js'
import {MYSQL_NOTES, mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import {sqlKind} from '../sql/kind.js'
import {mysqlOutboxStep} from './mysql.js'
import {outboxNameNote, outboxStep} from './postgres.js'

export const outbox: StepKindDefinition = sqlKind('outbox', {
  postgres: {
    plan: (b) => {
      if (b.level < 4) return
      for (const c of b.contexts) {
        const d = outboxStep(c, b.input, b.locator, [b.last(c.name)])
        const note = outboxNameNote(c, b.input)
        if (d && note) b.notes.push(note)
        b.add(d)
      }
    },
  },
  mysql: {
    plan: (b) => {
      if (b.level < 4) return
      const sql = new MysqlSql(b.input)
      for (const c of b.moved) {
        const d = mysqlOutboxStep(sql, c, b.locator, [b.last(c.name)])
        b.add(d && mysqlDraft(d))
      }
      if (b.input.conventions.outboxDelivery !== 'trigger' && b.drafts.some((d) => d.kind === 'outbox')) b.notes.push(MYSQL_NOTES.outboxTriggers)
    },
  },
})

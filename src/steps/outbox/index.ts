/**
 * →4: events out of a context, delivered one of two ways (`carve plan --outbox wal|trigger`).
 * PostgreSQL: a publication for a WAL reader (wal.ts, the default) or an outbox table fed by
 * triggers (postgres.ts). MySQL/MariaDB: the binary log read by Debezium's connector (binlog.ts,
 * the default: `wal` means "from the log" on every engine) or an outbox table in the context's
 * database fed by AFTER triggers (mysql.ts) — only for contexts that were moved there.
 */
import type {StepKindDefinition} from '../kind.js'
import {mysqlDraft} from '../mysql-notes.js'
import {MysqlSql} from '../mysql-sql.js'
import {sqlKind} from '../sql/kind.js'
import {mysqlBinlogOutboxStep} from './binlog.js'
import {mysqlOutboxStep} from './mysql.js'
import {outboxDelivery, outboxNameNote, outboxStep} from './postgres.js'

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
      const fromLog = outboxDelivery(b.input) === 'wal'
      for (const c of b.moved) {
        const d = fromLog ? mysqlBinlogOutboxStep(sql, c, b.locator, [b.last(c.name)]) : mysqlOutboxStep(sql, c, b.locator, [b.last(c.name)])
        b.add(d && mysqlDraft(d))
      }
    },
  },
})

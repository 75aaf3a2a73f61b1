/**
 * Plan generation on MySQL/MariaDB: events from the binary log (read by Debezium's MySQL or
 * MariaDB connector, configuration generated per context; --outbox trigger for trigger outboxes),
 * DDL that commits statement by statement, mysql2 for knex, and the type names MySQL has of its own.
 */
import type {Connection} from '../../db/connection.js'
import {mysqlIdent} from '../quote.js'
import {BOOLEAN, str, TEXT, tsUnion} from '../stubs/type-shapes.js'
import type {PlanDialect, ServerFacts, ServerReadOptions} from './types.js'

/** The values of MySQL `enum('a','b')` / `set(...)` (quotes doubled inside). */
function enumValues(type: string): string[] {
  const inner = /^\s*(?:enum|set)\s*\((.*)\)\s*$/is.exec(type)?.[1] ?? ''
  return [...inner.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"))
}

export const mysqlPlan: PlanDialect = {
  logicalDecoding: false,
  quoteRelation: (schema, name) => `${mysqlIdent(schema)}.${mysqlIdent(name)}`,
  // mysql2 runs a file of several statements only with multipleStatements; DDL there commits
  // as it goes, so the migrations of a MySQL plan run outside a transaction.
  knex: {client: 'mysql2', connection: "process.env.DATABASE_URL && {uri: process.env.DATABASE_URL.replace(/^mariadb:/, 'mysql:'), multipleStatements: true}"},
  outsideTransaction: () => 'MySQL/MariaDB DDL commits statement by statement: no transaction to wrap it in.',
  serverEngine: 'mysql',
  apiType(type, base) {
    // tinyint(1) and bit(1) are how MySQL spells a boolean column.
    if (/^\s*tinyint\s*\(\s*1\s*\)/i.test(type) || /^\s*bit\s*\(\s*1\s*\)/i.test(type)) return BOOLEAN
    if (base === 'enum') {
      const values = enumValues(type)
      return {schema: {type: 'string', enum: values}, ts: tsUnion(values), input: 'value'}
    }
    if (base === 'set') return TEXT
    // MySQL's timestamp is UTC-based: a point in time.
    if (base === 'timestamp') return str('date-time')
    return null
  },
  readServer,
}

/**
 * The binlog outbox (the default) refuses to apply on a server whose binary log a change reader
 * cannot use: say so when the plan is made, not only when its fifth step fails.
 */
async function readServer(conn: Connection, options: ServerReadOptions): Promise<ServerFacts> {
  if (options.outbox !== 'wal') return {notes: []}
  const settings = await readBinlogSettings(conn)
  const wrong = settings ? binlogWrongSettings(settings) : []
  if (!wrong.length) return {notes: []}
  return {
    notes: [`outbox: events are read from the binary log, which a change reader cannot use on this server: ${wrong.join('; ')}. The outbox steps refuse to apply until it can; or plan with --outbox trigger (triggers writing an outbox table in the writing transaction)`],
  }
}

export interface BinlogSettings {
  logBin: number | string
  format: string
  image: string
  serverId: number | string
}

/** What keeps a change reader from using the server's binary log, each with what to set; empty when nothing. */
export function binlogWrongSettings(s: BinlogSettings): string[] {
  const wrong: string[] = []
  if (Number(s.logBin) !== 1) wrong.push('log_bin is OFF (set log_bin, a restart)')
  if (String(s.format).toUpperCase() !== 'ROW') wrong.push(`binlog_format is ${s.format} (set ROW)`)
  if (String(s.image).toUpperCase() !== 'FULL') wrong.push(`binlog_row_image is ${s.image} (set FULL)`)
  if (Number(s.serverId) === 0) wrong.push('server_id is 0 (set a unique non-zero id)')
  return wrong
}

/** The server's binlog settings (global values: what the server writes by default). */
export async function readBinlogSettings(conn: Connection): Promise<BinlogSettings | null> {
  const [row] = await conn.query<BinlogSettings>('SELECT @@GLOBAL.log_bin AS logBin, @@GLOBAL.binlog_format AS format, @@GLOBAL.binlog_row_image AS image, @@GLOBAL.server_id AS serverId')
  return row ?? null
}

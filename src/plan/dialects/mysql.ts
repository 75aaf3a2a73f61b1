/**
 * Plan generation on MySQL/MariaDB: events only through trigger outboxes (the binlog is read by
 * Debezium's MySQL connector, described in events.md, not planned), DDL that commits statement
 * by statement, mysql2 for knex, and the type names MySQL has of its own.
 */
import {mysqlIdent} from '../quote.js'
import {BOOLEAN, str, TEXT, tsUnion} from '../stubs/type-shapes.js'
import type {PlanDialect} from './types.js'

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
  readServer: async () => ({notes: []}),
}

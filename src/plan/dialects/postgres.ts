/**
 * Plan generation on PostgreSQL and PGlite: events from the WAL or a trigger outbox, transactional
 * DDL (a step's knex migration runs in one transaction unless the step says it cannot), pg for
 * knex, and what the server's settings and roles mean for the plan.
 */
import type {Connection} from '../../db/connection.js'
import {schemaName} from '../context.js'
import {qualified} from '../quote.js'
import {chooseSplitMode} from '../split-mode.js'
import type {PlanDialect, ServerFacts, ServerReadOptions} from './types.js'

export const postgresPlan: PlanDialect = {
  logicalDecoding: true,
  quoteRelation: qualified,
  knex: {client: 'pg', connection: 'process.env.DATABASE_URL'},
  outsideTransaction: (step) => (step.transactional ? null : 'This step cannot run inside a transaction.'),
  serverEngine: 'postgresql',
  // Its type names are the shared mapping's.
  apiType: () => null,
  readServer,
}

async function readServer(conn: Connection, options: ServerReadOptions): Promise<ServerFacts> {
  // PGlite is one embedded database: no server wal_level to read.
  const server = conn.flavor === 'postgresql'
  const splitMode = options.split ? chooseSplitMode(options.split.mode, {flavor: conn.flavor, walLevel: server ? await walLevel(conn) : null}) : undefined
  const notes = [...(await loginRoleSchemas(conn, options.contexts)), ...(options.outbox === 'wal' && server ? await outboxWalNote(conn) : [])]
  return {...(splitMode ? {splitMode} : {}), notes}
}

/**
 * Contexts whose schema has the name of a login role: with the default search_path ("$user",
 * public) that role finds the moved tables in its own-named schema before the compatibility views
 * in public (pgbench run as postgres, context postgres), so its queries bypass them.
 */
async function loginRoleSchemas(conn: Connection, contexts: string[]): Promise<string[]> {
  const schemas = contexts.map((c) => schemaName(c))
  const rows = await conn.query<{rolname: string}>(`SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname = ANY($1::text[]) ORDER BY rolname`, [schemas])
  return rows.map((r) => {
    const context = contexts[schemas.indexOf(r.rolname)]!
    return `context ${context} moves into schema ${r.rolname}, the name of login role ${r.rolname}: with the default search_path ("$user", public) that role resolves unqualified names to ${r.rolname}.<table> first, past the compatibility views; give it an explicit search_path (ALTER ROLE ${r.rolname} SET search_path = public) or rename the context`
  })
}

/** The server's wal_level, which decides whether a split can use logical replication. */
async function walLevel(conn: Connection): Promise<string | null> {
  const [row] = await conn.query<{wal_level: string | null}>(`SELECT current_setting('wal_level', true) AS wal_level`)
  return row?.wal_level ?? null
}

/** With the WAL outbox on a server that cannot decode its WAL yet: said up front, not at the relay's first start. */
async function outboxWalNote(conn: Connection): Promise<string[]> {
  const level = await walLevel(conn)
  return level === 'logical' ? [] : [`events are read from the WAL (--outbox wal), which needs wal_level=logical; this server runs at ${level}: set it (a restart) before starting carve relay or Debezium, or plan with --outbox trigger for in-transaction events`]
}

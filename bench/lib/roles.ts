/** Login roles a benchmark creates (cluster-wide): one prefix per run, dropped however the run ends. */
import {randomBytes} from 'node:crypto'

import {onCleanup} from './cleanup.js'
import {withClient} from './postgres.js'

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

export interface Login {
  user: string
  password: string
  /** The server URL with this login's credentials and the given database. */
  url(serverUrl: string, database: string): string
}

/** A prefix of this run's own for every role it creates (the plan's roles too). */
export function runRolePrefix(benchmark: string): string {
  return `cb_${benchmark.replace(/[^a-z0-9]/g, '')}${process.pid}_`
}

/**
 * A plain login (no superuser), standing for the legacy application: it owns its database and
 * tables, so privilege checks run as they do in production. Every role starting with `prefix`
 * is dropped at cleanup (the plan's roles, when a rollback did not).
 */
export async function createLogin(serverUrl: string, prefix: string): Promise<Login> {
  const user = `${prefix}app`
  const password = randomBytes(12).toString('hex')
  onCleanup(() => dropRolesWithPrefix(serverUrl, prefix))
  await withClient(serverUrl, (c) => c.query(`CREATE ROLE ${quoteIdent(user)} LOGIN PASSWORD '${password}'`))
  return {
    user,
    password,
    url(server: string, database: string) {
      const u = new URL(server)
      u.username = encodeURIComponent(user)
      u.password = encodeURIComponent(password)
      u.pathname = `/${encodeURIComponent(database)}`
      return u.toString()
    },
  }
}

export async function dropRolesWithPrefix(serverUrl: string, prefix: string): Promise<void> {
  await withClient(serverUrl, async (c) => {
    const {rows} = await c.query<{rolname: string}>('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1 DESC', [prefix])
    for (const r of rows) await c.query(`DROP ROLE IF EXISTS ${quoteIdent(r.rolname)}`).catch(() => {})
  })
}

/**
 * Live traffic beside Carve (issue 12): pgbench runs whose failures, deadlocks and aborted clients
 * are counted, and the catalog state a rollback must restore exactly (pg_dump -s, raw ACLs,
 * relhastriggers, schemas, the plan's roles). Shared by the live-traffic tests.
 */
import {execFile, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import type {Connection} from '../../src/db/connection.js'
import {openTarget} from '../../src/db/open.js'

const run = promisify(execFile)

/** A client tool of the server's major version when installed, else the one on PATH. */
export function tool(name: string): string | null {
  for (const dir of ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin']) {
    if (existsSync(join(dir, name))) return join(dir, name)
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name)
  return null
}

export const PGBENCH = tool('pgbench')
export const PG_DUMP = tool('pg_dump')

export interface BenchRun {
  code: number | null
  processed: number
  failed: number
  deadlocks: number
  stderr: string
  stdout: string
}

export function bench(url: string, seconds: number, extra: string[] = []): Promise<BenchRun> {
  return new Promise((resolve, reject) => {
    // -n: no vacuum before; errors are counted, never retried (max tries 1), and reported in detail.
    const child = spawn(PGBENCH!, ['-c', '4', '-j', '2', '-T', String(seconds), '-n', '--failures-detailed', ...extra, url], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN)
      resolve({
        code,
        processed: num(/number of transactions actually processed: (\d+)/),
        failed: num(/number of failed transactions: (\d+)/),
        deadlocks: num(/number of deadlock failures: (\d+)/),
        stderr: err,
        stdout: out,
      })
    })
  })
}

/** Everything rollback must restore: DDL, raw ACLs (NULL stays NULL), relhastriggers, schemas, the plan's roles. */
export async function catalogState(conn: Connection, url: string, rolePrefix: string): Promise<{dump: string; relations: string; schemas: string; roles: string}> {
  const {stdout} = await run(PG_DUMP!, ['-s', '--exclude-schema=carve', '-d', url], {maxBuffer: 64 << 20})
  // pg_dump 15.14+ brackets the dump with \restrict <random key>: not part of the schema.
  const dump = stdout.replace(/^-- Dumped (from|by) .*$/gm, '').replace(/^\\(un)?restrict .*$/gm, '')
  const rel = await conn.query<{r: string}>(`SELECT string_agg(format('%s %s acl=%s triggers=%s', c.relkind, c.oid::regclass, coalesce(c.relacl::text, 'NULL'), c.relhastriggers), E'\\n' ORDER BY c.oid::regclass::text) AS r
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'carve') AND n.nspname NOT LIKE 'pg_toast%'`)
  const sch = await conn.query<{s: string}>(`SELECT string_agg(nspname || ' acl=' || coalesce(nspacl::text, 'NULL'), ', ' ORDER BY nspname) AS s FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'carve')`)
  const roles = await conn.query<{r: string | null}>(`SELECT string_agg(rolname, ', ' ORDER BY rolname) AS r FROM pg_roles WHERE starts_with(rolname, $1)`, [rolePrefix])
  return {dump, relations: rel[0]!.r, schemas: sch[0]!.s, roles: roles[0]!.r ?? ''}
}


/** The JSON lines of `carve apply|rollback --json`: retries and the result. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  // Events are one object per line; the result at the end may span lines (skipped here).
  return stdout.split('\n').filter((l) => l.startsWith('{"') && l.endsWith('}')).map((l) => JSON.parse(l) as Record<string, unknown>)
}


/** A failed run leaves its roles behind (cluster-wide): they carry this run's own prefix, drop them. */
export async function dropRolesWithPrefix(serverUrl: string, prefix: string): Promise<void> {
  const admin = await openTarget({kind: 'postgres', url: serverUrl})
  try {
    for (const r of await admin.query<{rolname: string}>('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)', [prefix])) {
      await admin.exec(`DROP ROLE IF EXISTS "${r.rolname.replace(/"/g, '""')}"`).catch(() => {})
    }
  } finally {
    await admin.close()
  }
}

/** What rollback must leave as it was, compared part by part (so a failure says which). */
export function expectSameCatalog(after: Awaited<ReturnType<typeof catalogState>>, before: Awaited<ReturnType<typeof catalogState>>, expect: (v: unknown) => {toBe: (x: unknown) => void}): void {
  expect(after.dump).toBe(before.dump)
  expect(after.relations).toBe(before.relations)
  expect(after.schemas).toBe(before.schemas)
  expect(after.roles).toBe(before.roles)
}

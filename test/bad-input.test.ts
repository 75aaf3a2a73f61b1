/**
 * Bad input gets one clear line, a hint, a non-zero exit, no stack trace, and never the password.
 * Runs the built CLI as a user would.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openPglite} from '../src/db/pglite.js'
import {checkPostgresVersion, translatePgError} from '../src/db/postgres.js'
import {parseTarget, redactUrl} from '../src/db/target.js'
import {hasStackTrace, runCarve} from './support/cli.js'
import {startPasswordRejectingServer} from './support/fake-pg-server.js'
import {announceSkip, createPgDatabase, MYSQL_URL, PG_URL} from './support/servers.js'

const SECRET = 'S3cr3t-pa55'

function expectCleanFailure(result: {code: number | null; stdout: string; stderr: string}, code: number, message: RegExp) {
  expect(result.code, result.stderr).toBe(code)
  expect(result.stderr).toMatch(/^error: /m)
  expect(result.stderr).toMatch(message)
  expect(hasStackTrace(result.stderr)).toBe(false)
  expect(result.stderr + result.stdout).not.toContain(SECRET)
}

describe('bad input without any server', () => {
  it('no database given: usage error, exit 2, with a hint', async () => {
    const r = await runCarve(['inspect'])
    expectCleanFailure(r, 2, /no database given/)
    expect(r.stderr).toMatch(/hint: .*DATABASE_URL.*--example shop/)
  })

  it('an unknown URL scheme and garbage URL: exit 2', async () => {
    expectCleanFailure(await runCarve(['inspect', '--db', 'oracle://x@y/z']), 2, /unsupported database URL scheme "oracle:"/)
    expectCleanFailure(await runCarve(['inspect', '--db', `not a url:${SECRET}@host`]), 2, /is not a database URL/)
  })

  it('an unknown example and an unknown flag: exit 2', async () => {
    expectCleanFailure(await runCarve(['inspect', '--example', 'nope']), 2, /there is no example "nope"/)
    const r = await runCarve(['inspect', '--frobnicate'])
    expect(r.code).toBe(2)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })

  it('an unreachable host: exit 1, the password never printed, also with --json', async () => {
    const url = `postgres://app:${SECRET}@127.0.0.1:1/legacy`
    expectCleanFailure(await runCarve(['inspect', '--db', url]), 1, /cannot reach PostgreSQL at 127\.0\.0\.1:1/)
    const viaEnv = await runCarve(['inspect'], {env: {DATABASE_URL: url}})
    expectCleanFailure(viaEnv, 1, /cannot reach PostgreSQL/)
    const json = await runCarve(['inspect', '--db', url, '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({error: {code: 'db.unreachable'}})
    expect(json.stdout + json.stderr).not.toContain(SECRET)
    const mysql = await runCarve(['inspect', '--db', `mysql://root:${SECRET}@127.0.0.1:1/shop`])
    expectCleanFailure(mysql, 1, /cannot reach MySQL/)
  })

  it('a wrong password (server that demands one): exit 1, names the user, not the password', async () => {
    const server = await startPasswordRejectingServer()
    try {
      const r = await runCarve(['inspect', '--db', `postgres://app:${SECRET}@127.0.0.1:${server.port}/legacy`])
      expectCleanFailure(r, 1, /PostgreSQL rejected the password for user "app"/)
      expect(server.passwordsSeen).toEqual([SECRET]) // the real driver really sent it
    } finally {
      await server.close()
    }
  })

  it('an empty embedded database: exit 1 and says what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carve-empty-'))
    try {
      expectCleanFailure(await runCarve(['inspect', '--db', `pglite:${dir}`]), 1, /no tables found in schema public of pglite:/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('hostile names reach the summary escaped and the JSON intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carve-hostile-'))
    const evil = 'evil\n\u001b[2Jname"; DROP TABLE x; --'
    try {
      const conn = await openPglite(dir)
      await conn.exec(`create table "${evil.replace(/"/g, '""')}" ("sélect" int primary key, "Mixed Case" text, "from" text)`)
      await conn.close()
      const r = await runCarve(['inspect', '--db', `pglite:${dir}`])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('evil\\x0a\\x1b[2Jname"; DROP TABLE x; --')
      expect(r.stdout).not.toContain('\u001b[2J')
      const json = await runCarve(['inspect', '--db', `pglite:${dir}`, '--json'])
      const catalog = JSON.parse(json.stdout)
      expect(catalog.tables[0].name).toBe(evil)
      expect(catalog.tables[0].columns.map((c: {name: string}) => c.name)).toEqual(['sélect', 'Mixed Case', 'from'])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('unsupported server versions are refused', () => {
    expect(() => checkPostgresVersion(11, '11.22')).toThrow(/PostgreSQL 11\.22 is not supported/)
    expect(() => checkPostgresVersion(12, '12.0')).not.toThrow()
  })

  it('driver errors translate to codes, and URLs are redacted', () => {
    const where = {host: 'db', port: 5432, user: 'app', database: 'legacy'}
    expect(translatePgError({code: '3D000', message: 'x'}, where).code).toBe('db.missing')
    expect(translatePgError({code: '42501', message: 'x'}, where).code).toBe('db.permission')
    expect(translatePgError({code: 'ECONNREFUSED', message: 'x'}, where).code).toBe('db.unreachable')
    expect(redactUrl(`postgres://app:${SECRET}@h/db?password=${SECRET}`)).not.toContain(SECRET)
    expect(parseTarget('pglite:./data')).toEqual({kind: 'pglite', dataDir: './data'})
    expect(parseTarget('pglite:memory')).toEqual({kind: 'pglite', dataDir: null})
  })
})

describe.skipIf(!PG_URL)('bad input against the real PostgreSQL server', () => {
  let empty: Awaited<ReturnType<typeof createPgDatabase>>
  let locked: Awaited<ReturnType<typeof createPgDatabase>>
  const role = `carve_noperm_${process.pid}`
  beforeAll(async () => {
    empty = await createPgDatabase('empty')
    locked = await createPgDatabase('locked')
    const admin = new pg.Client({connectionString: PG_URL})
    await admin.connect()
    await admin.query(`drop role if exists ${role}`)
    await admin.query(`create role ${role} login password '${SECRET}'`)
    await admin.query(`revoke connect on database "${locked.name}" from public`)
    await admin.end()
  })
  afterAll(async () => {
    await empty?.drop()
    await locked?.drop()
    const admin = new pg.Client({connectionString: PG_URL})
    await admin.connect()
    await admin.query(`drop role if exists ${role}`)
    await admin.end()
  })

  it('a missing database', async () => {
    const u = new URL(PG_URL!)
    u.pathname = '/carve_no_such_database'
    u.password = SECRET
    expectCleanFailure(await runCarve(['inspect', '--db', u.toString()]), 1, /database "carve_no_such_database" does not exist/)
  })

  it('a user without privileges on the database', async () => {
    const u = new URL(locked.url)
    u.username = role
    u.password = SECRET
    expectCleanFailure(await runCarve(['inspect', '--db', u.toString()]), 1, new RegExp(`user "${role}" lacks privileges`))
  })

  it('an empty database', async () => {
    expectCleanFailure(await runCarve(['inspect', '--db', empty.url]), 1, /no tables found in schema public/)
  })
})
if (!PG_URL) announceSkip('PostgreSQL')

describe.skipIf(!MYSQL_URL)('bad input against the real MariaDB server', () => {
  it('a wrong password and a missing database', async () => {
    const u = new URL(MYSQL_URL!)
    u.password = SECRET
    expectCleanFailure(await runCarve(['inspect', '--db', u.toString()]), 1, /rejected the password/)
    const m = new URL(MYSQL_URL!)
    m.pathname = '/carve_no_such_database'
    expectCleanFailure(await runCarve(['inspect', '--db', m.toString()]), 1, /database "?carve_no_such_database"? does not exist/)
  })
})
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')

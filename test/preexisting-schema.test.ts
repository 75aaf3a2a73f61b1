/**
 * Never touch what Carve did not create: a schema that exists before the plan — here the one the
 * reporting read models go into, empty but with its own comment and grant — is used by apply and
 * left exactly as it was by rollback; a schema the plan creates is created with a plain CREATE
 * SCHEMA (so one that appears after planning fails the step instead of being adopted).
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {applyPlan, defaultExecuteOptions, rollbackPlan} from '../src/execute/executor.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {inspect} from '../src/introspect/index.js'
import {generatePlan} from '../src/plan/generate.js'
import {writePlan} from '../src/plan/write.js'
import {runCarve} from './support/cli.js'
import {tempDir} from './support/plan-fixture.js'
import {announceSkip, MYSQL_URL, siblingDatabaseUrl} from './support/servers.js'
import {shopBoundaries, shopWorkload} from './support/shop-plan-input.js'

describe('a schema that existed before the plan', () => {
  let conn: Connection
  const dirs: string[] = []
  beforeAll(async () => {
    conn = await openTarget({kind: 'example', name: 'shop'})
  }, 180_000)
  afterAll(async () => {
    await conn?.close()
    for (const d of dirs) rmSync(d, {recursive: true, force: true})
  })

  it('is used by the reporting read models and survives apply and rollback, comment and all', async () => {
    const workload = await shopWorkload()
    const fresh = generatePlan(await inspect(conn), shopBoundaries(), workload, {name: 'fresh'})
    const reportingStep = fresh.manifest.steps.find((s) => s.id.endsWith('read-models-reporting'))!
    const freshUp = fresh.files.get(reportingStep.files.up!)!
    expect(freshUp).toMatch(/^CREATE SCHEMA "reporting";$/m)
    expect(fresh.files.get(reportingStep.files.down!)).toMatch(/DROP SCHEMA "reporting"/)

    await conn.exec(`CREATE SCHEMA reporting; COMMENT ON SCHEMA reporting IS 'the BI team''s schema'; CREATE ROLE bi_team_readers_pre NOLOGIN; GRANT USAGE ON SCHEMA reporting TO bi_team_readers_pre;`)
    const describe = () =>
      conn.query<{comment: string | null; acl: string | null}>(`SELECT obj_description(oid, 'pg_namespace') AS comment, nspacl::text AS acl FROM pg_namespace WHERE nspname = 'reporting'`)
    const before = await describe()
    const plan = generatePlan(await inspect(conn), shopBoundaries(), workload, {name: 'existing'})
    const step = plan.manifest.steps.find((s) => s.id.endsWith('read-models-reporting'))!
    expect(plan.files.get(step.files.up!)).not.toMatch(/CREATE SCHEMA[^;]*"reporting"/)
    expect(plan.files.get(step.files.down!)).not.toMatch(/DROP SCHEMA[^;]*"reporting"/)

    const dir = tempDir('carve-existing-')
    dirs.push(dir)
    writePlan(dir, plan, {force: true})
    const loaded = loadPlan(dir)
    await applyPlan(conn, loaded, defaultExecuteOptions())
    const [{n}] = (await conn.query<{n: number}>(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'reporting'`)) as [{n: number}]
    expect(n).toBeGreaterThan(0)
    await rollbackPlan(conn, loaded, {...defaultExecuteOptions(), all: true})
    expect(await describe()).toEqual(before)
    expect(before).toEqual([{comment: "the BI team's schema", acl: expect.stringContaining('bi_team_readers_pre=U/')}])
    await conn.exec(`DROP SCHEMA reporting; DROP ROLE bi_team_readers_pre;`)
  }, 300_000)
})

describe.skipIf(!MYSQL_URL)('a context database that existed before the plan (MariaDB/MySQL)', () => {
  it('is used by the move and kept by rollback; the one the plan created is dropped', async () => {
    const {default: mysql} = await import('mysql2/promise')
    const {url, name} = siblingDatabaseUrl(MYSQL_URL!, 'preexisting')
    const suffix = name.slice(-6)
    const [kept, made] = [`pxkeep${suffix}`, `pxmade${suffix}`]
    const admin = await mysql.createConnection({uri: MYSQL_URL!, multipleStatements: true})
    const dir = tempDir('carve-preexisting-my-')
    try {
      await admin.query(`CREATE DATABASE \`${name}\`; CREATE DATABASE \`${kept}\` COMMENT 'the BI team''s database';
        CREATE TABLE \`${name}\`.a (id int PRIMARY KEY); CREATE TABLE \`${name}\`.b (id int PRIMARY KEY);`)
      mkdirSync(dir, {recursive: true})
      writeFileSync(join(dir, 'carve.yml'), `version: 1\ncontexts:\n  - name: ${kept}\n    owner: a-service\n    tables: [a]\n  - name: ${made}\n    owner: b-service\n    tables: [b]\n`)
      const plan = join(dir, 'plan')
      const prefix = `px${suffix}_`
      // The trigger outbox: the binlog one (the default) refuses a server with log_bin OFF, as the shared test server runs.
      expect((await runCarve(['plan', '--db', url, '--file', join(dir, 'carve.yml'), '--out', plan, '--role-prefix', prefix, '--outbox', 'trigger'], {timeoutMs: 300_000})).code).toBe(0)
      expect((await runCarve(['apply', plan, '--db', url], {timeoutMs: 300_000})).code).toBe(0)
      const databases = async () => ((await admin.query(`SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?) ORDER BY 1`, [kept, made]))[0] as {s: string}[]).map((r) => r.s)
      expect(await databases()).toEqual([made, kept].sort())
      expect((await runCarve(['rollback', plan, '--all', '--db', url], {timeoutMs: 300_000})).code).toBe(0)
      expect(await databases()).toEqual([kept])
      const [[{c}]] = (await admin.query(`SELECT SCHEMA_COMMENT AS c FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, [kept])) as unknown as [[{c: string}]]
      expect(c).toBe("the BI team's database")
    } finally {
      for (const db of [name, kept, made]) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``)
      await admin.end()
      rmSync(dir, {recursive: true, force: true})
    }
  }, 600_000)
})
if (!MYSQL_URL) announceSkip('MariaDB/MySQL')

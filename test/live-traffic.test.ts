/**
 * Apply and rollback under live traffic (issue 12): pgbench's own schema (`-i --foreign-keys`)
 * and its TPC-B workload with 4 clients running while the real CLI (dist/) applies the whole
 * plan for that database and rolls it back, three times. Nothing the application does may fail
 * (pgbench reports failed transactions, deadlocks and aborted clients), Carve's runs exit 0 and
 * never lose a deadlock, the bank still balances, every processed transaction left exactly one
 * history row, and the schema (pg_dump -s, raw ACLs, relhastriggers) is what it was.
 * Needs CARVE_TEST_PG_URL and pgbench/pg_dump (Debian: postgresql-contrib / postgresql-client).
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {afterAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {runCarve} from './support/cli.js'
import {bench, type BenchRun, catalogState, dropRolesWithPrefix, expectSameCatalog, jsonLines, PG_DUMP, PGBENCH} from './support/live-traffic.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const run = promisify(execFile)
const ready = Boolean(PG_URL && PGBENCH && PG_DUMP)
if (!PG_URL) announceSkip('PostgreSQL')
else if (!ready) console.warn('[carve tests] SKIPPING the live-traffic test: pgbench or pg_dump is not installed (Debian: apt-get install postgresql-contrib postgresql-client)')

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

async function bankState(conn: Connection): Promise<{accounts: string; tellers: string; branches: string; history: number}> {
  const [row] = await conn.query<{a: string; t: string; b: string; h: string}>(`SELECT (SELECT sum(abalance) FROM pgbench_accounts)::text AS a, (SELECT sum(tbalance) FROM pgbench_tellers)::text AS t,
      (SELECT sum(bbalance) FROM pgbench_branches)::text AS b, (SELECT count(*) FROM pgbench_history)::text AS h`)
  return {accounts: row!.a, tellers: row!.t, branches: row!.b, history: Number(row!.h)}
}

describe.runIf(ready)('apply → rollback three times while pgbench runs (PostgreSQL 15)', () => {
  it('no failed client transaction, no deadlock, balances agree, schema identical', async () => {
    const db = await createPgDatabase('live_pgbench')
    const conn = await openTarget({kind: 'postgres', url: db.url})
    const dir = mkdtempSync(join(tmpdir(), 'carve-live-'))
    dirs.push(dir)
    // Roles are cluster-wide: a prefix of this run's own, so parallel test runs never share them.
    const rolePrefix = `lt${db.name.slice(-6)}_`
    try {
      await run(PGBENCH!, ['-i', '--foreign-keys', '-s', '1', '-q', db.url])
      // One context, not named after the database user (a schema "postgres" would shadow the
      // compatibility views through search_path's "$user").
      writeFileSync(join(dir, 'carve.yml'), 'version: 1\ncontexts:\n  - name: bank\n    owner: bank-service\n    tables: [pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history]\n')
      const planned = await runCarve(['plan', '--db', db.url, '--out', join(dir, 'plan'), '--role-prefix', rolePrefix], {cwd: dir, timeoutMs: 120_000})
      expect(planned.stderr + planned.stdout, 'carve plan').toMatch(/plan/i)
      expect(planned.code).toBe(0)

      const before = await catalogState(conn, db.url, rolePrefix)
      const bankBefore = await bankState(conn)

      // The workload: back-to-back pgbench runs until the cycles are done.
      const runs: BenchRun[] = []
      let stop = false
      const workload = (async () => {
        while (!stop) runs.push(await bench(db.url, 3))
      })()
      const carve: {action: string; code: number | null; out: string; retries: Record<string, unknown>[]}[] = []
      try {
        await new Promise((r) => setTimeout(r, 500))
        for (let cycle = 0; cycle < 3; cycle++) {
          for (const action of ['apply', 'rollback'] as const) {
            const args = action === 'apply' ? ['apply', join(dir, 'plan'), '--db', db.url, '--json'] : ['rollback', join(dir, 'plan'), '--all', '--db', db.url, '--json']
            const r = await runCarve(args, {cwd: dir, timeoutMs: 120_000})
            const lines = jsonLines(r.stdout)
            carve.push({action, code: r.code, out: r.stderr + r.stdout.slice(-2000), retries: lines.filter((l) => l.event === 'retry' || l.type === 'retry')})
            if (r.code !== 0) break
          }
          if (carve.some((c) => c.code !== 0)) break
        }
      } finally {
        stop = true
        await workload
      }

      for (const c of carve) expect(c.code, `carve ${c.action}: ${c.out}`).toBe(0)
      expect(carve).toHaveLength(6)
      // Carve may wait and retry, but never as a deadlock victim.
      expect(carve.flatMap((c) => c.retries).filter((r) => /40P01|deadlock/.test(String(r.reason)))).toEqual([])

      expect(runs.length).toBeGreaterThan(0)
      for (const r of runs) {
        expect(r.stderr, 'pgbench stderr').not.toMatch(/aborted|ERROR/)
        expect(r.code).toBe(0)
        expect(r.failed).toBe(0)
        expect(r.deadlocks).toBe(0)
      }
      const processed = runs.reduce((n, r) => n + r.processed, 0)
      expect(processed).toBeGreaterThan(0)

      const retried = carve.flatMap((c) => c.retries).length
      console.info(`[live-traffic] ${runs.length} pgbench runs, ${processed} transactions, 0 failed; 3 apply + 3 rollback runs of carve, ${retried} lock retries`)

      const bankAfter = await bankState(conn)
      expect(bankAfter.accounts).toBe(bankAfter.tellers)
      expect(bankAfter.tellers).toBe(bankAfter.branches)
      expect(bankAfter.history - bankBefore.history).toBe(processed)

      const after = await catalogState(conn, db.url, rolePrefix)
      expectSameCatalog(after, before, expect)
    } finally {
      await conn.close()
      await db.drop()
      await dropRolesWithPrefix(PG_URL!, rolePrefix)
    }
  }, 600_000)
})

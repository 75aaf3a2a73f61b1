/**
 * The shape fingerprint Carve computes from the parse tree (src/workload/pg-fingerprint.ts)
 * against pg_query's (libpg-query's `fingerprint`), which it replaced: the equivalences that
 * group executions, and on the SQL corpus (../shared/sql-corpus, skipped visibly without it) it
 * never puts in one group statements pg_query keeps apart.
 */
import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'

import {fingerprintSync, loadModule, parseSync} from 'libpg-query'
import {beforeAll, describe, expect, it} from 'vitest'

import {packageRoot} from '../src/paths.js'
import {pgFingerprint} from '../src/workload/pg-fingerprint.js'

const CORPUS = process.env.CARVE_SQL_CORPUS ?? resolve(packageRoot(), '..', 'shared', 'sql-corpus', 'cases.jsonl')

const ours = (sql: string) => pgFingerprint(((parseSync(sql) as {stmts?: {stmt: never}[]}).stmts ?? []).map((s) => s.stmt))

beforeAll(async () => {
  await loadModule()
})

describe('pg fingerprint: equivalences', () => {
  const same: [string, string][] = [
    ['select a from t where x in (1, 2, 3)', 'select a from t where x in (4)'],
    ["insert into t (a, b) values (1, 'x'), (2, 'y')", "insert into t (a, b) values (3, 'z')"],
    ['select a, b from t', 'select b, a from t'],
    ['select a from t where p = 1 and q = 2', 'select a from t where q = 5 and p = 7'],
    ['select a as x from t', 'select a as y from t'],
    ['savepoint s1', 'savepoint s2'],
    ['prepare p1 as select 1', 'prepare p2 as select 2'],
    ['select 1 as two union select 2 order by 1', 'select 1 as one union select 1 order by 1'],
  ]
  const apart: [string, string][] = [
    ['select a from t', 'select a from u'],
    ['select a from t', 'select b from t'],
    ['select * from orders o', 'select * from orders x'],
    ['select a from t where p = 1 and q = 2', 'select a from t where p = 1 or q = 2'],
    ['select a from t where x in (1, 2)', 'select a from t where x in (y, 2)'],
    ['update t set a = 1', 'delete from t'],
  ]
  it.each(same)('groups %s with %s, as pg_query does', (a, b) => {
    expect(ours(a)).toBe(ours(b))
    expect(fingerprintSync(a)).toBe(fingerprintSync(b))
  })
  it.each(apart)('keeps %s apart from %s, as pg_query does', (a, b) => {
    expect(ours(a)).not.toBe(ours(b))
    expect(fingerprintSync(a)).not.toBe(fingerprintSync(b))
  })
})

describe.skipIf(!existsSync(CORPUS))('pg fingerprint on the SQL corpus', () => {
  it('never groups statements pg_query keeps apart; splits few of its groups', () => {
    const ourOf = new Map<string, string>()
    const theirOf = new Map<string, string>()
    for (const line of readFileSync(CORPUS, 'utf8').split('\n')) {
      if (!line.trim()) continue
      const c = JSON.parse(line) as {carve_format: string; sql: string}
      if (c.carve_format !== 'sql-postgres') continue
      try {
        theirOf.set(c.sql, fingerprintSync(c.sql))
        ourOf.set(c.sql, ours(c.sql))
      } catch {
        theirOf.delete(c.sql)
      }
    }
    const groups = (of: Map<string, string>) => {
      const g = new Map<string, string[]>()
      for (const [sql, f] of of) g.set(f, [...(g.get(f) ?? []), sql])
      return g
    }
    const count = (by: Map<string, string[]>, other: Map<string, string>) => [...by.values()].filter((sqls) => new Set(sqls.map((s) => other.get(s))).size > 1).length
    const theirs = groups(theirOf)
    const mine = groups(ourOf)
    const merged = count(mine, theirOf)
    const split = count(theirs, ourOf)
    console.log(`pg fingerprint: ${ourOf.size} statements, pg_query ${theirs.size} groups, Carve ${mine.size}; merged ${merged}, split ${split}`)
    expect(ourOf.size).toBeGreaterThan(1400)
    expect(merged).toBe(0)
    // Set operations of bare constants with different types are the ones pg_query groups and Carve
    // does not (22 of 1,116 groups, 1,491 distinct statements, at the time of writing): never more than 3%.
    expect(split / theirs.size).toBeLessThan(0.03)
  })
})

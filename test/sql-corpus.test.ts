/**
 * Completeness of statement analysis on real SQL nobody on this project wrote
 * (../shared/sql-corpus/cases.jsonl: PostgreSQL's regression tests and TPC-H, each statement with
 * the tables it reads and writes according to independent parsers — see its README).
 *
 * Prints and asserts read and write recall ≥ 0.99 at precision 1.000, and the relation invariant
 * (every relation node of every parse tree accounted for) on every case, on the SQL of the test
 * fixtures and on every statement of the example logs. Skips, visibly, without ../shared.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {z} from 'zod'

import {exampleDir} from '../src/db/examples.js'
import {analyzePg, analyzePgDetailed, initPgParser} from '../src/workload/analyze-pg.js'
import {ingest} from '../src/workload/ingest.js'
import {packageRoot} from '../src/paths.js'
import type {StatementInfo} from '../src/workload/statement.js'

const CORPUS = process.env.CARVE_SQL_CORPUS ?? resolve(packageRoot(), '..', 'shared', 'sql-corpus', 'cases.jsonl')
const present = existsSync(CORPUS)
if (!present) console.warn(`[carve tests] SKIPPING sql-corpus recall: no ${CORPUS} (set CARVE_SQL_CORPUS)`)

const Case = z.object({
  id: z.string(),
  carve_format: z.literal('sql-postgres'),
  sql: z.string(),
  ref_reads: z.array(z.string()),
  ref_writes: z.array(z.string()),
})
type Case = z.infer<typeof Case>

/** The reference names tables by their last part, lower-cased (see the corpus README). */
const lastPart = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase()

interface Score {
  expected: number
  found: number
  extra: number
  missed: string[]
}

function score(expected: string[], got: Set<string>, into: Score, id: string): void {
  const want = new Set(expected.map(lastPart))
  into.expected += want.size
  for (const t of want) {
    if (got.has(t)) into.found++
    else into.missed.push(`${id}: ${t}`)
  }
  for (const t of got) if (!want.has(t)) into.extra++
}

const fmt = (n: number) => n.toFixed(4)

describe.skipIf(!present)('sql-corpus: table recall and precision on real SQL', () => {
  let cases: Case[] = []
  beforeAll(async () => {
    await initPgParser()
    cases = readFileSync(CORPUS, 'utf8').split('\n').filter((l) => l.trim()).map((l) => Case.parse(JSON.parse(l)))
  })

  it('read and write recall ≥ 0.99 at precision 1.000; the invariant holds on every case', () => {
    const reads: Score = {expected: 0, found: 0, extra: 0, missed: []}
    const writes: Score = {expected: 0, found: 0, extra: 0, missed: []}
    const violations: string[] = []
    const unparsed: string[] = []
    for (const c of cases) {
      let infos: StatementInfo[]
      try {
        infos = analyzePg(c.sql)
        for (const d of analyzePgDetailed(c.sql)) if (d.unaccounted.length) violations.push(`${c.id}: ${d.unaccounted.join(', ')}`)
      } catch (error) {
        unparsed.push(`${c.id}: ${(error as Error).message}`)
        infos = []
      }
      score(c.ref_reads, new Set(infos.flatMap((i) => i.reads).map(lastPart)), reads, c.id)
      score(c.ref_writes, new Set(infos.flatMap((i) => i.writes).map(lastPart)), writes, c.id)
    }
    const recall = (s: Score) => s.found / s.expected
    const precision = (s: Score) => s.found / (s.found + s.extra)
    console.log(
      `[sql-corpus] ${cases.length} statements: read recall ${fmt(recall(reads))} (${reads.found}/${reads.expected}) precision ${fmt(precision(reads))}; ` +
        `write recall ${fmt(recall(writes))} (${writes.found}/${writes.expected}) precision ${fmt(precision(writes))}; ` +
        `unparsed ${unparsed.length}; invariant violations ${violations.length}`,
    )
    expect(cases.length).toBeGreaterThan(1000)
    expect(unparsed).toEqual([])
    expect(violations).toEqual([])
    expect(recall(reads), reads.missed.slice(0, 20).join('\n')).toBeGreaterThanOrEqual(0.99)
    expect(recall(writes), writes.missed.slice(0, 20).join('\n')).toBeGreaterThanOrEqual(0.99)
    expect(reads.extra).toBe(0)
    expect(writes.extra).toBe(0)
  })
})

describe('relation invariant on every statement Carve has fixtures and logs for', () => {
  beforeAll(async () => initPgParser())

  it('test/fixtures/*.sql: every relation of every statement accounted for', () => {
    const sql = readFileSync(join(packageRoot(), 'test', 'fixtures', 'pg-features.sql'), 'utf8')
    const detailed = analyzePgDetailed(sql)
    expect(detailed.length).toBeGreaterThan(10)
    expect(detailed.filter((d) => d.unaccounted.length).map((d) => d.unaccounted)).toEqual([])
  })

  const corporaDir = process.env.CARVE_CORPORA_DIR ?? resolve(packageRoot(), '..', 'shared', 'corpora')
  const schemas = existsSync(corporaDir) ? readdirSync(corporaDir).filter((d) => existsSync(join(corporaDir, d, 'schema.sql'))).sort() : []
  if (schemas.length === 0) console.warn(`[carve tests] SKIPPING the invariant on real schemas: no corpora at ${corporaDir}`)
  it.skipIf(schemas.length === 0)('../shared/corpora/*/schema.sql (real DDL, views, functions): every relation accounted for', () => {
    let statements = 0
    const violations: string[] = []
    for (const name of schemas) {
      for (const d of analyzePgDetailed(readFileSync(join(corporaDir, name, 'schema.sql'), 'utf8'))) {
        statements++
        if (d.unaccounted.length) violations.push(`${name}: ${d.unaccounted.join(', ')}`)
      }
    }
    console.log(`[sql-corpus] relation invariant on ${schemas.length} real schemas: ${statements} statements, ${violations.length} violations`)
    expect(statements).toBeGreaterThan(1000)
    expect(violations).toEqual([])
  })

  const logs = ['postgresql.csv', 'postgresql.log.gz', 'postgresql.json.gz', 'mariadb-general.log']
  for (const log of logs) {
    it(`examples/shop/logs/${log}: no statement needed a fallback to place its tables`, async () => {
      const w = await ingest({files: [join(exampleDir('shop'), 'logs', log)], workers: 1})
      expect(w.totals.parsedCalls).toBeGreaterThan(1000)
      expect(w.totals.approximateCalls ?? 0).toBe(0)
      expect(w.statements.filter((s) => s.approximate).map((s) => s.text)).toEqual([])
    })
  }
})

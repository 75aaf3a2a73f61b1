/**
 * Real-world schemas (../shared/corpora/*): loaded and inspected, Carve must report exactly the
 * tables, columns, primary keys and foreign keys their schema.json lists. On PGlite always, on a
 * real PostgreSQL server when CARVE_TEST_PG_URL is set. Skips, visibly, without ../shared.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {openPostgres} from '../src/db/postgres.js'
import {inspect} from '../src/introspect/index.js'
import {packageRoot} from '../src/paths.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

interface CorpusJson {
  name: string
  tables: {
    name: string
    columns: {name: string; type: string; nullable: boolean}[]
    primaryKey: string[]
    foreignKeys: {columns: string[]; refTable: string; refColumns: string[]}[]
  }[]
}

const CORPORA_DIR = process.env.CARVE_CORPORA_DIR ?? resolve(packageRoot(), '..', 'shared', 'corpora')
const corpora = existsSync(CORPORA_DIR)
  ? readdirSync(CORPORA_DIR).filter((d) => existsSync(join(CORPORA_DIR, d, 'schema.sql'))).sort()
  : []

if (corpora.length === 0) {
  console.warn(`[carve tests] SKIPPING corpus tests: no corpora at ${CORPORA_DIR} (set CARVE_CORPORA_DIR)`)
}

const fkKey = (fk: {columns: string[]; refTable: string; refColumns: string[]}) =>
  `${fk.columns.join(',')}→${fk.refTable}(${fk.refColumns.join(',')})`

/**
 * One fresh database per corpus: on a server with default settings a single `drop schema public
 * cascade` of erpnext's 484 tables exceeds max_locks_per_transaction ("out of shared memory"),
 * so corpora never share a database there.
 */
function corpusSuite(engine: string, open: (corpus: string) => Promise<{conn: Connection; cleanup: () => Promise<void>}>) {
  describe.skipIf(corpora.length === 0)(`real-world corpora on ${engine}`, () => {
    for (const name of corpora) {
      it(`${name}: exactly the tables, columns, keys and foreign keys of schema.json`, async () => {
        const expected = JSON.parse(readFileSync(join(CORPORA_DIR, name, 'schema.json'), 'utf8')) as CorpusJson
        const {conn, cleanup} = await open(name)
        try {
          await conn.exec(readFileSync(join(CORPORA_DIR, name, 'schema.sql'), 'utf8'))
          const catalog = await inspect(conn, {schemas: ['public']})

          expect(catalog.tables.map((t) => t.name).sort()).toEqual(expected.tables.map((t) => t.name).sort())
          for (const want of expected.tables) {
            const got = catalog.tables.find((t) => t.name === want.name)!
            expect(got.columns.map((c) => [c.name, c.type, c.nullable]), `${want.name} columns`).toEqual(
              want.columns.map((c) => [c.name, c.type, c.nullable]),
            )
            expect(got.primaryKey, `${want.name} primary key`).toEqual(want.primaryKey)
            expect(got.foreignKeys.map(fkKey).sort(), `${want.name} foreign keys`).toEqual(want.foreignKeys.map(fkKey).sort())
            expect(got.foreignKeys.every((fk) => fk.refSchema === 'public')).toBe(true)
          }
          const fkTotal = catalog.tables.reduce((n, t) => n + t.foreignKeys.length, 0)
          expect(fkTotal).toBe(expected.tables.reduce((n, t) => n + t.foreignKeys.length, 0))
        } finally {
          await conn.close()
          await cleanup()
        }
        // Loading erpnext into PGlite took 95 s on a busy 2-core machine: a roomy budget, not a target.
      }, 300_000)
    }
  })
}

corpusSuite('PGlite', async () => ({conn: await openPglite(null), cleanup: async () => {}}))

if (PG_URL) {
  corpusSuite('PostgreSQL server', async (corpus) => {
    const db = await createPgDatabase(`corpus_${corpus}`)
    return {conn: await openPostgres(db.url), cleanup: db.drop}
  })
} else {
  announceSkip('PostgreSQL')
}

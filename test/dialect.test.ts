/**
 * The execution dialects (src/db/dialect/): PostgreSQL scripts are cut by PostgreSQL's own parser
 * (libpg-query), so a `BEGIN ATOMIC … END` function body — which the hand-written splitter of
 * workload/mask.ts cuts at its inner semicolons — stays one statement, and offsets still point
 * into the script (UTF-8 before it included). Then such a step runs through the executor, as one
 * transaction and statement by statement, on PGlite and (CARVE_TEST_PG_URL) a PostgreSQL server.
 */
import {rmSync} from 'node:fs'

import {afterAll, describe, expect, it} from 'vitest'

import type {Connection} from '../src/db/connection.js'
import {dialectOf, dialectOfEngine} from '../src/db/dialect/index.js'
import {applyPlan, defaultExecuteOptions, rollbackPlan, verifyPlan, type ExecuteOptions} from '../src/execute/executor.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {splitStatements} from '../src/workload/mask.js'
import {writePlan} from './support/plan-fixture.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

const ATOMIC = `-- Prix_€: a comment with multi-byte text before the statements
CREATE TABLE public.prices (id int PRIMARY KEY, amount numeric NOT NULL);
CREATE FUNCTION public.price_total() RETURNS numeric LANGUAGE sql
BEGIN ATOMIC
  SELECT coalesce(sum(amount), 0) FROM public.prices;
END;
/* 'é;' */ INSERT INTO public.prices VALUES (1, 2.5), (2, 4);
`

describe('statement splitting', () => {
  const pg = dialectOfEngine('postgres')

  it('keeps a BEGIN ATOMIC body whole (the hand-written splitter cannot)', async () => {
    const statements = await pg.splitStatements(ATOMIC)
    expect(statements.map((s) => s.text.split('\n')[0])).toEqual([
      'CREATE TABLE public.prices (id int PRIMARY KEY, amount numeric NOT NULL)',
      'CREATE FUNCTION public.price_total() RETURNS numeric LANGUAGE sql',
      'INSERT INTO public.prices VALUES (1, 2.5), (2, 4)',
    ])
    expect(statements[1]!.text.endsWith('END')).toBe(true)
    // Offsets are JavaScript string indexes, though the parser counts UTF-8 bytes.
    for (const s of statements) expect(ATOMIC.indexOf(s.text, s.offset)).toBe(s.offset)
    expect(splitStatements(ATOMIC, 'postgres').length).toBeGreaterThan(3)
  })

  it('cuts a script the parser refuses at top-level semicolons (the server then names the error)', async () => {
    expect((await pg.splitStatements("SELECT 1; SELEC 'a;b'; SELECT 3")).map((s) => s.text)).toEqual(['SELECT 1', "SELEC 'a;b'", 'SELECT 3'])
  })

  it('MySQL/MariaDB: top-level semicolons, # comments and backslash escapes', async () => {
    const my = dialectOfEngine('mysql')
    expect((await my.splitStatements("SELECT 'a\\';b'; # x;\nSELECT `c;d`")).map((s) => s.text)).toEqual(["SELECT 'a\\';b'", '# x;\nSELECT `c;d`'])
    expect(my.transactionalDdl).toBe(false)
    expect(pg.transactionalDdl).toBe(true)
  })
})

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

function options(): ExecuteOptions {
  return {...defaultExecuteOptions(), retryBaseMs: 20, lockWaitMs: 2000, onEvent: () => {}}
}

const targets: {name: string; open: () => Promise<Connection>; cleanup?: () => Promise<void>}[] = [{name: 'PGlite', open: async () => (await import('../src/db/pglite.js')).openPglite(null)}]
let server: Awaited<ReturnType<typeof createPgDatabase>> | undefined
if (PG_URL) {
  targets.push({
    name: 'PostgreSQL',
    open: async () => {
      server = await createPgDatabase('dialect')
      return (await import('../src/db/postgres.js')).openPostgres(server.url)
    },
    cleanup: async () => server?.drop(),
  })
} else announceSkip('PostgreSQL')

describe.each(targets)('a step with a BEGIN ATOMIC function on $name', (target) => {
  for (const transactional of [true, false]) {
    it(`applies, verifies and rolls back (transactional: ${transactional})`, async () => {
      const conn = await target.open()
      try {
        expect(dialectOf(conn).engine).toBe('postgres')
        const dir = writePlan(
          [
            {
              id: '001-prices',
              up: ATOMIC,
              verify: `DO $$ BEGIN IF public.price_total() <> 6.5 THEN RAISE EXCEPTION 'carve verify: total is %', public.price_total(); END IF; END $$;`,
              down: 'DROP FUNCTION IF EXISTS public.price_total();\nDROP TABLE IF EXISTS public.prices;',
              transactional,
            },
          ],
          {name: `atomic-${transactional}`},
        )
        dirs.push(dir)
        const plan = loadPlan(dir)
        const applied = await applyPlan(conn, plan, options())
        expect(applied.applied.map((a) => a.id)).toEqual(['001-prices'])
        expect((await conn.query<{t: string}>('SELECT public.price_total()::text AS t'))[0]!.t).toBe('6.5')
        expect((await verifyPlan(conn, plan, options())).ok).toBe(true)
        await rollbackPlan(conn, plan, {...options(), all: true})
        expect(await conn.query(`SELECT 1 FROM pg_proc WHERE proname = 'price_total'`)).toEqual([])
      } finally {
        await conn.close()
        await target.cleanup?.()
      }
    })
  }
})

/**
 * The shipped example, examples/shop: it loads into the embedded PostgreSQL, tells the story its
 * README promises (contexts, cross-context FKs, tenant scoping, SCD2, deprecated tables, views,
 * audit trigger), its contexts.yml covers every table exactly once, and the same catalog and the
 * same data come out of PGlite and a real PostgreSQL server.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import type {Connection} from '../src/db/connection.js'
import {exampleDir, loadExample} from '../src/db/examples.js'
import {openTarget} from '../src/db/open.js'
import {openPostgres} from '../src/db/postgres.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {announceSkip, createPgDatabase, PG_URL} from './support/servers.js'

interface ContextsFile {
  contexts: {name: string; owner: string; tables: string[]}[]
  shared_reference: {owner: string; tables: string[]}
  deprecated: string[]
}

const contextsFile = parse(readFileSync(join(exampleDir('shop'), 'contexts.yml'), 'utf8')) as ContextsFile
const contextOf = new Map<string, string>()
for (const c of contextsFile.contexts) for (const t of c.tables) contextOf.set(t, c.name)
for (const t of contextsFile.shared_reference.tables) contextOf.set(t, 'shared_reference')
for (const t of contextsFile.deprecated) contextOf.set(t, 'deprecated')

/** Row checksums of every table, to compare data between servers. */
async function dataChecksums(conn: Connection, catalog: Catalog): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const t of catalog.tables.filter((x) => x.kind === 'table')) {
    const q = `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`
    const [row] = await conn.query<{n: string; h: string}>(
      `select count(*)::text as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${q} x`,
    )
    out[t.name] = `${row!.n}:${row!.h}`
  }
  return out
}

/** The catalog without what legitimately differs between servers and versions. */
function comparable(catalog: Catalog) {
  return {
    schemas: catalog.schemas,
    tables: catalog.tables.map(({sizeBytes: _s, estimatedRows: _r, ...t}) => t),
    views: catalog.views.map(({definition: _d, ...v}) => v),
    functions: catalog.functions,
    sequences: catalog.sequences,
    enums: catalog.enums,
    inferredReferences: catalog.inferredReferences,
  }
}

describe('examples/shop on the embedded PostgreSQL', () => {
  let conn: Connection
  let catalog: Catalog
  beforeAll(async () => {
    conn = await openTarget({kind: 'example', name: 'shop'})
    catalog = await inspect(conn)
  })
  afterAll(async () => conn?.close())

  const table = (name: string) => catalog.tables.find((t) => t.name === name)!

  it('is a realistic shared database: ≥ 45 tables in public, thousands of rows', () => {
    expect(catalog.schemas).toEqual(['public'])
    const tables = catalog.tables.filter((t) => !t.partitionOf)
    expect(tables.length).toBeGreaterThanOrEqual(45)
    const rows = catalog.tables.reduce((n, t) => n + (t.estimatedRows ?? 0), 0)
    expect(rows).toBeGreaterThan(50_000)
    expect(tables.filter((t) => t.comment).length).toBeGreaterThan(20)
    expect(tables.every((t) => t.primaryKey.length > 0 || t.flags.deprecated)).toBe(true)
  })

  it('has foreign keys inside and across the intended contexts, and references without FKs', () => {
    let inside = 0
    let across = 0
    for (const t of catalog.tables) for (const fk of t.foreignKeys) {
      const a = contextOf.get(t.partitionOf?.name ?? t.name)
      const b = contextOf.get(fk.refTable)
      if (a === b) inside++
      else across++
    }
    expect(inside).toBeGreaterThan(15)
    expect(across).toBeGreaterThan(15)
    expect(new Set(catalog.tables.flatMap((t) => t.foreignKeys.map((fk) => fk.onDelete)))).toEqual(new Set(['cascade', 'set null', 'restrict', 'no action']))
    expect(catalog.inferredReferences.length).toBeGreaterThanOrEqual(3)
  })

  it('has tenant-scoped, effective-dated and deprecated tables', () => {
    expect(catalog.tables.filter((t) => t.flags.tenantColumn === 'tenant_id').length).toBeGreaterThanOrEqual(8)
    expect(table('user_attributes').flags.scd2).toEqual({from: 'st_dt', to: 'e_dt'})
    expect(catalog.tables.filter((t) => t.flags.scd2).length).toBeGreaterThanOrEqual(2)
    expect(catalog.tables.filter((t) => t.flags.deprecated).map((t) => t.name).sort()).toEqual([...contextsFile.deprecated].sort())
  })

  it('has identity and serial columns, sequences, an enum, views across contexts, an audit trigger and functions', () => {
    const columns = catalog.tables.flatMap((t) => t.columns)
    expect(columns.some((c) => c.identity === 'always')).toBe(true)
    expect(columns.some((c) => c.identity === 'by default')).toBe(true)
    expect(columns.some((c) => c.default?.startsWith('nextval('))).toBe(true)
    expect(columns.some((c) => c.generated)).toBe(true)
    expect(catalog.sequences.some((s) => s.ownedBy === null)).toBe(true)
    expect(catalog.enums.length).toBeGreaterThanOrEqual(1)
    const crossContextView = catalog.views.find((v) => new Set(v.dependsOn.map((d) => contextOf.get(d.name))).size >= 4)
    expect(crossContextView, 'a reporting view joining ≥ 4 contexts').toBeDefined()
    expect(catalog.views.some((v) => v.materialized)).toBe(true)
    const audited = catalog.tables.filter((t) => t.triggers.some((tr) => tr.function?.name === 'audit_row_change'))
    expect(audited.length).toBeGreaterThanOrEqual(2)
    expect(catalog.functions.filter((f) => f.name !== 'audit_row_change').length).toBeGreaterThanOrEqual(1)
  })

  it('contexts.yml lists every table exactly once, and nothing else', () => {
    const listed = [
      ...contextsFile.contexts.flatMap((c) => c.tables),
      ...contextsFile.shared_reference.tables,
      ...contextsFile.deprecated,
    ]
    expect(listed.length).toBe(new Set(listed).size)
    expect([...listed].sort()).toEqual(catalog.tables.filter((t) => !t.partitionOf).map((t) => t.name).sort())
    expect(contextsFile.contexts.map((c) => c.name).sort()).toEqual(
      ['audit', 'auth', 'availability', 'billing', 'catalog', 'memberships', 'orders', 'payments', 'pricing', 'rbac', 'ums'],
    )
  })

  describe.skipIf(!PG_URL)('and on a real PostgreSQL server', () => {
    let server: Connection
    let serverCatalog: Catalog
    let drop: () => Promise<void>
    beforeAll(async () => {
      const db = await createPgDatabase('shop')
      drop = db.drop
      server = await openPostgres(db.url)
      await loadExample(server, 'shop')
      serverCatalog = await inspect(server)
    })
    afterAll(async () => {
      await server?.close()
      await drop?.()
    })

    it('gives the same catalog as PGlite (modulo server-version details)', () => {
      expect(comparable(serverCatalog)).toEqual(comparable(catalog))
      // Row estimates come from ANALYZE samples; exact for small tables, close for large ones.
      for (const t of catalog.tables) {
        const s = serverCatalog.tables.find((x) => x.name === t.name)!
        if (t.estimatedRows !== null && s.estimatedRows !== null) expect(Math.abs(s.estimatedRows - t.estimatedRows)).toBeLessThanOrEqual(Math.max(10, t.estimatedRows * 0.1))
      }
    })

    it('holds exactly the same rows (the seed is deterministic)', async () => {
      expect(await dataChecksums(server, serverCatalog)).toEqual(await dataChecksums(conn, catalog))
    })
  })
  if (!PG_URL) announceSkip('PostgreSQL')
})

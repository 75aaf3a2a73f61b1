/** The CLI as a user runs it: help, exit codes, the example, JSON on stdout. */
import {describe, expect, it} from 'vitest'

import {hasStackTrace, runCarve} from './support/cli.js'

describe('carve CLI', () => {
  it('--help teaches: commands, examples, connection flags', async () => {
    const root = await runCarve(['--help'])
    expect(root.code).toBe(0)
    for (const command of ['demo', 'inspect', 'example']) expect(root.stdout).toContain(command)
    const help = await runCarve(['inspect', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/EXAMPLES/)
    expect(help.stdout).toMatch(/--example shop/)
    expect(help.stdout).toMatch(/DATABASE_URL/)
  })

  it('carve inspect --example shop prints the summary', async () => {
    const r = await runCarve(['inspect', '--example', 'shop'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^\d+ tables \(/m)
    expect(r.stdout).toMatch(/foreign keys, \d+ inferred references/)
    expect(r.stdout).toMatch(/effective-dated \(SCD2\): .*user_attributes \(st_dt\/e_dt\)/)
    expect(r.stdout).toMatch(/tenant-scoped: /)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })

  it('--json prints only the catalog on stdout', async () => {
    const r = await runCarve(['inspect', '--example', 'shop', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const catalog = JSON.parse(r.stdout)
    expect(catalog.format).toBe('carve.catalog/v1')
    expect(catalog.tables.length).toBeGreaterThanOrEqual(45)
    for (const t of catalog.tables) expect(Object.keys(t)).toEqual(expect.arrayContaining(['schema', 'name', 'columns', 'primaryKey', 'foreignKeys']))
    expect(r.stderr).toBe('')
  })

  it('carve demo runs on the embedded example', async () => {
    const r = await runCarve(['demo'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Discover/)
    expect(r.stdout).toMatch(/demo finished in/)
  })

  it('carve example list / load --print', async () => {
    const list = await runCarve(['example', 'list', '--json'])
    expect(JSON.parse(list.stdout).examples.map((e: {name: string}) => e.name)).toContain('shop')
    const sql = await runCarve(['example', 'load', 'shop', '--print'])
    expect(sql.code).toBe(0)
    expect(sql.stdout).toMatch(/CREATE TABLE/i)
  })
})

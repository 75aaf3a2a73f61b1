/** carve.yml: validation with file:line errors, atomic save, round trip, diff, keeping names. */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {type BoundariesFile, boundariesJsonSchema, diffBoundaries, emptyBoundaries, keepNames, loadBoundaries, saveBoundaries} from '../src/boundaries/file.js'
import type {Proposal} from '../src/boundaries/model.js'
import {designedBoundaries, exampleBoundaries} from '../src/boundaries/example-contexts.js'
import {exampleDir} from '../src/db/examples.js'

const dir = mkdtempSync(join(tmpdir(), 'carve-boundaries-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const write = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

const sample: BoundariesFile = {
  version: 1,
  contexts: [
    {name: 'orders', owner: 'orders-service', description: 'What customers asked for', tables: ['orders', 'order_lines']},
    {name: 'billing', owner: null, description: '', tables: ['invoices']},
  ],
  pins: {orders: 'orders'},
  classifications: {countries: 'shared-reference'},
  exceptions: [{consumer: 'reporting', table: 'orders', access: 'read', approved_by: 'ana@example.com', expires: '2027-03-31', exit_plan: 'orders read model'}],
}

describe('the boundaries file', () => {
  it('a missing file is empty; save then load round-trips', () => {
    expect(loadBoundaries(join(dir, 'none.yml'))).toEqual(emptyBoundaries())
    const p = join(dir, 'carve.yml')
    saveBoundaries(p, sample)
    // The first line points editors at the schema saved beside the file; loading ignores it.
    expect(readFileSync(p, 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\/carve\.schema\.json\n# Carve boundaries/)
    expect(JSON.parse(readFileSync(join(dir, 'carve.schema.json'), 'utf8'))).toEqual(boundariesJsonSchema())
    expect(loadBoundaries(p)).toEqual(sample)
  })

  it('errors name the line and the field', () => {
    const bad = write('bad.yml', 'version: 1\ncontexts:\n  - name: Orders Team\n    tables: [orders]\n')
    expect(() => loadBoundaries(bad)).toThrow(/bad\.yml:3: contexts\.0\.name: use lower-case letters/)
    const dup = write('dup.yml', 'version: 1\ncontexts:\n  - name: a\n    tables: [x]\n  - name: b\n    tables: [y, x]\n')
    expect(() => loadBoundaries(dup)).toThrow(/dup\.yml:6: contexts\.1\.tables\.1: table "x" is already in context "a"/)
    const pin = write('pin.yml', 'version: 1\npins:\n  orders: nowhere\n')
    expect(() => loadBoundaries(pin)).toThrow(/pins\.orders: pinned to "nowhere"/)
    const exp = write('exp.yml', 'version: 1\nexceptions:\n  - {consumer: r, table: t, access: read, approved_by: a, expires: soon, exit_plan: x}\n')
    expect(() => loadBoundaries(exp)).toThrow(/exceptions\.0\.expires: use a date/)
    expect(() => loadBoundaries(write('yaml.yml', 'version: [1\n'))).toThrow(/not valid YAML/)
    expect(() => loadBoundaries(write('key.yml', 'version: 1\ncontext: []\n'))).toThrow(/Unrecognized key/)
  })

  it('diff lists moved, new and gone tables', () => {
    const next: BoundariesFile = {...sample, contexts: [{name: 'orders', owner: null, description: '', tables: ['orders']}, {name: 'billing', owner: null, description: '', tables: ['invoices', 'order_lines', 'credit_notes']}]}
    expect(diffBoundaries(sample, next)).toEqual([
      {table: 'credit_notes', from: null, to: 'billing'},
      {table: 'order_lines', from: 'orders', to: 'billing'},
    ])
  })

  it('re-running keeps the names the file gave to contexts', () => {
    const proposal = {
      contexts: [{name: 'c-1', tables: ['invoices', 'credit_notes']}, {name: 'order', tables: ['orders', 'order_lines']}, {name: 'billing', tables: ['carts']}],
      tables: [{table: 'carts', context: 'billing'}], couplings: [{from: 'c-1', to: 'order'}],
    } as unknown as Proposal
    const kept = keepNames(proposal, sample)
    expect(kept.contexts.map((c) => c.name)).toEqual(['billing', 'orders', 'billing-2'])
    expect(kept.tables[0]!.context).toBe('billing-2')
    expect(kept.couplings[0]).toMatchObject({from: 'billing', to: 'orders'})
  })

  it('the example\'s committed carve.yml is a valid boundaries file saying what its designers intended', () => {
    const path = join(exampleDir('shop'), 'carve.yml')
    const committed = loadBoundaries(path)
    // contexts.yml is the designers' answer sheet; carve.yml the team's file plan and assess read.
    expect(committed).toEqual(designedBoundaries(exampleDir('shop')))
    expect(exampleBoundaries(exampleDir('shop'))).toEqual(committed)
    // Saving it again gives the same bytes: it is exactly what discover --yes writes.
    const copy = join(dir, 'shop.yml')
    saveBoundaries(copy, committed)
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(path, 'utf8'))
  })
})

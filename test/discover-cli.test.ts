/** `carve discover` as a user runs it without a terminal: --yes, --json, exports, re-runs, bad files. */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {loadBoundaries} from '../src/boundaries/file.js'
import {hasStackTrace, runCarve} from './support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'carve-discover-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('carve discover (no terminal)', () => {
  it('--yes --json on the example: the designers\' contexts, carve.yml and every export written', async () => {
    const r = await runCarve(['discover', '--example', 'shop', '--yes', '--json', '--export', 'mermaid', '--export', 'dbml', '--export', 'graphml', '--export', 'gexf', '--export', 'json'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    const proposal = JSON.parse(r.stdout)
    for (const c of proposal.contexts) expect(Object.keys(c)).toEqual(expect.arrayContaining(['name', 'owner', 'tables']))
    const design = parse(readFileSync(join(import.meta.dirname, '..', 'examples', 'shop', 'contexts.yml'), 'utf8')) as {contexts: {name: string; owner: string; tables: string[]}[]}
    for (const intended of design.contexts) {
      const found = proposal.contexts.find((c: {name: string}) => c.name === intended.name)
      expect(found, intended.name).toBeDefined()
      expect([...found.tables].sort()).toEqual([...intended.tables].sort())
      expect(found.owner).toBe(intended.owner)
    }
    const file = loadBoundaries(join(dir, 'carve.yml'))
    expect(file.contexts.map((c) => c.name).sort()).toEqual(proposal.contexts.map((c: {name: string}) => c.name).sort())
    for (const f of ['README.md', 'context-map.mmd', 'er/orders.mmd', 'contexts.dbml', 'tables.graphml', 'tables.gexf', 'proposal.json']) {
      expect(existsSync(join(dir, 'carve-discovery', f)), f).toBe(true)
    }
    expect(readFileSync(join(dir, 'carve-discovery', 'README.md'), 'utf8')).toMatch(/```mermaid\nflowchart LR/)
  })

  it('a re-run respects the file: nothing changes, and it says so', async () => {
    const r = await runCarve(['discover', '--example', 'shop', '--no-interactive'], {cwd: dir})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/No change to carve\.yml/)
  })

  it('signal weights are configurable, and a wrong one is a usage error naming the signals', async () => {
    const bad = await runCarve(['discover', '--example', 'shop', '--weight', 'nmae=2', '--json'], {cwd: dir})
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stdout).error.hint).toMatch(/signals: fk, inferred, .*hubDamping/)
    const schemaOnly = await runCarve(['discover', '--example', 'shop', '--schema-only', '--json', '--file', 'none.yml', '--weight', 'name=0', '--weight', 'nameContains=0'], {cwd: dir})
    const withNames = await runCarve(['discover', '--example', 'shop', '--schema-only', '--json', '--file', 'none.yml'], {cwd: dir})
    expect(schemaOnly.code, schemaOnly.stderr).toBe(0)
    expect(JSON.parse(schemaOnly.stdout).contexts).not.toEqual(JSON.parse(withNames.stdout).contexts)
  })

  it('a broken boundaries file: exit 2, file:line and field, no stack trace', async () => {
    writeFileSync(join(dir, 'broken.yml'), 'version: 1\ncontexts:\n  - name: Bad Name\n')
    const r = await runCarve(['discover', '--example', 'shop', '--file', 'broken.yml', '--yes'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/broken\.yml:3: contexts\.0\.name: use lower-case/)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })
})

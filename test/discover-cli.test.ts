/** `carve discover` as a user runs it without a terminal: --yes, --json, exports, re-runs, bad files. */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
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
    // Without a carve.yml the example starts from its committed one, and discovery recovers it:
    // what it writes is that file, byte for byte, so plan and assess read the same contexts.
    expect(readFileSync(join(dir, 'carve.yml'), 'utf8')).toBe(readFileSync(join(import.meta.dirname, '..', 'examples', 'shop', 'carve.yml'), 'utf8'))
    // Its first line points editors at the schema written beside it, which accepts the file and
    // rejects what Carve rejects (checked by an independent validator, ajv, draft 2020-12).
    expect(readFileSync(join(dir, 'carve.yml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./carve.schema.json')
    const validate = new Ajv2020({strict: false, allErrors: true}).compile(JSON.parse(readFileSync(join(dir, 'carve.schema.json'), 'utf8')))
    expect(validate(parse(readFileSync(join(dir, 'carve.yml'), 'utf8'))), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({version: 1, contexts: [{name: 'Bad Name', tables: []}]})).toBe(false)
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
  }, 180_000)

  it('a file naming a table that does not exist: exit 2 with file:line; an unowned context stays unowned, with a warning', async () => {
    const example = readFileSync(join(import.meta.dirname, '..', 'examples', 'shop', 'carve.yml'), 'utf8')
    writeFileSync(join(dir, 'typo.yml'), example.replace('      - refresh_tokens\n', '      - refresh_token\n'))
    const typo = await runCarve(['discover', '--example', 'shop', '--schema-only', '--file', 'typo.yml', '--yes'], {cwd: dir})
    expect(typo.code).toBe(2)
    expect(typo.stderr).toMatch(/typo\.yml:\d+: contexts\.0\.tables\.3: table "refresh_token" does not exist/)
    expect(hasStackTrace(typo.stderr)).toBe(false)
    writeFileSync(join(dir, 'unowned.yml'), example.replace('    owner: audit-service\n', '    owner: null\n'))
    const unowned = await runCarve(['discover', '--example', 'shop', '--schema-only', '--file', 'unowned.yml', '--yes'], {cwd: dir})
    expect(unowned.code, unowned.stderr).toBe(0)
    // From the schema alone nothing proposes owners: the unowned contexts stay unowned (no
    // invented service), each named in the warning; the owners people set are kept.
    const written = loadBoundaries(join(dir, 'unowned.yml'))
    const nulls = written.contexts.filter((c) => c.owner === null).map((c) => c.name)
    expect(nulls.length).toBeGreaterThan(0)
    expect(unowned.stderr).toMatch(new RegExp(`warning: ${nulls.length} contexts? (has|have) no owner \\(${nulls.slice(0, 5).join(', ')}`))
    const decided = new Set(loadBoundaries(join(import.meta.dirname, '..', 'examples', 'shop', 'carve.yml')).contexts.map((c) => c.owner))
    for (const c of written.contexts) if (c.owner !== null) expect(decided, c.name).toContain(c.owner)
  }, 180_000)

  it('a broken boundaries file: exit 2, file:line and field, no stack trace', async () => {
    writeFileSync(join(dir, 'broken.yml'), 'version: 1\ncontexts:\n  - name: Bad Name\n')
    const r = await runCarve(['discover', '--example', 'shop', '--file', 'broken.yml', '--yes'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/broken\.yml:3: contexts\.0\.name: use lower-case/)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })
})

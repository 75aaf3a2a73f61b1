/**
 * `carve schema`: the JSON Schemas editors use for carve.yml and plan.yml accept the files Carve
 * writes (the committed example plan and boundaries) and reject what Carve's validator rejects
 * field by field — checked with an independent JSON Schema validator (ajv, draft 2020-12).
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {packageRoot} from '../src/paths.js'
import {jsonSchemaOf} from '../src/schemas/json-schema.js'
import {runCarve} from './support/cli.js'

const root = packageRoot()
const compile = (file: 'carve.yml' | 'plan.yml') => new Ajv2020({strict: false, allErrors: true}).compile(jsonSchemaOf(file))

describe('JSON Schemas of carve.yml and plan.yml', () => {
  it('accept the committed example plan and reject a broken one', () => {
    const validate = compile('plan.yml')
    const plan = parse(readFileSync(join(root, 'plans', 'shop', 'plan.yml'), 'utf8'))
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true)

    const broken = structuredClone(plan)
    broken.steps[0].kind = 'teleport-table'
    delete broken.steps[1].checksums
    broken.surprise = true
    expect(validate(broken)).toBe(false)
    const paths = validate.errors!.map((e) => e.instancePath)
    expect(paths).toContain('/steps/0/kind')
    expect(paths).toContain('/steps/1')
  })

  it('every plan folder carries its schema, and plan.yml points editors at it', () => {
    const dir = join(root, 'plans', 'shop')
    expect(readFileSync(join(dir, 'plan.yml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./plan.schema.json')
    expect(JSON.parse(readFileSync(join(dir, 'plan.schema.json'), 'utf8'))).toEqual(jsonSchemaOf('plan.yml'))
  })

  it('the example carve.yml points editors at the carve.schema.json beside it, which is the current schema', () => {
    const dir = join(root, 'examples', 'shop')
    expect(readFileSync(join(dir, 'carve.yml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./carve.schema.json')
    expect(JSON.parse(readFileSync(join(dir, 'carve.schema.json'), 'utf8'))).toEqual(jsonSchemaOf('carve.yml'))
  })

  it('accept boundaries files Carve writes and reject unknown fields and bad names', () => {
    const validate = compile('carve.yml')
    const files = ['examples/shop/carve.yml'].filter((f) => existsSync(join(root, f)))
    for (const f of files) expect(validate(parse(readFileSync(join(root, f), 'utf8'))), f).toBe(true)
    const good = {version: 1, contexts: [{name: 'orders', owner: 'orders-service', tables: ['orders']}]}
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({...good, contexts: [{name: 'Orders Context', tables: []}]})).toBe(false)
    expect(validate({...good, exceptions: [{consumer: 'x', table: 'orders', access: 'delete'}]})).toBe(false)
    expect(validate({...good, version: 2})).toBe(false)
  })

  it('carve schema prints them; an unknown file name is a usage error', async () => {
    const ok = await runCarve(['schema', 'plan.yml'])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({$schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object'})
    const bad = await runCarve(['schema', 'nope.yml'])
    expect(bad.code).toBe(2)
  })
})

/**
 * The contracts a plan publishes per context: the OpenAPI documents lint clean with Redocly's
 * recommended rules and name servers and a license; the AsyncAPI 3.0 documents parse without
 * errors in the AsyncAPI parser; and the events the applied outbox really emits (triggers on the
 * embedded example, one insert, update and delete) validate against the AsyncAPI payload schema.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Parser} from '@asyncapi/parser'
import {createConfig, lintFromString} from '@redocly/openapi-core'
import {Ajv2020} from 'ajv/dist/2020.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import type {Connection} from '../src/db/connection.js'
import {openTarget} from '../src/db/open.js'
import {applyPlan, defaultExecuteOptions} from '../src/execute/executor.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {generatePlan} from '../src/plan/generate.js'
import type {GeneratedPlan} from '../src/plan/model.js'
import {writePlan} from '../src/plan/write.js'
import {tempDir} from './support/plan-fixture.js'
import {shopBoundaries, shopCatalog, shopWorkload} from './support/shop-plan-input.js'

describe('plan contracts: OpenAPI and AsyncAPI per context', () => {
  let plan: GeneratedPlan
  beforeAll(async () => {
    const [catalog, workload] = await Promise.all([shopCatalog(), shopWorkload()])
    // The trigger outbox: its rows are the events checked against the AsyncAPI document below.
    plan = generatePlan(catalog, shopBoundaries(), workload, {name: 'shop', targetLevel: 4, conventions: {outboxDelivery: 'trigger'}})
  }, 180_000)

  const filesNamed = (suffix: string) => [...plan.files.entries()].filter(([path]) => path.endsWith(suffix))

  it('every OpenAPI document lints without errors (Redocly recommended) and has servers and a license', async () => {
    const docs = filesNamed('/api/openapi.yaml')
    expect(docs.length).toBeGreaterThan(5)
    const config = await createConfig({extends: ['recommended']})
    for (const [path, text] of docs) {
      const problems = await lintFromString({source: text, absoluteRef: path, config})
      const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)
      expect(errors, path).toEqual([])
      const doc = parse(text)
      expect(doc.servers?.length, path).toBeGreaterThan(0)
      expect(doc.info.license?.name, path).toBeTruthy()
    }
  }, 120_000)

  it('every AsyncAPI document is valid AsyncAPI 3.0 with a channel and three messages per live table', async () => {
    const docs = filesNamed('/api/asyncapi.yaml')
    expect(docs.length).toBeGreaterThan(5)
    const parser = new Parser()
    for (const [path, text] of docs) {
      const {document, diagnostics} = await parser.parse(text)
      const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)
      expect(errors, path).toEqual([])
      expect(document!.version()).toBe('3.0.0')
      const context = path.split('/')[1]!
      const tables = plan.manifest.contexts.find((c) => c.name === context)!.tables
      expect(document!.channels().length, path).toBeGreaterThan(0)
      expect(document!.channels().length, path).toBeLessThanOrEqual(tables.length)
      for (const channel of document!.channels()) {
        expect(channel.address()).toMatch(new RegExp(`^${context}\\.`))
        expect(channel.messages().length).toBe(3)
      }
    }
  }, 120_000)

  describe('events emitted by the applied outbox match the AsyncAPI payload schema', () => {
    let conn: Connection
    let dir: string
    beforeAll(async () => {
      dir = tempDir()
      writePlan(dir, plan, {force: true})
      conn = await openTarget({kind: 'example', name: 'shop'})
    }, 120_000)
    afterAll(async () => {
      await conn?.close()
    })

    it('insert, update and delete on an owned table give events that validate', async () => {
      const loaded = loadPlan(dir)
      const outbox = loaded.manifest.steps.find((s) => s.kind === 'outbox' && s.context === 'catalog')
      expect(outbox, 'an outbox step for catalog').toBeDefined()
      await applyPlan(conn, loaded, {...defaultExecuteOptions(), to: outbox!.id})

      const doc = parse(readFileSync(join(dir, 'contexts', 'catalog', 'api', 'asyncapi.yaml'), 'utf8'))
      const ajv = new Ajv2020({strict: false, allErrors: true})
      ajv.addSchema({$id: 'events', components: doc.components})
      const [found] = await conn.query<{name: string}>(
        `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'catalog' and c.relkind in ('r','p') and c.relname = 'categories'`,
      )
      expect(found?.name).toBe('categories')
      const columns = await conn.query<{column_name: string; is_nullable: string; data_type: string}>(
        `select column_name, is_nullable, data_type from information_schema.columns where table_schema = 'catalog' and table_name = 'categories' order by ordinal_position`,
      )
      // Insert a copy of an existing row under a new key, update it, delete it: three events.
      const [{id} = {id: ''}] = await conn.query<{id: string}>(`select max(id)::text as id from catalog.categories`)
      const others = columns.filter((c) => c.column_name !== 'id')
      const list = others.map((c) => `"${c.column_name}"`).join(', ')
      // Text columns get a suffix, so unique names and slugs stay unique.
      const values = others.map((c) => (/^(text|character varying)$/.test(c.data_type) ? `"${c.column_name}" || '-copy'` : `"${c.column_name}"`)).join(', ')
      await conn.exec(`insert into catalog.categories (id, ${list}) select id + 100000, ${values} from catalog.categories where id = ${id}`)
      await conn.exec(`update catalog.categories set id = id where id = ${id} + 100000`)
      await conn.exec(`delete from catalog.categories where id = ${id} + 100000`)
      const events = await conn.query<Record<string, unknown>>(
        `select id::int as id, aggregate_type, aggregate_id, event_type, payload, to_json(created_at) #>> '{}' as created_at from catalog.outbox where aggregate_id = (${id} + 100000)::text order by id`,
      )
      expect(events.map((e) => e.event_type)).toEqual(['categories.created', 'categories.updated', 'categories.deleted'])
      const typeName = Object.keys(doc.components.schemas).find((k) => k.endsWith('Event') && doc.components.schemas[k].properties.aggregate_type.const === 'categories')!
      const validate = ajv.getSchema(`events#/components/schemas/${typeName}`)!
      for (const e of events) expect(validate(e), JSON.stringify(validate.errors)).toBe(true)
      // And a payload of the wrong shape is refused: the schema is not a rubber stamp.
      expect(validate({...events[0], payload: {...(events[0]!.payload as object), id: 'not a number'}})).toBe(false)
    }, 180_000)
  })
})

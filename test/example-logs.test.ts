/**
 * The example's captured logs (examples/shop/logs, real PostgreSQL and MariaDB captures):
 * ingesting them recovers the designers' ownership and shows the legacy violations, and the
 * three PostgreSQL formats of the same traffic give the same workload.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {exampleDir} from '../src/db/examples.js'
import {loadServiceMap} from '../src/workload/service-map.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'

const dir = exampleDir('shop')
const serviceMap = loadServiceMap(join(dir, 'logs', 'service-map.yml'))
const design = parse(readFileSync(join(dir, 'contexts.yml'), 'utf8')) as {
  contexts: {name: string; owner: string; tables: string[]}[]
  shared_reference: {owner: string; tables: string[]}
  deprecated: string[]
}
const intendedOwner = new Map<string, string>()
for (const c of design.contexts) for (const t of c.tables) intendedOwner.set(t, c.owner)
for (const t of design.shared_reference.tables) intendedOwner.set(t, design.shared_reference.owner)
const allTables = [...intendedOwner.keys(), ...design.deprecated]

const topWriter = (w: Workload, table: string) =>
  Object.entries(w.tables.find((t) => t.table === table)?.writers ?? {}).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0]

describe('examples/shop/logs', () => {
  let csv: Workload
  let stderr: Workload
  let json: Workload
  let mariadb: Workload
  beforeAll(async () => {
    const options = {serviceMap, knownTables: allTables, workers: 1}
    csv = await ingest({...options, files: [join(dir, 'logs', 'postgresql.csv')]})
    stderr = await ingest({...options, files: [join(dir, 'logs', 'postgresql.log.gz')]})
    json = await ingest({...options, files: [join(dir, 'logs', 'postgresql.json.gz')]})
    mariadb = await ingest({...options, files: [join(dir, 'logs', 'mariadb-general.log')]})
  })

  it('parses every statement of every capture', () => {
    for (const w of [csv, stderr, json, mariadb]) {
      expect(w.totals.calls).toBeGreaterThan(5000)
      expect(w.unparsed.calls).toBe(0)
      expect(w.services.find((s) => s.name === 'unknown')).toBeUndefined()
    }
  })

  it('stderr, csvlog and jsonlog of the same traffic give the same workload', () => {
    const same = (w: Workload) => ({totals: w.totals, access: w.access, joins: w.joins, transactions: w.transactions, tables: w.tables, services: w.services, window: w.window})
    expect(same(stderr)).toEqual(same(csv))
    expect(same(json)).toEqual(same(csv))
  })

  it('recovers the intended owner of every table written, on PostgreSQL and MariaDB', () => {
    for (const w of [csv, mariadb]) {
      const written = w.tables.filter((t) => Object.keys(t.writers).length && intendedOwner.has(t.table))
      expect(written.length).toBeGreaterThan(40)
      const wrong = written.filter((t) => topWriter(w, t.table) !== intendedOwner.get(t.table)).map((t) => `${t.table}: ${topWriter(w, t.table)} ≠ ${intendedOwner.get(t.table)}`)
      expect(wrong).toEqual([])
    }
  })

  it('shows the legacy violations as foreign writers', () => {
    const writers = (table: string) => Object.keys(csv.tables.find((t) => t.table === table)!.writers)
    expect(writers('user_credentials')).toContain('ums-service') // UMS writes credential rows
    expect(writers('user_profiles')).toContain('rbac-service') // RBAC updates profiles
    expect(writers('payments')).toContain('orders-service') // Orders marks payments paid
    for (const t of ['users', 'orders', 'products', 'roles']) expect(writers(t)).toContain('admin') // the admin monolith
    const reporting = csv.access.filter((a) => a.service === 'reporting')
    expect(reporting.every((a) => a.write === 0)).toBe(true)
    expect(reporting.length).toBeGreaterThan(20) // reports read everything
    expect(csv.tables.filter((t) => t.classification === 'shared-writers' || t.classification === 'common').length).toBeGreaterThan(15)
  })

  it('attributes by sqlcommenter tag, application_name and the service map', () => {
    const evidence = (name: string) => csv.services.find((s) => s.name === name)!.evidence
    expect(evidence('payments-service').sqlcommenter).toBeGreaterThan(0)
    expect(evidence('reference-data')).toEqual({'user-map': expect.any(Number)})
    expect(evidence('billing-service').application).toBeGreaterThan(0)
  })

  it('finds multi-table write transactions, some across contexts, and the untouched tables', () => {
    expect(csv.transactions.length).toBeGreaterThan(5)
    expect(csv.transactions.some((t) => t.tables.includes('orders') && t.tables.includes('payments'))).toBe(true)
    const untouched = csv.tables.filter((t) => t.classification === 'untouched').map((t) => t.table)
    expect(untouched).toEqual(expect.arrayContaining(['legacy_user_prefs', 'old_payment_log']))
  })
})

/**
 * `carve report`: the data it draws (computed from a real embedded database), hostile names that
 * must reach the page as text and never as markup, and the page itself opened in a real headless
 * Chromium (playwright-core driving the system browser): it renders, logs no errors, draws every
 * context and table, and its screenshot is not blank. Browser checks skip, visibly, without
 * /usr/bin/chromium (.ci/run installs it).
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Connection} from '../src/db/connection.js'
import {openPglite} from '../src/db/pglite.js'
import {inspect} from '../src/introspect/index.js'
import {reportData} from '../src/report/data.js'
import {reportHtml, scriptJson, writeReport} from '../src/report/html.js'
import type {Workload} from '../src/workload/model.js'
import {hasStackTrace, runCarve} from './support/cli.js'

const CHROMIUM = process.env.CARVE_CHROMIUM ?? '/usr/bin/chromium'
const haveBrowser = existsSync(CHROMIUM)
if (!haveBrowser) console.warn(`[carve tests] SKIPPING report browser checks: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CARVE_CHROMIUM)`)

const HOSTILE = '</script><img src=x onerror="window.__pwned=1">'

function boundaries(contexts: {name: string; owner: string; tables: string[]}[]): BoundariesFile {
  return {version: 1, contexts: contexts.map((c) => ({...c, description: ''})), pins: {}, classifications: {}, exceptions: []}
}

function workload(access: {service: string; table: string; read: number; write: number}[], joins: string[][] = []): Workload {
  return {
    access: access.map((a) => ({...a, lock: 0, ddl: 0})),
    joins: joins.map((tables) => ({tables, calls: 5, services: {}})),
    transactions: [],
  } as unknown as Workload
}

interface PageResult {errors: string[]; nodes: {contexts: number; tables: number}; cells: number; cards: number; pwned: boolean; png: Buffer; texts: string[]}

async function openInBrowser(file: string): Promise<PageResult> {
  const {chromium} = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await browser.newPage({viewport: {width: 1400, height: 1000}})
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto('file://' + file)
    await page.waitForSelector('body[data-rendered="true"]', {timeout: 60_000})
    const result = await page.evaluate(() => {
      const w = window as unknown as {carveGraph: {nodes: (s: string) => {length: number}}; __pwned?: number}
      return {
        nodes: {contexts: w.carveGraph.nodes('[kind = "context"]').length, tables: w.carveGraph.nodes('[kind = "table"]').length},
        cells: document.querySelectorAll('#heatmap td[data-calls]').length,
        cards: document.querySelectorAll('#levels .card').length,
        pwned: w.__pwned === 1 || document.querySelectorAll('img').length > 0,
        texts: [...document.querySelectorAll('#heatmap th span, #levels h3 span')].map((e) => e.textContent ?? ''),
      }
    })
    const png = await page.locator('#graph').screenshot()
    return {...result, errors, png}
  } finally {
    await browser.close()
  }
}

describe('carve report', () => {
  let conn: Connection
  let dir: string
  beforeAll(async () => {
    conn = await openPglite(null)
    dir = mkdtempSync(join(tmpdir(), 'carve-report-'))
    await conn.exec(`
      create table customers (id int primary key, name text);
      create table orders (id int primary key, customer_id int references customers(id), total numeric) partition by range (id);
      create table orders_p1 partition of orders for values from (0) to (1000);
      create table payments (id int primary key, order_id int, amount numeric);
      create table "${HOSTILE.replace(/"/g, '""')}" (id int primary key, customer_id int references customers(id));
    `)
  })
  afterAll(async () => {
    await conn?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('marks edges and access that cross contexts; partitions follow their parent', async () => {
    const catalog = await inspect(conn, {schemas: ['public']})
    const data = reportData({
      title: 't',
      generatedAt: '2026-01-01T00:00:00Z',
      catalog,
      boundaries: boundaries([
        {name: 'crm', owner: 'crm-service', tables: ['customers']},
        {name: 'sales', owner: 'sales-service', tables: ['orders', 'payments']},
      ]),
      workload: workload(
        [
          {service: 'sales-service', table: 'orders', read: 10, write: 4},
          {service: 'sales-service', table: 'customers', read: 0, write: 2},
          {service: 'crm-service', table: 'customers', read: 7, write: 1},
          {service: 'sales-service', table: 'no_such_table', read: 1, write: 0},
        ],
        [['orders', 'payments'], ['customers', 'payments']],
      ),
      assessment: null,
      status: null,
    })
    expect(data.tables.find((t) => t.key === 'orders_p1')!.context).toBe('sales')
    expect(data.tables.find((t) => t.key === HOSTILE)!.context).toBeNull()
    const fk = data.edges.find((e) => e.kind === 'fk' && e.a === 'customers' && e.b === 'orders')!
    expect(fk.crossContext).toBe(true)
    expect(data.edges.find((e) => e.kind === 'join' && e.a === 'orders' && e.b === 'payments')!.crossContext).toBe(false)
    expect(data.edges.find((e) => e.kind === 'join' && e.a === 'customers' && e.b === 'payments')!.crossContext).toBe(true)
    // The table the catalog does not know is left out, not drawn as a ghost.
    expect(data.matrix.tables).toEqual(['customers', 'orders'])
    expect(data.matrix.cells.find((c) => c.service === 'sales-service' && c.table === 'customers')!.foreign).toBe(true)
    expect(data.matrix.cells.find((c) => c.service === 'crm-service' && c.table === 'customers')!.foreign).toBe(false)
    expect(data.missing.join(' ')).toMatch(/assessment/)
    expect(data.missing.join(' ')).not.toMatch(/no workload/)
  })

  it('embeds data so that no name can end the script element', async () => {
    expect(scriptJson({a: '</script><!--'})).not.toMatch(/<\/script|<!--/)
    expect(JSON.parse(scriptJson({a: '</script>\u2028'}))).toEqual({a: '</script>\u2028'})
    const catalog = await inspect(conn, {schemas: ['public']})
    const html = reportHtml(reportData({title: HOSTILE, generatedAt: 'now', catalog, boundaries: boundaries([{name: 'crm', owner: 'crm-service', tables: ['customers']}]), workload: null, assessment: null, status: null}))
    expect(html).not.toContain(HOSTILE)
    expect(html.match(/<\/script>/g)!.length).toBe(3)
  })

  it.skipIf(!haveBrowser)('renders hostile names as text in a real browser, without errors', async () => {
    const catalog = await inspect(conn, {schemas: ['public']})
    const file = writeReport(join(dir, 'hostile'), reportData({
      title: HOSTILE,
      generatedAt: 'now',
      catalog,
      boundaries: boundaries([{name: 'crm', owner: HOSTILE, tables: ['customers', HOSTILE]}]),
      workload: workload([{service: HOSTILE, table: HOSTILE, read: 3, write: 1}]),
      assessment: null,
      status: null,
    }))
    const page = await openInBrowser(file)
    expect(page.errors).toEqual([])
    expect(page.pwned).toBe(false)
    expect(page.texts).toContain(HOSTILE)
    expect(page.nodes.tables).toBe(catalog.tables.length)
  }, 120_000)

  it.skipIf(!haveBrowser)('carve report --example shop: every context, table and access cell drawn, no console errors', async () => {
    const out = join(dir, 'shop')
    const r = await runCarve(['report', '--example', 'shop', '--out', out, '--json'], {timeoutMs: 240_000})
    expect(r.code, r.stderr).toBe(0)
    expect(hasStackTrace(r.stderr)).toBe(false)
    const summary = JSON.parse(r.stdout) as {file: string; contexts: number; tables: number; cells: number}
    expect(summary.file).toBe(join(out, 'index.html'))
    const embedded = JSON.parse(/<script type="application\/json" id="carve-data">(.*?)<\/script>/s.exec(readFileSync(summary.file, 'utf8'))![1]!)
    const page = await openInBrowser(summary.file)
    expect(page.errors).toEqual([])
    expect(page.nodes.tables).toBe(summary.tables)
    // Tables outside every context get a box of their own.
    expect(page.nodes.contexts).toBe(summary.contexts + (embedded.tables.some((t: {context: string | null}) => !t.context) ? 1 : 0))
    expect(page.cells).toBe(summary.cells)
    expect(page.cells).toBeGreaterThan(0)
    expect(page.cards).toBe(summary.contexts)
    // A drawn map of ~80 tables compresses to tens of KB of PNG; a blank canvas to well under one.
    expect(page.png.length).toBeGreaterThan(20_000)
  }, 300_000)

  it('bad input: a missing plan folder and no database are usage errors (exit 2), one line', async () => {
    const noDb = await runCarve(['report', '--out', join(dir, 'x')])
    expect(noDb.code).toBe(2)
    const badPlan = await runCarve(['report', '--example', 'shop', '--out', join(dir, 'y'), '--plan', join(dir, 'nope')])
    expect(badPlan.code).toBe(2)
    expect(badPlan.stderr).toMatch(/not a plan folder/)
    expect(hasStackTrace(badPlan.stderr + noDb.stderr)).toBe(false)
  })
})

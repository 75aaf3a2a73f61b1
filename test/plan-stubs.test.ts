/**
 * Generated API stubs: every file compiles under strict TypeScript, every OpenAPI document is
 * sound, hostile names survive exactly, output is deterministic, and (with a PostgreSQL server)
 * the generated server really serves its tables over HTTP.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {createInterface} from 'node:readline'

import ts from 'typescript'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import type {BoundariesFile} from '../src/boundaries/file.js'
import {openTarget} from '../src/db/open.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {resolvePlanInput, type PlanInput} from '../src/plan/context.js'
import {apiStubFiles} from '../src/plan/stubs/index.js'
import {packageRoot} from '../src/paths.js'
import type {Workload} from '../src/workload/model.js'
import {runCarve} from './support/cli.js'
import {announceSkip, createPgDatabase, MYSQL_URL, PG_URL, siblingDatabaseUrl} from './support/servers.js'
import {shopPlanInput} from './support/shop-plan-input.js'

const tempDirs: string[] = []
afterAll(() => {
  for (const d of tempDirs) rmSync(d, {recursive: true, force: true})
})

/** The files in a fresh folder that resolves packages from the repository's node_modules. */
function writeTree(files: Map<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'carve-stubs-'))
  tempDirs.push(dir)
  symlinkSync(join(packageRoot(), 'node_modules'), join(dir, 'node_modules'), 'dir')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({type: 'module', private: true}))
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), text)
  }
  return dir
}

/** Diagnostics of the .ts files under strict settings, one formatted line each. */
function typeCheck(dir: string, files: Map<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    exactOptionalPropertyTypes: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    typeRoots: [join(packageRoot(), 'node_modules', '@types')],
    skipLibCheck: true,
    noEmit: true,
  }
  const roots = [...files.keys()].filter((p) => p.endsWith('.ts')).map((p) => join(dir, p))
  const program = ts.createProgram(roots, options)
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    if (!d.file || d.start === undefined) return message
    const {line, character} = d.file.getLineAndCharacterOfPosition(d.start)
    return `${d.file.fileName.slice(dir.length + 1)}:${line + 1}:${character + 1}: ${message}`
  })
}

type Json = Record<string, unknown>

/** The files of one context's api/ folder, by name (server.ts, handlers.ts, contract.ts, entities.ts). */
function apiFolder(files: Map<string, string>, context: string): Map<string, string> {
  const prefix = `contexts/${context}/api/`
  return new Map([...files].filter(([p]) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map(([p, text]) => [p.slice(prefix.length), text]))
}

interface RunningServer {
  base: string
  /** Every SQL statement knex sent, in order. */
  statements: () => string[]
  stop: () => Promise<void>
}

/** A context's generated server, compiled to JavaScript and listening on a free port, as its own process. */
async function startServer(api: Map<string, string>, url: string): Promise<RunningServer> {
  const dir = writeTree(new Map())
  for (const [name, source] of api) {
    if (!name.endsWith('.ts')) continue
    const js = ts.transpileModule(source, {compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022}}).outputText
    writeFileSync(join(dir, name.replace(/\.ts$/, '.js')), js)
  }
  writeFileSync(
    join(dir, 'run.mjs'),
    "import {appendFileSync} from 'node:fs'\nimport {createApiServer, openDatabase} from './server.js'\n" +
      'const db = openDatabase(process.env.DATABASE_URL, {min: 0, max: 2})\n' +
      "db.on('query', (q) => appendFileSync('statements.jsonl', JSON.stringify(q.sql) + '\\n'))\n" +
      'const server = createApiServer(db)\n' +
      "server.listen(0, '127.0.0.1', () => console.log(server.address().port))\n",
  )
  const child: ChildProcess = spawn(process.execPath, [join(dir, 'run.mjs')], {cwd: dir, env: {...process.env, DATABASE_URL: url}, stdio: ['ignore', 'pipe', 'inherit']})
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({input: child.stdout!}).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return {
    base: `http://127.0.0.1:${port}`,
    statements: () => {
      if (!readdirSync(dir).includes('statements.jsonl')) return []
      return readFileSync(join(dir, 'statements.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string)
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill()
      await exited
    },
  }
}

/** fetch with the gateway's headers (actor user-1, tenant 7) unless overridden; the body parsed. */
function caller(base: () => string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(base() + path, {
      method,
      headers: {'content-type': 'application/json', 'x-actor-id': 'user-1', 'x-tenant-id': '7', ...headers},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return {status: response.status, headers: response.headers, type: response.headers.get('content-type'), body: (await response.json()) as Json}
  }
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: unknown = doc
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined
    node = (node as Json)[key]
  }
  return node
}

/** Problems of an OpenAPI document: version, dangling $refs, undeclared path parameters, … */
function openApiProblems(doc: Json): string[] {
  const problems: string[] = []
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi is ${String(doc.openapi)}, not 3.1.x`)
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`))
    if (node === null || typeof node !== 'object') return
    const o = node as Json
    if (typeof o.$ref === 'string' && resolvePointer(doc, o.$ref) === undefined) problems.push(`${at}: $ref ${o.$ref} does not resolve`)
    if (o.type === 'object' && Array.isArray(o.required) && o.properties && typeof o.properties === 'object') {
      for (const r of o.required as string[]) if (!Object.prototype.hasOwnProperty.call(o.properties, r)) problems.push(`${at}: required ${r} is not a property`)
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`)
  }
  walk(doc, '#')
  const deref = (p: unknown): Json => {
    const o = p as Json
    return (typeof o.$ref === 'string' ? resolvePointer(doc, o.$ref) : o) as Json
  }
  const operationIds = new Set<string>()
  const templates = new Map<string, string>()
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
    const shape = path.replace(/\{[^}]+\}/g, '{}')
    if (templates.has(shape)) problems.push(`${path} and ${templates.get(shape)} are the same template`)
    templates.set(shape, path)
    const shared = ((item.parameters ?? []) as unknown[]).map(deref)
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method] as Json | undefined
      if (!op) continue
      if (typeof op.operationId !== 'string' || operationIds.has(op.operationId)) problems.push(`${method} ${path}: operationId missing or repeated`)
      operationIds.add(String(op.operationId))
      const params = [...shared, ...((op.parameters ?? []) as unknown[]).map(deref)]
      const inPath = params.filter((p) => p.in === 'path').map((p) => String(p.name))
      for (const n of names) if (!inPath.includes(n)) problems.push(`${method} ${path}: path parameter {${n}} is not declared`)
      for (const n of inPath) if (!names.includes(n)) problems.push(`${method} ${path}: declares path parameter ${n} that the path lacks`)
      for (const p of params) if (p.in === 'path' && p.required !== true) problems.push(`${method} ${path}: path parameter ${String(p.name)} is not required`)
      const headers = params.filter((p) => p.in === 'header').map((p) => String(p.name))
      for (const h of ['X-Actor-Id', 'X-Tenant-Id', 'X-Correlation-Id']) if (!headers.includes(h)) problems.push(`${method} ${path}: no ${h} header`)
      const responses = (op.responses ?? {}) as Json
      for (const code of ['400', '403', '404', '409', '422']) {
        const r = responses[code] ? deref(responses[code]) : undefined
        const content = r?.content as Json | undefined
        if (!content || !content['application/problem+json']) problems.push(`${method} ${path}: no ${code} error contract`)
      }
    }
  }
  return problems
}

/** String literals of a TypeScript file, as values. */
function stringLiterals(text: string): string[] {
  const file = ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true)
  const out: string[] = []
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text)
    n.forEachChild(visit)
  }
  visit(file)
  return out
}

describe('API stubs for the shop example', () => {
  let input: PlanInput
  let files: Map<string, string>

  beforeAll(async () => {
    input = await shopPlanInput()
    files = apiStubFiles(input)
  }, 120_000)

  it('writes an OpenAPI document and a server per context, and a client per reading consumer', () => {
    for (const c of input.contexts) {
      expect(files.has(`contexts/${c.name}/api/openapi.yaml`), c.name).toBe(true)
      for (const f of ['server.ts', 'handlers.ts', 'contract.ts', 'entities.ts']) expect(files.has(`contexts/${c.name}/api/${f}`), `${c.name} ${f}`).toBe(true)
      const apiTables = new Set(c.tables.filter((t) => t.classification !== 'deprecated').map((t) => t.key))
      const readers = new Set(c.consumers.filter((a) => a.reads > 0 && apiTables.has(a.table)).map((a) => a.consumer))
      const clients = [...files.keys()].filter((p) => p.startsWith(`contexts/${c.name}/api/clients/`))
      expect(clients.length, c.name).toBe(readers.size)
    }
    // The example's workload has readers of other contexts' tables: there must be clients.
    expect([...files.keys()].filter((p) => p.includes('/clients/')).length).toBeGreaterThan(10)
  })

  it('every generated TypeScript file compiles under strict settings', () => {
    const dir = writeTree(files)
    const diagnostics = typeCheck(dir, files)
    expect(diagnostics, diagnostics.slice(0, 30).join('\n')).toEqual([])
  }, 120_000)

  it('every openapi.yaml is OpenAPI 3.1 with resolving $refs, declared path parameters and the error contract', () => {
    for (const c of input.contexts) {
      const doc = parse(files.get(`contexts/${c.name}/api/openapi.yaml`)!) as Json
      expect(openApiProblems(doc), c.name).toEqual([])
      const paths = Object.keys(doc.paths as Json)
      const served = c.tables.filter((t) => t.classification !== 'deprecated')
      // One collection path per table with an API; deprecated tables get none.
      expect(paths.filter((p) => p.split('/').length === 2).length, c.name).toBe(served.length)
    }
  })

  it('serves the effective-dated user_attributes with GET …/live and a revising PATCH, never an in-place update', () => {
    const table = input.catalog.tables.find((t) => t.name === 'user_attributes')!
    expect(table.flags.scd2).not.toBeNull()
    const doc = parse(files.get('contexts/ums/api/openapi.yaml')!) as Json
    const paths = doc.paths as Record<string, Json>
    const live = paths['/user-attributes/live']!
    expect(live.get).toBeDefined()
    expect(live.patch).toBeDefined()
    expect(JSON.stringify(live.patch)).toContain(table.flags.scd2!.to)
    // The version key comes from the index of open rows: (user_id, attr_key).
    expect((live.parameters as Json[]).map((p) => p.name)).toEqual(['user_id', 'attr_key'])
    const item = Object.entries(paths).find(([p]) => p.startsWith('/user-attributes/{'))!
    expect(item[1].get).toBeDefined()
    expect(item[1].patch).toBeUndefined()
    const revision = (doc.components as Json).schemas as Record<string, Json>
    const props = Object.keys(revision.UserAttributesRevision!.properties as Json)
    for (const c of [table.flags.scd2!.from, table.flags.scd2!.to, 'tenant_id', 'id', 'user_id', 'attr_key']) expect(props).not.toContain(c)
    expect(props).toContain('attr_value')
    const entities = files.get('contexts/ums/api/entities.ts')!
    expect(entities).toContain(`scd2: {from: 'st_dt', to: 'e_dt', versionKey: [{column: 'user_id', param: 'user_id'}, {column: 'attr_key', param: 'attr_key'}]`)
  })

  it('takes the tenant of every tenant-scoped table from the header, never from a create body', () => {
    let checked = 0
    for (const c of input.contexts) {
      const doc = parse(files.get(`contexts/${c.name}/api/openapi.yaml`)!) as Json
      const schemas = (doc.components as Json).schemas as Record<string, Json>
      for (const [name, schema] of Object.entries(schemas)) {
        const at = schema['x-db-table'] as {name: string} | undefined
        if (!at) continue
        const table = input.catalog.tables.find((t) => t.name === at.name)!
        const create = schemas[`${name}Create`]
        if (!table.flags.tenantColumn || !create) continue
        expect(Object.keys(schema.properties as Json)).toContain(table.flags.tenantColumn)
        expect(Object.keys(create.properties as Json), name).not.toContain(table.flags.tenantColumn)
        checked++
      }
      const tenantParams = ((doc.components as Json).parameters as Record<string, Json>).TenantId!
      expect(tenantParams.required).toBe(true)
    }
    expect(checked).toBeGreaterThan(15)
    const orders = files.get('contexts/orders/api/entities.ts')!
    expect(orders).toContain(`table: 'orders',`)
    expect(orders).toContain(`tenant: 'tenant_id',`)
    expect(orders).toContain(`export const SCHEMA = 'orders'`)
  })

  it('lists a partitioned table as one resource keyed by its whole primary key', () => {
    const doc = parse(files.get('contexts/audit/api/openapi.yaml')!) as Json
    const paths = Object.keys(doc.paths as Json)
    expect(paths).toContain('/action-traces')
    expect(paths).toContain('/action-traces/{id}/{occurred_at}')
    expect(paths.some((p) => p.includes('2024') || p.includes('default'))).toBe(false)
  })

  it('is deterministic: the same input (or a deep copy of it) gives identical files', () => {
    expect(apiStubFiles(input)).toEqual(files)
    const again = apiStubFiles(structuredClone(input))
    expect([...again.keys()]).toEqual([...files.keys()])
    for (const [p, text] of again) expect(text === files.get(p), p).toBe(true)
  })
})

// Tables whose names and columns break naive code generation. The `users` table is the canary
// the first name would drop if it were ever pasted into SQL unquoted.
const HOSTILE_DDL = String.raw`
CREATE TABLE users (id serial PRIMARY KEY, email text);
CREATE TABLE "Order Lines; DROP TABLE users" (
  id bigserial PRIMARY KEY,
  tenant_id integer NOT NULL,
  "class" text NOT NULL,
  """quoted""" text,
  "Prix_€" numeric(10,2),
  "select" integer DEFAULT 1,
  "a'b\c" jsonb,
  "x*/y" bytea,
  total numeric(12,2) GENERATED ALWAYS AS ("Prix_€" * 2) STORED
);
COMMENT ON TABLE "Order Lines; DROP TABLE users" IS 'Ends a comment */ and starts
a new line';
CREATE TABLE "select" ("default" integer PRIMARY KEY, "class" text, "from" date);
CREATE TABLE "Prix_€" ("où" text, n integer);
CREATE TABLE order_lines (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
CREATE TABLE "OrderLines" ("Key Part" text, "key-part" integer, label text, PRIMARY KEY ("Key Part", "key-part"));
CREATE TABLE page (id integer PRIMARY KEY, "constructor" text, "__proto__" text);
CREATE TABLE "Effective Prices; --" (
  id serial PRIMARY KEY,
  "Tenant_Id" integer,
  "item key" text NOT NULL,
  price numeric(10,2) NOT NULL,
  "Valid_From" timestamptz NOT NULL,
  "Valid_To" timestamptz,
  " a.b AS c " text,
  UNIQUE ("item key", "Valid_From")
);
`
const HOSTILE_TABLES = ['Order Lines; DROP TABLE users', 'select', 'Prix_€', 'order_lines', 'OrderLines', 'page', 'Effective Prices; --']
const WEIRD_SERVICE = 'Weird "svc"/../x'

let hostile: Promise<PlanInput> | undefined
/** Built once per process: treat as read-only. */
function hostileInput(): Promise<PlanInput> {
  hostile ??= buildHostileInput()
  return hostile
}

async function buildHostileInput(): Promise<PlanInput> {
  const conn = await openTarget({kind: 'pglite', dataDir: null})
  let catalog: Catalog
  try {
    await conn.exec(HOSTILE_DDL)
    catalog = await inspect(conn)
  } finally {
    await conn.close()
  }
  const boundaries: BoundariesFile = {
    version: 1,
    contexts: [
      {name: 'app', owner: 'app-service', description: 'Hostile names.', tables: HOSTILE_TABLES},
      {name: 'identity', owner: 'identity-service', description: '', tables: ['users']},
    ],
    pins: {},
    classifications: {},
    exceptions: [],
  }
  // Only what the plan input reads of a workload: who touches which table.
  const access = (service: string, table: string, read: number, write: number) => ({service, table, read, write, lock: 0, ddl: 0})
  const workload = {
    access: [
      access(WEIRD_SERVICE, 'Order Lines; DROP TABLE users', 5, 1),
      access(WEIRD_SERVICE, 'Effective Prices; --', 3, 0),
      access('identity-service', 'page', 2, 0),
      access('identity-service', 'Prix_€', 0, 4),
    ],
    joins: [],
  } as unknown as Workload
  return resolvePlanInput(catalog, boundaries, workload, {name: 'hostile'})
}

describe('API stubs for hostile names', () => {
  let input: PlanInput
  let files: Map<string, string>

  beforeAll(async () => {
    input = await hostileInput()
    files = apiStubFiles(input)
  }, 120_000)

  it('compiles', () => {
    expect(files.has('contexts/app/api/clients/weird-svc-x.ts')).toBe(true)
    expect(files.has('contexts/app/api/clients/identity-service.ts')).toBe(true)
    const dir = writeTree(files)
    const diagnostics = typeCheck(dir, files)
    expect(diagnostics, diagnostics.join('\n')).toEqual([])
  }, 120_000)

  it('keeps the exact names in entities.ts, the one generated module of the server', async () => {
    // entities.ts imports types only: its JavaScript runs on its own.
    const js = ts.transpileModule(files.get('contexts/app/api/entities.ts')!, {compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022}}).outputText
    const module = (await import(`data:text/javascript,${encodeURIComponent(js)}`)) as {SCHEMA: string; ENGINE: string; entities: {table: string; columns: Json}[]}
    expect([module.SCHEMA, module.ENGINE]).toEqual(['app', 'postgresql'])
    expect(module.entities.map((e) => e.table)).toEqual(HOSTILE_TABLES)
    for (const e of module.entities) {
      const table = input.catalog.tables.find((t) => t.name === e.table)!
      expect(Object.keys(e.columns)).toEqual(table.columns.map((c) => c.name))
    }
    // No prototype trick: a column called __proto__ is a column.
    expect(Object.keys(module.entities.find((e) => e.table === 'page')!.columns)).toContain('__proto__')
    // The rest of the server is the template, word for word.
    for (const f of ['server.ts', 'handlers.ts']) expect(files.get(`contexts/app/api/${f}`)).toBe(readFileSync(join(packageRoot(), 'templates', 'api', f), 'utf8'))
  })

  it('gives every table a distinct, URL-safe path and type name, and exact property names', () => {
    const doc = parse(files.get('contexts/app/api/openapi.yaml')!) as Json
    expect(openApiProblems(doc)).toEqual([])
    const paths = Object.keys(doc.paths as Json)
    for (const p of paths) expect(p).toMatch(/^(\/[a-z0-9-]+|\/\{[a-z0-9_]+\})+$/)
    expect(paths).toEqual(expect.arrayContaining(['/order-lines-drop-table-users', '/order-lines', '/order-lines-2', '/selects', '/prixes', '/pages']))
    // No primary key: list only.
    expect(Object.keys((doc.paths as Record<string, Json>)['/prixes']!)).toEqual(['get'])
    expect(paths.filter((p) => p.startsWith('/prixes/'))).toEqual([])
    // Two key columns whose parameter names would collide.
    expect(paths).toContain('/order-lines-2/{key_part}/{key_part_2}')
    const schemas = (doc.components as Json).schemas as Record<string, Json>
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['OrderLinesDropTableUsers', 'OrderLines', 'OrderLines2', 'PageEntity', 'Error']))
    const props = Object.keys(schemas.OrderLinesDropTableUsers!.properties as Json)
    expect(props).toEqual(['id', 'tenant_id', 'class', '"quoted"', 'Prix_€', 'select', "a'b\\c", 'x*/y', 'total'])
    const create = Object.keys(schemas.OrderLinesDropTableUsersCreate!.properties as Json)
    expect(create).not.toContain('tenant_id')
    expect(create).not.toContain('total')
    expect((schemas.OrderLinesDropTableUsers!.properties as Record<string, Json>).total!.readOnly).toBe(true)
    // The effective-dated table with a quoted tenant column and a version key with a space.
    const live = (doc.paths as Record<string, Json>)['/effective-prices/live']!
    expect((live.parameters as Json[]).map((p) => [p.name, p['x-db-column']])).toEqual([['item_key', 'item key']])
  })

  it('writes client interfaces with quoted property names where needed', () => {
    const client = files.get('contexts/app/api/clients/weird-svc-x.ts')!
    expect(client).toContain(`'"quoted"': string | null`)
    expect(client).toContain(`'Prix_€': string | null`)
    expect(client).toContain('class: string')
    expect(client).toContain('readonly total: string | null')
    expect(client).toContain('readLiveEffectivePrices(')
    // The consumer reads two tables: methods for those only.
    expect(client).not.toContain('listSelects')
    expect(client).not.toContain('listPageEntity')
  })

  it('is deterministic', () => {
    expect(apiStubFiles(structuredClone(input))).toEqual(files)
  })
})

// Without a server the suite is reported as skipped (never as a pass), and said so once.
if (!PG_URL) announceSkip('PostgreSQL')

describe.skipIf(!PG_URL)('generated server (knex) over HTTP against PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createPgDatabase>>
  let server: RunningServer | undefined
  let pgClient: import('pg').Client
  const call = caller(() => server!.base)

  beforeAll(async () => {
    const input = await hostileInput()
    const files = apiStubFiles(input)
    db = await createPgDatabase('stubs')
    const {default: pg} = await import('pg')
    pgClient = new pg.Client({connectionString: db.url})
    await pgClient.connect()
    // The tables where the plan will have moved them: the context's schema.
    await pgClient.query('CREATE SCHEMA app; CREATE SCHEMA identity')
    await pgClient.query(`SET search_path TO app; ${HOSTILE_DDL}; SET search_path TO public`)
    server = await startServer(apiFolder(files, 'app'), db.url)
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await pgClient?.end()
    await db?.drop()
  })

  it('creates, reads, lists and updates rows of a hostile table, tenant from the header', async () => {
    const created = await call('POST', '/order-lines-drop-table-users', {class: 'a', '"quoted"': 'q', 'Prix_€': '12.50', "a'b\\c": [1, {x: 2}], 'x*/y': Buffer.from('hi').toString('base64')}, {'x-correlation-id': 'corr-1'})
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.headers.get('x-correlation-id')).toBe('corr-1')
    expect(created.body).toMatchObject({tenant_id: 7, class: 'a', '"quoted"': 'q', 'Prix_€': '12.50', select: 1, "a'b\\c": [1, {x: 2}], 'x*/y': 'aGk=', total: '25.00'})
    const id = String(created.body.id)
    await call('POST', '/order-lines-drop-table-users', {class: 'b'})
    await call('POST', '/order-lines-drop-table-users', {class: 'c'}, {'x-tenant-id': '8'})

    const read = await call('GET', `/order-lines-drop-table-users/${id}`)
    expect(read.status).toBe(200)
    expect(read.body).toEqual(created.body)
    // Another tenant does not see it.
    expect((await call('GET', `/order-lines-drop-table-users/${id}`, undefined, {'x-tenant-id': '8'})).status).toBe(404)

    const first = await call('GET', '/order-lines-drop-table-users?limit=1')
    expect(first.status).toBe(200)
    expect((first.body.items as Json[]).map((r) => r.class)).toEqual(['a'])
    const second = await call('GET', `/order-lines-drop-table-users?limit=1&cursor=${first.body.next_cursor as string}`)
    expect((second.body.items as Json[]).map((r) => r.class)).toEqual(['b'])
    expect(second.body.next_cursor).toBeNull()

    const updated = await call('PATCH', `/order-lines-drop-table-users/${id}`, {class: 'z', 'Prix_€': '1.00'})
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({class: 'z', total: '2.00'})

    const {rows} = await pgClient.query(`SELECT "class", tenant_id FROM app."Order Lines; DROP TABLE users" ORDER BY id`)
    expect(rows).toEqual([{class: 'z', tenant_id: 7}, {class: 'b', tenant_id: 7}, {class: 'c', tenant_id: 8}])
    // The canary survived.
    expect((await pgClient.query(`SELECT to_regclass('app.users') IS NOT NULL AS present`)).rows[0].present).toBe(true)
    // Every statement knex sent addressed the table in the context's schema, its name quoted.
    const statements = server!.statements().filter((q) => q.includes('Order Lines'))
    expect(statements.length).toBeGreaterThan(5)
    for (const q of statements) {
      expect(q).toContain('"app"."Order Lines; DROP TABLE users"')
      expect(q.replace(/"(?:[^"]|"")*"/g, ''), q).not.toContain('DROP TABLE')
    }
  })

  it('answers with the error contract', async () => {
    const tenantInBody = await call('POST', '/order-lines-drop-table-users', {class: 'x', tenant_id: 9})
    expect(tenantInBody.status).toBe(400)
    expect(tenantInBody.type).toContain('application/problem+json')
    expect(tenantInBody.body).toMatchObject({code: 'invalid_body', details: [{field: 'tenant_id'}]})
    expect(typeof tenantInBody.body.correlation_id).toBe('string')
    expect((await call('POST', '/order-lines-drop-table-users', {class: 'x'}, {'x-tenant-id': ''})).body.code).toBe('missing_tenant')
    expect((await call('GET', '/selects', undefined, {'x-actor-id': ''})).status).toBe(403)
    expect((await call('POST', '/order-lines-drop-table-users', {'"quoted"': 'no class'})).status).toBe(422)
    expect((await call('POST', '/order-lines-drop-table-users', {class: 'x', total: '1'})).status).toBe(400)
    expect((await call('GET', '/order-lines-drop-table-users/not-a-number')).status).toBe(400)
    const dup = await call('POST', '/selects', {default: 1})
    expect(dup.status).toBe(201)
    expect((await call('POST', '/selects', {default: 1})).status).toBe(409)
    expect((await call('POST', '/prixes', {n: 1})).status).toBe(405)
    expect((await call('GET', '/prixes')).status).toBe(200)
  })

  it('revises an effective-dated row: closes the version in effect and opens its successor', async () => {
    // " a.b AS c ": knex would read a qualified name and an alias, and trim the spaces.
    const first = await call('POST', '/effective-prices', {'item key': 'tea', price: '1.00', Valid_From: '2020-01-01T00:00:00Z', ' a.b AS c ': 'kept'})
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    const live = await call('GET', '/effective-prices/live?item_key=tea')
    expect(live.status).toBe(200)
    expect(live.body.price).toBe('1.00')
    const revised = await call('PATCH', '/effective-prices/live?item_key=tea', {price: '2.50'})
    expect(revised.status, JSON.stringify(revised.body)).toBe(200)
    expect(revised.body).toMatchObject({'item key': 'tea', price: '2.50', Tenant_Id: 7, Valid_To: null, ' a.b AS c ': 'kept'})
    expect(revised.body.id).not.toBe(first.body.id)
    const after = await call('GET', '/effective-prices/live?item_key=tea')
    expect(after.body.id).toBe(revised.body.id)
    const {rows} = await pgClient.query(`SELECT price, "Valid_To" IS NULL AS open FROM app."Effective Prices; --" WHERE "item key" = 'tea' ORDER BY id`)
    expect(rows).toEqual([{price: '1.00', open: false}, {price: '2.50', open: true}])
    expect((await call('PATCH', '/effective-prices/live?item_key=coffee', {price: '1.00'})).status).toBe(404)
    expect((await call('PATCH', '/effective-prices/live?item_key=tea', {Valid_From: '2019-01-01T00:00:00Z'})).status).toBe(400)
  })
})

// A small MySQL/MariaDB database of its own (there is no MySQL example): a hostile table name,
// a tenant-scoped table, an effective-dated table and a plain one. The plan moves them into the
// context's database; the generated server, unchanged but for entities.ts, serves them there.
const MYSQL_DDL = `
CREATE TABLE \`Customer Notes; DROP TABLE x\` (id int PRIMARY KEY AUTO_INCREMENT, tenant_id int NOT NULL, \`class\` varchar(40) NOT NULL,
  \`Prix_€\` decimal(10,2), active tinyint(1) NOT NULL DEFAULT 1, big bigint, created_on date, \`it's\` varchar(20));
CREATE TABLE customer_prices (id int PRIMARY KEY AUTO_INCREMENT, tenant_id int NOT NULL, item_key varchar(40) NOT NULL, price decimal(10,2) NOT NULL,
  valid_from datetime(6) NOT NULL, valid_to datetime(6) NULL, \`note.v as w\` varchar(20), UNIQUE KEY (tenant_id, item_key, valid_from));
CREATE TABLE tags (\`key\` varchar(20) PRIMARY KEY, label varchar(40) NOT NULL);
CREATE TABLE canary (id int PRIMARY KEY);
`

if (!MYSQL_URL) announceSkip('MariaDB/MySQL')

describe.skipIf(!MYSQL_URL)('generated server (knex) over HTTP against MariaDB/MySQL, on a plan applied by carve', () => {
  const {url, name} = MYSQL_URL ? siblingDatabaseUrl(MYSQL_URL, 'stubs') : {url: '', name: ''}
  const suffix = name.slice(-6)
  const context = `apicrm${suffix}`
  const rolePrefix = `h9stub${suffix}_`
  let admin: import('mysql2/promise').Connection
  let server: RunningServer | undefined
  let api: Map<string, string>
  const call = caller(() => server!.base)
  const notes = '/customer-notes-drop-table-xes'

  beforeAll(async () => {
    const {default: mysql} = await import('mysql2/promise')
    admin = await mysql.createConnection({uri: MYSQL_URL!, multipleStatements: true})
    await admin.query(`CREATE DATABASE \`${name}\`; USE \`${name}\`; ${MYSQL_DDL}`)
    const dir = mkdtempSync(join(tmpdir(), 'carve-stubs-mysql-'))
    tempDirs.push(dir)
    writeFileSync(
      join(dir, 'carve.yml'),
      `version: 1\ncontexts:\n  - name: ${context}\n    owner: crm-service\n    tables: ["Customer Notes; DROP TABLE x", customer_prices, tags, canary]\n`,
    )
    const plan = join(dir, 'plan')
    // The trigger outbox: the binlog one (the default) refuses a server with log_bin OFF, as the shared test server runs.
    const planned = await runCarve(['plan', '--db', url, '--file', join(dir, 'carve.yml'), '--out', plan, '--role-prefix', rolePrefix, '--outbox', 'trigger'], {timeoutMs: 120_000})
    expect(planned.code, planned.stderr).toBe(0)
    const applied = await runCarve(['apply', plan, '--db', url], {timeoutMs: 120_000})
    expect(applied.code, applied.stderr).toBe(0)
    const folder = join(plan, 'contexts', context, 'api')
    api = new Map(readdirSync(folder).filter((f) => f.endsWith('.ts')).map((f) => [f, readFileSync(join(folder, f), 'utf8')]))
    server = await startServer(api, url)
  }, 300_000)

  afterAll(async () => {
    await server?.stop()
    if (!admin) return
    for (const db of [name, context]) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``)
    // The plan's roles are cluster-wide: drop the ones this test's prefix named.
    const [roles] = (await admin.query('SELECT User AS name FROM mysql.user')) as unknown as [{name: string}[]]
    for (const r of roles.filter((role) => String(role.name).startsWith(rolePrefix))) await admin.query(`DROP ROLE IF EXISTS \`${r.name}\``)
    await admin.end()
  })

  it('the plan moved the tables into the context database, and its server files compile strictly', async () => {
    const [tables] = (await admin.query('SELECT table_schema AS s, table_type AS t FROM information_schema.tables WHERE table_name = ? AND table_schema IN (?, ?) ORDER BY 1', ['Customer Notes; DROP TABLE x', name, context])) as unknown as [{s: string; t: string}[]]
    expect(tables).toEqual([{s: name, t: 'VIEW'}, {s: context, t: 'BASE TABLE'}].sort((a, b) => a.s.localeCompare(b.s)))
    expect(api.get('entities.ts')).toContain(`export const ENGINE: 'postgresql' | 'mysql' = 'mysql'`)
    expect(api.get('server.ts')).toBe(readFileSync(join(packageRoot(), 'templates', 'api', 'server.ts'), 'utf8'))
    const dir = writeTree(api)
    const diagnostics = typeCheck(dir, api)
    expect(diagnostics, diagnostics.join('\n')).toEqual([])
  }, 120_000)

  it('creates, reads, lists and updates rows, tenant from the header, values as the contract says', async () => {
    const created = await call('POST', notes, {class: 'a', 'Prix_€': '12.50', active: false, big: '9007199254740993', created_on: '2024-02-29', "it's": 'x'}, {'x-correlation-id': 'corr-m'})
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.headers.get('x-correlation-id')).toBe('corr-m')
    expect(created.body).toMatchObject({tenant_id: 7, class: 'a', 'Prix_€': '12.50', active: false, big: '9007199254740993', created_on: '2024-02-29', "it's": 'x'})
    const id = String(created.body.id)
    expect((await call('POST', notes, {class: 'b'})).body.active).toBe(true)
    expect((await call('POST', notes, {class: 'c'}, {'x-tenant-id': '8'})).status).toBe(201)

    const read = await call('GET', `${notes}/${id}`)
    expect(read.status).toBe(200)
    expect(read.body).toEqual(created.body)
    expect((await call('GET', `${notes}/${id}`, undefined, {'x-tenant-id': '8'})).status).toBe(404)

    const first = await call('GET', `${notes}?limit=1`)
    expect((first.body.items as Json[]).map((r) => r.class)).toEqual(['a'])
    const second = await call('GET', `${notes}?limit=1&cursor=${first.body.next_cursor as string}`)
    expect((second.body.items as Json[]).map((r) => r.class)).toEqual(['b'])
    expect(second.body.next_cursor).toBeNull()

    const updated = await call('PATCH', `${notes}/${id}`, {class: 'z', active: true})
    expect(updated.status, JSON.stringify(updated.body)).toBe(200)
    expect(updated.body).toMatchObject({class: 'z', active: true, 'Prix_€': '12.50'})

    const [rows] = await admin.query(`SELECT \`class\`, tenant_id FROM \`${context}\`.\`Customer Notes; DROP TABLE x\` ORDER BY id`)
    expect(rows).toEqual([{class: 'z', tenant_id: 7}, {class: 'b', tenant_id: 7}, {class: 'c', tenant_id: 8}])
    // The compatibility view in the old database shows the same rows: the plan's cut-over holds.
    const [viewed] = (await admin.query(`SELECT count(*) AS n FROM \`${name}\`.\`Customer Notes; DROP TABLE x\``)) as unknown as [{n: number}[]]
    expect(Number(viewed[0]!.n)).toBe(3)
    expect((await admin.query(`SELECT count(*) AS n FROM \`${context}\`.canary`))[0]).toEqual([{n: 0}])
  })

  it('answers with the error contract', async () => {
    const tenantInBody = await call('POST', notes, {class: 'x', tenant_id: 9})
    expect(tenantInBody.status).toBe(400)
    expect(tenantInBody.type).toContain('application/problem+json')
    expect(tenantInBody.body).toMatchObject({code: 'invalid_body', details: [{field: 'tenant_id'}]})
    expect((await call('POST', notes, {class: 'x'}, {'x-tenant-id': ''})).body.code).toBe('missing_tenant')
    expect((await call('GET', '/tags', undefined, {'x-actor-id': ''})).status).toBe(403)
    expect((await call('POST', notes, {'Prix_€': '1.00'})).status).toBe(422)
    expect((await call('POST', notes, {class: 'x', created_on: 'not a date'})).status).toBe(400)
    expect((await call('POST', '/tags', {key: 'k1', label: 'one'})).status).toBe(201)
    expect((await call('POST', '/tags', {key: 'k1', label: 'again'})).body.code).toBe('conflict')
    expect((await call('PATCH', '/tags/k1', {label: null})).status).toBe(422)
    expect((await call('PATCH', '/tags/nope', {label: 'n'})).status).toBe(404)
    expect((await call('DELETE', '/tags/k1')).status).toBe(405)
  })

  it('revises an effective-dated row in one transaction: closes the version in effect and opens its successor', async () => {
    const first = await call('POST', '/customer-prices', {item_key: 'tea', price: '1.00', valid_from: '2020-01-01 00:00:00', 'note.v as w': 'kept'})
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    await call('POST', '/customer-prices', {item_key: 'tea', price: '9.00', valid_from: '2020-01-01 00:00:00'}, {'x-tenant-id': '8'})
    const live = await call('GET', '/customer-prices/live?item_key=tea')
    expect(live.body).toMatchObject({price: '1.00', id: first.body.id})
    const revised = await call('PATCH', '/customer-prices/live?item_key=tea', {price: '2.50'})
    expect(revised.status, JSON.stringify(revised.body)).toBe(200)
    expect(revised.body).toMatchObject({item_key: 'tea', price: '2.50', tenant_id: 7, valid_to: null, 'note.v as w': 'kept'})
    expect(revised.body.id).not.toBe(first.body.id)
    expect((await call('GET', '/customer-prices/live?item_key=tea')).body.id).toBe(revised.body.id)
    const [rows] = await admin.query(`SELECT tenant_id, price, valid_to IS NULL AS open, valid_to = (SELECT valid_from FROM \`${context}\`.customer_prices WHERE id = ?) AS seamless FROM \`${context}\`.customer_prices ORDER BY id`, [revised.body.id])
    expect(rows).toEqual([
      {tenant_id: 7, price: '1.00', open: 0, seamless: 1},
      {tenant_id: 8, price: '9.00', open: 1, seamless: null},
      {tenant_id: 7, price: '2.50', open: 1, seamless: null},
    ])
    expect((await call('PATCH', '/customer-prices/live?item_key=coffee', {price: '1.00'})).status).toBe(404)
    expect((await call('PATCH', '/customer-prices/live?item_key=tea', {valid_from: '2019-01-01 00:00:00'})).status).toBe(400)
    // A failing change rolls the whole revision back: the version in effect stays open.
    expect((await call('PATCH', '/customer-prices/live?item_key=tea', {price: 'cheap'})).status).toBe(400)
    expect((await call('GET', '/customer-prices/live?item_key=tea')).body).toMatchObject({id: revised.body.id, valid_to: null})
  })
})

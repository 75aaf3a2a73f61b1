/**
 * `carve check` on the example: its boundaries, its embedded database and its captured logs.
 * One full run (`--example shop`: PGlite + the logs); the other runs reuse the catalog and
 * workload read once here, as CI without a database would (`--catalog`, `--workload`).
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {isAbsolute, join} from 'node:path'

import {Ajv} from 'ajv'
import {parse, stringify} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {exampleBoundaries} from '../src/boundaries/example-contexts.js'
import {loadBoundaries, saveBoundaries} from '../src/boundaries/file.js'
import type {CheckReport, Finding} from '../src/check/model.js'
import {exampleDir, openExample} from '../src/db/examples.js'
import {inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {generatePlan} from '../src/plan/generate.js'
import {writePlan} from '../src/plan/write.js'
import {loadServiceMap} from '../src/workload/service-map.js'
import {listExampleLogs} from '../src/workload/example-logs.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'
import {hasStackTrace, runCarve} from './support/cli.js'

const TODAY = '2026-12-07'
const tmp = mkdtempSync(join(tmpdir(), 'carve-check-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const carveYml = join(tmp, 'carve.yml')
const catalogJson = join(tmp, 'catalog.json')
const workloadJson = join(tmp, 'workload.json')
const csvLog = listExampleLogs(exampleDir('shop'))[0]!

/** The example's designed contexts written as a carve.yml, with extra exceptions when asked. */
function writeBoundaries(path: string, exceptions: object[] = []): void {
  saveBoundaries(path, {...exampleBoundaries(exampleDir('shop'))!, exceptions: exceptions as never})
}

const offline = (extra: string[]) => runCarve(['check', '--catalog', catalogJson, '--workload', workloadJson, '--today', TODAY, ...extra], {cwd: tmp})
const has = (fs: Finding[], rule: string, consumer: string, table: string) => fs.some((f) => f.rule === rule && f.consumer === consumer && f.table === table)

beforeAll(async () => {
  writeBoundaries(carveYml)
  const conn = await openExample('shop')
  try {
    writeFileSync(catalogJson, JSON.stringify(await inspect(conn)))
  } finally {
    await conn.close()
  }
  const workload = await ingest({files: [csvLog], serviceMap: loadServiceMap(join(exampleDir('shop'), 'logs', 'service-map.yml')), workers: 1})
  writeFileSync(workloadJson, JSON.stringify(workload))
}, 240_000)

describe('carve check --example shop', () => {
  let report: CheckReport
  let code: number | null
  beforeAll(async () => {
    const run = await runCarve(['check', '--example', 'shop', '--today', TODAY, '--json'], {cwd: tmp, timeoutMs: 240_000})
    code = run.code
    report = JSON.parse(run.stdout) as CheckReport
  }, 240_000)

  it('exits 1 and names the known violations with table and consumer', () => {
    expect(code).toBe(1)
    const f = report.findings
    expect(has(f, 'foreign-write', 'ums-service', 'user_credentials')).toBe(true)
    expect(has(f, 'foreign-write', 'rbac-service', 'user_profiles')).toBe(true)
    expect(has(f, 'foreign-write', 'orders-service', 'payments')).toBe(true)
    // admin writes everywhere: tables of most contexts, all errors.
    const admin = f.filter((x) => x.rule === 'foreign-write' && x.consumer === 'admin')
    expect(new Set(admin.map((x) => x.context)).size).toBeGreaterThanOrEqual(8)
    expect(admin.every((x) => x.severity === 'error')).toBe(true)
    // reporting reads across contexts: warnings (not errors without --strict-reads), never writes.
    const reporting = f.filter((x) => x.consumer === 'reporting' && x.rule === 'foreign-read')
    expect(new Set(reporting.map((x) => x.context)).size).toBeGreaterThanOrEqual(5)
    expect(reporting.every((x) => x.severity === 'warning')).toBe(true)
    expect(f.some((x) => x.consumer === 'reporting' && x.rule === 'foreign-write')).toBe(false)
    // Owners writing their own tables are never findings.
    expect(f.some((x) => x.rule === 'foreign-write' && x.consumer === 'orders-service' && x.context === 'orders')).toBe(false)
    expect(report.summary.failing).toBe(f.filter((x) => x.severity === 'error').length)
  })

  it('gives evidence that points at the log line the statement was logged on', () => {
    const f = report.findings.find((x) => x.rule === 'foreign-write' && x.consumer === 'ums-service' && x.table === 'user_credentials')!
    const e = f.evidence!
    expect(e.count).toBeGreaterThan(0)
    expect(e.fingerprint).toMatch(/\S/)
    expect(e.sample).toMatch(/user_credentials/i)
    expect(e.sample).not.toMatch(/'[^']*[a-z0-9][^']*'/i) // literals masked
    expect(Date.parse(e.firstSeen!)).toBeLessThanOrEqual(Date.parse(e.lastSeen!))
    expect(Date.parse(e.firstSeen!)).toBeGreaterThanOrEqual(Date.parse(report.evidence!.window.from!))
    expect(e.source!.file).toMatch(/postgresql\.csv$/)
    const lines = readFileSync(csvLog, 'utf8').split('\n')
    const record = lines.slice(e.source!.line - 1, e.source!.line + 4).join('\n')
    expect(record).toMatch(/user_credentials/i)
    expect(record).toMatch(/ums_svc|ums-service/)
    // The finding points into the boundaries file, at the line listing the table.
    const boundaries = readFileSync(isAbsolute(f.location!.file) ? f.location!.file : join(tmp, f.location!.file), 'utf8')
    expect(boundaries.split('\n')[f.location!.line - 1]).toContain('user_credentials')
  })

  it('checks the catalog and the database too: cross-context foreign keys, no unowned table', () => {
    expect(report.findings.some((x) => x.rule === 'cross-context-fk' && x.table === 'orders' && x.severity === 'warning')).toBe(true)
    expect(report.findings.filter((x) => x.rule === 'unowned-table')).toEqual([])
    expect(report.findings.filter((x) => x.rule === 'missing-table')).toEqual([])
  })
})

describe('carve check without a database (--catalog, --workload)', () => {
  it('prints SARIF 2.1.0 that validates against the SARIF schema, with results', async () => {
    const run = await offline(['-f', carveYml, '--format', 'sarif'])
    expect(run.code).toBe(1)
    const sarif = JSON.parse(run.stdout) as {version: string; runs: {results: {ruleId: string; locations: {physicalLocation: {artifactLocation: {uri: string}; region: {startLine: number}}}[]}[]}[]}
    // The OASIS schema (draft-04, from @microsoft/jest-sarif's copy): `id` is draft-04's `$id`;
    // its patterns are ECMA-262 without the u flag.
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>
    delete schema.$schema
    schema.$id = schema.id
    delete schema.id
    const ajv = new Ajv({allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false})
    const validate = ajv.compile(schema)
    const ok = validate(sarif)
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
    expect(sarif.version).toBe('2.1.0')
    const results = sarif.runs[0]!.results
    expect(results.length).toBeGreaterThan(30)
    expect(results.some((r) => r.ruleId === 'foreign-write')).toBe(true)
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('carve.yml')
    // A broken document must fail the same validation (the test can fail).
    expect(validate({version: '2.1.0', runs: [{results: []}]})).toBe(false)
  })

  it('github workflow commands point at the carve.yml line of the table; junit lists failures', async () => {
    const gh = await offline(['-f', carveYml, '--format', 'github'])
    expect(gh.code).toBe(1)
    const line = gh.stdout.split('\n').find((l) => l.startsWith('::error ') && l.includes('ums-service writes user_credentials'))!
    const m = /^::error file=carve\.yml,line=(\d+),title=[^:]+::/.exec(line)
    expect(m).not.toBeNull()
    expect(readFileSync(carveYml, 'utf8').split('\n')[Number(m![1]) - 1]).toContain('user_credentials')

    const junit = await offline(['-f', carveYml, '--format', 'junit'])
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="carve check" tests="\d+" failures="(\d+)">/)
    const failures = Number(/failures="(\d+)"/.exec(junit.stdout)![1])
    expect((junit.stdout.match(/<failure /g) ?? []).length).toBe(failures)
    expect(failures).toBeGreaterThan(30)
    expect(junit.stdout.match(/<testsuite /g)!.length).toBeGreaterThanOrEqual(10)
  })

  it('--write-baseline then --baseline exits 0; a new violation still fails', async () => {
    const baseline = join(tmp, 'baseline.json')
    const write = await offline(['-f', carveYml, '--write-baseline', baseline, '--json'])
    expect(write.code).toBe(0)
    const again = await offline(['-f', carveYml, '--baseline', baseline])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/known from the baseline/)
    // Move user_credentials into another context: its writers now break a boundary that is new.
    const doc = parse(readFileSync(carveYml, 'utf8')) as {contexts: {name: string; tables: string[]}[]}
    const auth = doc.contexts.find((c) => c.name === 'auth')!
    auth.tables = auth.tables.filter((t) => t !== 'mfa_factors')
    doc.contexts.find((c) => c.name === 'billing')!.tables.push('mfa_factors')
    const moved = join(tmp, 'moved.yml')
    writeFileSync(moved, stringify(doc))
    const fresh = await offline(['-f', moved, '--baseline', baseline, '--json'])
    expect(fresh.code).toBe(1)
    const r = JSON.parse(fresh.stdout) as CheckReport
    const newOnes = r.findings.filter((f) => !f.known && f.severity === 'error')
    expect(newOnes.length).toBeGreaterThan(0)
    expect(newOnes.every((f) => f.table === 'mfa_factors')).toBe(true)
  })

  it('an exception removes exactly its finding; an expired one is an error', async () => {
    const before = JSON.parse((await offline(['-f', carveYml, '--json'])).stdout) as CheckReport
    const target = before.findings.find((f) => f.rule === 'foreign-write' && f.consumer === 'rbac-service' && f.table === 'user_profiles')!
    expect(target).toBeDefined()
    const withException = join(tmp, 'exception.yml')
    writeBoundaries(withException, [{consumer: 'rbac-service', table: 'user_profiles', access: 'write', approved_by: 'ana@example.com', expires: '2027-06-30', exit_plan: 'profile API'}])
    const after = JSON.parse((await offline(['-f', withException, '--json'])).stdout) as CheckReport
    const ids = (r: CheckReport) => new Set(r.findings.map((f) => f.id))
    expect([...ids(before)].filter((id) => !ids(after).has(id))).toEqual([target.id])
    expect([...ids(after)].filter((id) => !ids(before).has(id))).toEqual([])

    const expired = join(tmp, 'expired.yml')
    writeBoundaries(expired, [{consumer: 'rbac-service', table: 'user_profiles', access: 'write', approved_by: 'ana@example.com', expires: '2026-11-30', exit_plan: 'profile API'}])
    const run = await offline(['-f', expired, '--json', '--warn-days', '30'])
    expect(run.code).toBe(1)
    const r = JSON.parse(run.stdout) as CheckReport
    const e = r.findings.find((f) => f.rule === 'exception-expired')!
    expect(e).toMatchObject({severity: 'error', consumer: 'rbac-service', table: 'user_profiles', context: 'ums'})
    expect(e.location!.line).toBe(readFileSync(expired, 'utf8').split('\n').findIndex((l) => l.includes('consumer: rbac-service')) + 1)
    expect(has(r.findings, 'foreign-write', 'rbac-service', 'user_profiles')).toBe(true)

    const soon = join(tmp, 'soon.yml')
    writeBoundaries(soon, [
      {consumer: 'rbac-service', table: 'user_profiles', access: 'write', approved_by: 'ana@example.com', expires: '2026-12-20', exit_plan: 'profile API'},
      {consumer: 'catalog-service', table: 'refunds', access: 'write', approved_by: 'ana@example.com', expires: '2027-12-20', exit_plan: 'none needed'},
    ])
    const s = JSON.parse((await offline(['-f', soon, '--json'])).stdout) as CheckReport
    expect(s.findings.find((f) => f.rule === 'exception-expiring')).toMatchObject({severity: 'warning', consumer: 'rbac-service'})
    expect(s.findings.find((f) => f.rule === 'exception-unused')).toMatchObject({severity: 'info', consumer: 'catalog-service', table: 'refunds'})
  })

  it('--plan: no drift on the plan written from the same inputs; an edited step is one error', async () => {
    const plan = join(tmp, 'plan')
    const catalog = JSON.parse(readFileSync(catalogJson, 'utf8')) as Catalog
    const workload = JSON.parse(readFileSync(workloadJson, 'utf8')) as Workload
    const generated = generatePlan(catalog, loadBoundaries(carveYml), workload, {name: 'plan'})
    writePlan(plan, generated)
    const clean = JSON.parse((await offline(['-f', carveYml, '--plan', plan, '--json'])).stdout) as CheckReport
    expect(clean.findings.filter((f) => f.rule === 'plan-drift')).toEqual([])
    const grants = generated.manifest.steps.find((s) => s.kind === 'grants')!
    const step = grants.id
    const up = grants.files.up!
    writeFileSync(join(plan, up), readFileSync(join(plan, up), 'utf8') + '\n-- hand edit\n')
    const drifted = JSON.parse((await offline(['-f', carveYml, '--plan', plan, '--json'])).stdout) as CheckReport
    const drift = drifted.findings.filter((f) => f.rule === 'plan-drift')
    expect(drift.map((f) => [f.severity, f.location!.file])).toEqual([['error', join('plan', up)]])
    expect(drift[0]!.context).toBe(/-grants-(.+)$/.exec(step)![1])
  })

  it('reads a folder of .sql files per service as evidence, with file and line', async () => {
    const sql = join(tmp, 'sql', 'rbac-service')
    mkdirSync(sql, {recursive: true})
    writeFileSync(join(sql, 'roles.sql'), 'SELECT id FROM roles WHERE id = 1;\n')
    writeFileSync(join(sql, 'profiles.sql'), "UPDATE user_profiles\n   SET display_name = 'x'\n WHERE user_id = 7;\nSELECT id FROM roles;\n")
    const run = await runCarve(['check', '--catalog', catalogJson, '-f', carveYml, '--json', '--today', TODAY, join(tmp, 'sql')], {cwd: tmp})
    expect(run.code).toBe(1)
    const r = JSON.parse(run.stdout) as CheckReport
    const f = r.findings.find((x) => x.rule === 'foreign-write')!
    expect(f).toMatchObject({consumer: 'rbac-service', table: 'user_profiles', context: 'ums'})
    expect(f.evidence!.source!.file).toBe(join('sql', 'rbac-service', 'profiles.sql'))
    expect(f.evidence!.source!.line).toBe(1)
    expect(r.findings.filter((x) => x.rule === 'foreign-write' || x.rule === 'foreign-read')).toHaveLength(1)
  })

  it('--strict-reads makes reads errors; --context keeps one context\'s findings', async () => {
    const strict = JSON.parse((await offline(['-f', carveYml, '--json', '--strict-reads'])).stdout) as CheckReport
    const reads = strict.findings.filter((f) => f.rule === 'foreign-read')
    expect(reads.length).toBeGreaterThan(0)
    expect(reads.every((f) => f.severity === 'error')).toBe(true)
    const oneContext = await offline(['-f', carveYml, '--context', 'reference-data', '--json'])
    const r = JSON.parse(oneContext.stdout) as CheckReport
    expect(r.findings.every((f) => f.context === 'reference-data')).toBe(true)
  })
})

describe('carve check: bad input is one line and exit 2', () => {
  const expectUsage = (run: {code: number | null; stderr: string}, pattern: RegExp) => {
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(pattern)
    expect(hasStackTrace(run.stderr)).toBe(false)
    expect(run.stderr.split('\n').filter((l) => l.startsWith('error')).length).toBe(1)
  }

  it('a broken carve.yml names its line', async () => {
    const broken = join(tmp, 'broken.yml')
    writeFileSync(broken, 'version: 1\ncontexts:\n  - name: Orders Team\n    tables: [orders]\n')
    expectUsage(await offline(['-f', broken]), /broken\.yml:3: contexts\.0\.name/)
    writeFileSync(broken, 'version: 1\ncontexts: [\n')
    expectUsage(await offline(['-f', broken]), /broken\.yml(:\d+)?: not valid YAML/)
  })

  it('an unreadable or unusable log', async () => {
    expectUsage(await runCarve(['check', '--catalog', catalogJson, '-f', carveYml, join(tmp, 'no-such.log')], {cwd: tmp}), /cannot read .*no-such\.log: no such file/)
    const garbage = join(tmp, 'garbage.log')
    writeFileSync(garbage, 'this is not a database log\nnor is this\n')
    expectUsage(await runCarve(['check', '--catalog', catalogJson, '-f', carveYml, garbage], {cwd: tmp}), /nothing to ingest/)
  })

  it('an exception naming an unknown table', async () => {
    const unknown = join(tmp, 'unknown.yml')
    writeBoundaries(unknown, [{consumer: 'reporting', table: 'ordres', access: 'read', approved_by: 'ana@example.com', expires: '2027-06-30', exit_plan: 'typo'}])
    expectUsage(await offline(['-f', unknown]), /unknown\.yml:\d+: exceptions\.0\.table: unknown table "ordres"/)
  })

  it('a broken catalog, baseline or unknown context', async () => {
    const bad = join(tmp, 'bad.json')
    writeFileSync(bad, '{"format": "something else"}')
    expectUsage(await runCarve(['check', '--catalog', bad, '-f', carveYml], {cwd: tmp}), /is not a Carve catalog/)
    expectUsage(await offline(['-f', carveYml, '--baseline', bad]), /is not a carve check baseline/)
    expectUsage(await offline(['-f', carveYml, '--context', 'nope']), /no context "nope"/)
  })
})

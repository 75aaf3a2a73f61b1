import {join} from 'node:path'

import {Flags} from '@oclif/core'
import ansis from 'ansis'

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'

import {adjustedRandIndex} from '../src/boundaries/compare.js'
import {designedBoundaries} from '../src/boundaries/example-contexts.js'
import {applyPlan, defaultExecuteOptions, rollbackPlan, verifyPlan} from '../src/execute/executor.js'
import {loadPlan} from '../src/execute/plan-files.js'
import {generatePlan} from '../src/plan/generate.js'
import {writePlan} from '../src/plan/write.js'
import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {CarveCommand} from '../src/cli/base.js'
import {exampleBoundariesFile, exampleLogs, exampleWorkload} from '../src/cli/example-inputs.js'
import {exampleDir} from '../src/db/examples.js'
import {assertNotEmpty, inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import type {Connection} from '../src/db/connection.js'
import type {BoundariesFile} from '../src/boundaries/file.js'
import {catalogSummary} from '../src/render/catalog-summary.js'
import {proposalSummary} from '../src/render/proposal-summary.js'
import {workloadReport} from '../src/render/workload-report.js'
import type {Workload} from '../src/workload/model.js'

/**
 * The tour: everything Carve can do today, on the shipped example, with no server.
 * Each stage that lands adds its step here, so `npx carve demo` always shows the whole path.
 */
export default class Demo extends CarveCommand {
  static override summary = 'Run Carve end to end on the shipped example, in an embedded PostgreSQL.'
  static override description = `Starts an embedded PostgreSQL (PGlite) holding the example legacy database and runs every stage Carve has on it: inspect the schema, learn who reads and writes what from the example's captured query logs, propose bounded contexts (compared with the contexts the example's designers intended), write the migration plan for the designed contexts, apply it step by step, verify it and roll it all back. Nothing is written to disk but the example's cache (and the plan, with --out), and no server is needed.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq .discover.agreement']
  static override flags = {
    example: Flags.string({default: 'shop', summary: 'Which example to run on (see `carve example list`).'}),
    out: Flags.string({summary: 'Keep the generated plan in this folder (default: a temporary folder, removed afterwards).'}),
  }

  async run(): Promise<{example: string; catalog: Catalog; workload: Workload | null; proposal: Proposal; discover: {agreement: number | null}; execution: DemoExecution | null}> {
    const {flags} = await this.parse(Demo)
    const started = performance.now()
    const dir = exampleDir(flags.example)
    const conn = await this.connect({kind: 'example', name: flags.example})

    this.log(ansis.bold.cyan('\n1. Inspect — what is in the shared database'))
    const catalog = await inspect(conn)
    assertNotEmpty(catalog, `example ${flags.example}`)
    this.log(catalogSummary(catalog, {limit: 10}))

    let workload: Workload | null = null
    if (exampleLogs(flags.example).files.length) {
      this.log(ansis.bold.cyan('\n2. Workload — who reads and writes what, from the captured query logs'))
      workload = await exampleWorkload(flags.example, (m) => this.progress(m), {knownTables: catalog.tables.filter((t) => !t.partitionOf).map((t) => t.name)})
      if (workload) this.log(workloadReport(workload, {limit: 8}).split('\nAccess matrix')[0]!)
    }

    this.log(ansis.bold.cyan(`\n${workload ? 3 : 2}. Discover — candidate bounded contexts`))
    const proposal = propose(catalog, workload ?? undefined)
    this.log(proposalSummary(proposal, {tables: true}).split('\nMulti-writer tables')[0]!)
    const agreement = designersAgreement(dir, proposal)
    if (agreement !== null) {
      this.log(`\nAgreement with the designers' contexts (examples/${flags.example}/contexts.yml): adjusted Rand index ${ansis.bold(agreement.toFixed(3))} (1 = identical)`)
    }

    let execution: DemoExecution | null = null
    const boundaries = exampleBoundariesFile(flags.example)
    if (boundaries) {
      execution = await this.planAndExecute(conn, catalog, boundaries, workload, flags.out, workload ? 4 : 3)
    }

    this.log(ansis.bold.cyan('\nNext'))
    this.log(`  carve discover --example ${flags.example}                     review, rename, merge, pin and save the contexts (interactive on a terminal)`)
    this.log(`  carve plan --example ${flags.example} --out plans/${flags.example}        write the plan into your repository (committed here: plans/${flags.example}/)`)
    this.log(`  carve example load ${flags.example} --db pglite:./${flags.example}-db     a database that persists between commands, then:`)
    this.log(`  carve apply plans/${flags.example} --db pglite:./${flags.example}-db      and carve status / verify / rollback --all on it`)
    this.log(`  carve assess --example ${flags.example}                       each context's ownership maturity level, with the evidence`)
    this.log(`  carve workload ingest --example ${flags.example}              the full access matrix, joins and transactions across owners`)
    this.log(`  carve inspect --example ${flags.example} --limit 0            every table, with sizes and flags`)
    this.log(`  carve example load ${flags.example} --db postgres://…         the same database on a real server`)
    this.log(ansis.dim(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s`))
    return {example: flags.example, catalog, workload, proposal, discover: {agreement}, execution}
  }

  /** Plan the designed contexts, then apply, verify and roll back the whole plan in the embedded database. */
  private async planAndExecute(conn: Connection, catalog: Catalog, boundaries: BoundariesFile, workload: Workload | null, out: string | undefined, first: number): Promise<DemoExecution> {
    this.log(ansis.bold.cyan(`\n${first}. Plan — take every context up the ownership maturity levels`))
    const plan = generatePlan(catalog, boundaries, workload, {name: 'demo'})
    const dir = out ?? mkdtempSync(join(tmpdir(), 'carve-demo-plan-'))
    try {
      writePlan(dir, plan, {force: true})
      const byKind = new Map<string, number>()
      for (const s of plan.manifest.steps) byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + 1)
      this.log(`${plan.manifest.steps.length} steps for ${boundaries.contexts.length} contexts${out ? ` written to ${out}/` : ''}: ${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}`)
      const loaded = loadPlan(dir)
      const options = defaultExecuteOptions({onEvent: (e) => (e.type === 'step-failed' ? this.progress(`${e.step} failed: ${e.error}`) : undefined)})

      this.log(ansis.bold.cyan(`\n${first + 1}. Apply — every step in order, each in one transaction with its verify.sql, recorded in the ledger`))
      let t = performance.now()
      const applied = await applyPlan(conn, loaded, options)
      const applyMs = performance.now() - t
      const [moved] = await conn.query<{n: string}>('SELECT count(*)::text AS n FROM "orders"."orders"')
      const [legacy] = await conn.query<{n: string}>('SELECT count(*)::text AS n FROM "public"."orders"')
      this.log(`applied ${applied.applied.length} steps in ${(applyMs / 1000).toFixed(1)} s. orders now lives in schema "orders" (${Number(moved!.n).toLocaleString('en-US')} rows); legacy code still reads public.orders through its compatibility view (${Number(legacy!.n).toLocaleString('en-US')} rows).`)

      this.log(ansis.bold.cyan(`\n${first + 2}. Verify — re-run every applied step's verify.sql`))
      const verified = await verifyPlan(conn, loaded, options)
      this.log(`${verified.steps.filter((s) => s.ok).length} of ${verified.steps.length} steps verified${verified.ok ? '' : ' — some FAILED'}`)

      this.log(ansis.bold.cyan(`\n${first + 3}. Roll back — every step's down.sql, in reverse order`))
      t = performance.now()
      const rolled = await rollbackPlan(conn, loaded, {...options, all: true})
      const rollbackMs = performance.now() - t
      const after = await inspect(conn)
      const same = after.tables.filter((x) => x.schema === 'public').length === catalog.tables.filter((x) => x.schema === 'public').length
      this.log(`rolled back ${rolled.rolledBack.length} steps in ${(rollbackMs / 1000).toFixed(1)} s; ${same ? 'every table is back in public' : 'tables are NOT all back in public'}.`)
      return {steps: plan.manifest.steps.length, applied: applied.applied.length, verified: verified.ok, rolledBack: rolled.rolledBack.length, applyMs: Math.round(applyMs), rollbackMs: Math.round(rollbackMs), planDir: out ?? null}
    } finally {
      if (!out) rmSync(dir, {recursive: true, force: true})
    }
  }
}

interface DemoExecution {
  steps: number
  applied: number
  verified: boolean
  rolledBack: number
  applyMs: number
  rollbackMs: number
  planDir: string | null
}

/** ARI between the proposal and the example's contexts.yml, when the example has one. */
function designersAgreement(dir: string, proposal: Proposal): number | null {
  // The same reading of contexts.yml as plan and assess: shared reference data and deprecated
  // tables are contexts of their own there too.
  const design = designedBoundaries(dir)
  if (!design) return null
  const truth = new Map<string, string>()
  for (const c of design.contexts) for (const t of c.tables) truth.set(t, c.name)
  const found = new Map(proposal.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as [string, string])))
  return adjustedRandIndex(found, truth)
}

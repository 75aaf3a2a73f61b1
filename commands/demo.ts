import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Flags} from '@oclif/core'
import ansis from 'ansis'
import {parse} from 'yaml'

import {adjustedRandIndex} from '../src/boundaries/compare.js'
import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {CarveCommand} from '../src/cli/base.js'
import {exampleDir} from '../src/db/examples.js'
import {assertNotEmpty, inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {catalogSummary} from '../src/render/catalog-summary.js'
import {proposalSummary} from '../src/render/proposal-summary.js'
import {workloadReport} from '../src/render/workload-report.js'
import {loadServiceMap} from '../src/workload/attribution.js'
import {listExampleLogs} from '../src/workload/example-logs.js'
import type {Workload} from '../src/workload/model.js'

/**
 * The tour: everything Carve can do today, on the shipped example, with no server.
 * Each stage that lands adds its step here, so `npx carve demo` always shows the whole path.
 */
export default class Demo extends CarveCommand {
  static override summary = 'Run Carve end to end on the shipped example, in an embedded PostgreSQL.'
  static override description = `Starts an embedded PostgreSQL (PGlite) holding the example legacy database and runs every stage Carve has on it: inspect the schema, learn who reads and writes what from the example's captured query logs, and propose bounded contexts — then compares the proposal with the contexts the example's designers intended. Nothing is written to disk but the example's cache, and no server is needed.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq .discover.agreement']
  static override flags = {
    example: Flags.string({default: 'shop', summary: 'Which example to run on (see `carve example list`).'}),
  }

  async run(): Promise<{example: string; catalog: Catalog; workload: Workload | null; proposal: Proposal; discover: {agreement: number | null}}> {
    const {flags} = await this.parse(Demo)
    const started = performance.now()
    const dir = exampleDir(flags.example)
    const conn = await this.connect({kind: 'example', name: flags.example})

    this.log(ansis.bold.cyan('\n1. Inspect — what is in the shared database'))
    const catalog = await inspect(conn)
    assertNotEmpty(catalog, `example ${flags.example}`)
    this.log(catalogSummary(catalog, {limit: 10}))

    let workload: Workload | null = null
    const logs = listExampleLogs(dir)
    if (logs.length) {
      this.log(ansis.bold.cyan('\n2. Workload — who reads and writes what, from the captured query logs'))
      this.progress(`ingesting ${logs.join(', ')}`)
      const {ingest} = await import('../src/workload/ingest.js')
      const map = join(dir, 'logs', 'service-map.yml')
      workload = await ingest({files: logs, serviceMap: existsSync(map) ? loadServiceMap(map) : undefined, knownTables: catalog.tables.filter((t) => !t.partitionOf).map((t) => t.name)})
      this.log(workloadReport(workload, {limit: 8}).split('\nAccess matrix')[0]!)
    }

    this.log(ansis.bold.cyan(`\n${workload ? 3 : 2}. Discover — candidate bounded contexts`))
    const proposal = propose(catalog, workload ?? undefined)
    this.log(proposalSummary(proposal, {tables: true}).split('\nMulti-writer tables')[0]!)
    const agreement = designersAgreement(dir, proposal)
    if (agreement !== null) {
      this.log(`\nAgreement with the designers' contexts (examples/${flags.example}/contexts.yml): adjusted Rand index ${ansis.bold(agreement.toFixed(3))} (1 = identical)`)
    }

    this.log(ansis.bold.cyan('\nNext'))
    this.log(`  carve discover --example ${flags.example}                 review, rename, merge, pin and save the contexts (interactive on a terminal)`)
    this.log(`  carve workload ingest --example ${flags.example}          the full access matrix, joins and transactions across owners`)
    this.log(`  carve inspect --example ${flags.example} --limit 0         every table, with sizes and flags`)
    this.log(`  carve example load ${flags.example} --db postgres://…     the same database on a real server`)
    this.log(ansis.dim(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s`))
    return {example: flags.example, catalog, workload, proposal, discover: {agreement}}
  }
}

/** ARI between the proposal and the example's contexts.yml, when the example has one. */
function designersAgreement(dir: string, proposal: Proposal): number | null {
  const path = join(dir, 'contexts.yml')
  if (!existsSync(path)) return null
  const design = parse(readFileSync(path, 'utf8')) as {contexts?: {name: string; tables: string[]}[]; shared_reference?: {tables: string[]}; deprecated?: string[]}
  const truth = new Map<string, string>()
  for (const c of design.contexts ?? []) for (const t of c.tables) truth.set(t, c.name)
  for (const t of design.shared_reference?.tables ?? []) truth.set(t, 'shared reference')
  for (const t of design.deprecated ?? []) truth.set(t, 'deprecated')
  const found = new Map(proposal.contexts.flatMap((c) => c.tables.map((t) => [t, c.name] as [string, string])))
  return adjustedRandIndex(found, truth)
}

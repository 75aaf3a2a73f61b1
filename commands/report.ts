import {resolve} from 'node:path'

import {Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {resolveBoundaries, resolveWorkload} from '../src/cli/inputs.js'
import {describeTarget} from '../src/db/target.js'
import {CarveError, EXIT} from '../src/errors.js'

export default class Report extends CarveCommand {
  static override summary = 'Write a static HTML report: the context map, the access matrix, maturity levels and plan progress.'
  static override description = `One self-contained index.html (no server, no network; open it in any browser or keep it as a CI artifact):
  • the context map — contexts holding their tables, foreign keys, joins and write transactions as edges, those crossing contexts in red; pan, zoom, hover for couplings
  • the access matrix — services × tables as a heatmap, writes red, reads blue, foreign access outlined
  • each context's Database Ownership Maturity level with the evidence for every level
  • the plan's progress from the ledger, with --plan DIR
Reads the database (--db / DATABASE_URL / --example), the boundaries file (--file, default ./carve.yml; with --example and no carve.yml, the example's) and a workload (--workload; with --example, the example's logs).`
  static override examples = [
    {description: 'The example', command: '<%= config.bin %> <%= command.id %> --example shop --out report'},
    {description: 'Your database, boundaries, workload and plan', command: '<%= config.bin %> <%= command.id %> --db postgres://carve_ro@db/legacy --file carve.yml --workload workload.json --plan plans/legacy --out report'},
  ]
  static override flags = {
    ...connectionFlags,
    out: Flags.string({char: 'o', required: true, summary: 'Folder to write index.html into (created when missing).'}),
    file: Flags.string({char: 'f', summary: 'The boundaries file (default ./carve.yml).'}),
    workload: Flags.string({char: 'w', summary: 'A workload from `carve workload ingest` (with --example: the example\'s logs).'}),
    plan: Flags.string({char: 'p', summary: 'A plan folder: show its progress from the ledger in the database.'}),
    schema: Flags.string({char: 's', multiple: true, summary: 'Schemas to read (default: all non-system schemas).'}),
    title: Flags.string({summary: 'The page title (default: "Carve report — DATABASE").'}),
    'role-prefix': Flags.string({default: 'carve_', summary: 'Prefix of the service roles Carve creates (as in the plan).'}),
  }

  async run(): Promise<{file: string; contexts: number; tables: number; edges: number; cells: number; planSteps: number | null; missing: string[]}> {
    const {flags} = await this.parse(Report)
    const target = this.resolveTarget(flags)
    const progress = (m: string) => this.progress(m)
    const boundaries = resolveBoundaries(flags.file, flags.example, progress)
    // Loaded before connecting: a broken plan folder is a usage error, not a half-written report.
    const {loadPlan} = await import('../src/execute/plan-files.js')
    const plan = flags.plan ? loadPlan(flags.plan) : null
    const workload = await resolveWorkload(flags.workload, flags.example, progress)
    const conn = await this.connect(target)

    const {inspect} = await import('../src/introspect/index.js')
    const catalog = await inspect(conn, {schemas: flags.schema})
    if (catalog.tables.length === 0) {
      throw new CarveError('report.empty', `no tables in ${describeTarget(target)}`, {exitCode: EXIT.failure, hint: 'check --db and --schema'})
    }
    progress('assessing each context')
    const [{gatherAssessmentFacts}, {assess}] = await Promise.all([import('../src/assess/assess-facts.js'), import('../src/assess/assess.js')])
    const conventions = {rolePrefix: flags['role-prefix']}
    const facts = await gatherAssessmentFacts(conn, {boundaries, conventions, onProgress: progress})
    const assessment = assess(facts, boundaries, workload, {today: new Date().toISOString().slice(0, 10), conventions})

    let status = null
    if (plan) {
      const {planStatus} = await import('../src/execute/executor.js')
      status = await planStatus(conn, plan)
    }

    const [{reportData}, {writeReport}] = await Promise.all([import('../src/report/data.js'), import('../src/report/html.js')])
    const data = reportData({
      title: flags.title ?? `Carve report — ${catalog.database.name}`,
      generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      catalog,
      boundaries,
      workload,
      assessment,
      status,
    })
    const file = writeReport(resolve(flags.out), data)
    this.log(`Wrote ${file}: ${data.contexts.length} contexts, ${data.tables.length} tables, ${data.edges.length} edges, ${data.matrix.cells.length} access cells${data.plan ? `, plan ${data.plan.applied}/${data.plan.steps.length} applied` : ''}.`)
    for (const m of data.missing) this.log(`  note: ${m}`)
    return {file, contexts: data.contexts.length, tables: data.tables.length, edges: data.edges.length, cells: data.matrix.cells.length, planSteps: data.plan?.steps.length ?? null, missing: data.missing}
  }
}

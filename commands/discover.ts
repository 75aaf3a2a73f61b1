import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {boundariesFromProposal, decisionsFrom, diffBoundaries, keepNames, loadBoundaries, saveBoundaries} from '../src/boundaries/file.js'
import type {Proposal} from '../src/boundaries/model.js'
import {propose} from '../src/boundaries/propose.js'
import {exampleDir} from '../src/db/examples.js'
import {inspect} from '../src/introspect/index.js'
import {changesSummary, proposalSummary} from '../src/render/proposal-summary.js'
import {loadServiceMap} from '../src/workload/attribution.js'
import {listExampleLogs} from '../src/workload/example-logs.js'
import {ingest} from '../src/workload/ingest.js'
import type {Workload} from '../src/workload/model.js'
import {readWorkload} from '../src/workload/read.js'

export default class Discover extends CarveCommand {
  static override summary = 'Propose bounded contexts: cluster tables by FKs, joins, transactions, writers and names.'
  static override description = `Builds a weighted graph of the tables (declared and inferred references, joins and write transactions from the workload, the same main writer, views, triggers, name stems), damps hub and reference tables, and clusters it with Louvain (seeded: the same input gives the same answer). Each context gets a name and a proposed owner (the service writing it most); the report lists cross-context FKs, joins and transactions, foreign writers and multi-writer tables.

Decisions live in the boundaries file (carve.yml by default): pinned tables never move, owners and names are kept, and a re-run shows what would change. --yes writes the proposal into the file.`
  static override examples = [
    {description: 'The example, with its captured workload', command: '<%= config.bin %> <%= command.id %> --example shop'},
    {description: 'Accept the proposal into carve.yml without prompts', command: '<%= config.bin %> <%= command.id %> --db postgres://carve_ro@db/legacy --workload workload.json --yes'},
    {description: 'Machine-readable proposal', command: '<%= config.bin %> <%= command.id %> --example shop --json | jq \'.contexts[] | {name, owner, tables}\''},
    {description: 'Ask for about 12 contexts', command: '<%= config.bin %> <%= command.id %> --example shop --contexts 12'},
  ]
  static override flags = {
    ...connectionFlags,
    workload: Flags.string({char: 'w', summary: 'A workload from `carve workload ingest` (with --example: the example\'s logs by default).'}),
    file: Flags.string({char: 'f', default: 'carve.yml', summary: 'The boundaries file to respect and update.'}),
    yes: Flags.boolean({char: 'y', summary: 'Accept the proposal and write the boundaries file, without prompts.'}),
    contexts: Flags.integer({min: 1, summary: 'About how many contexts you expect (a hint for the resolution).'}),
    resolution: Flags.string({default: 'auto', summary: 'Louvain resolution: a number (higher = smaller contexts) or auto.'}),
    seed: Flags.integer({default: 42, summary: 'Random seed; the same seed and input give the same proposal.'}),
    'schema-only': Flags.boolean({summary: 'Ignore any workload: cluster from the schema alone.'}),
  }

  async run(): Promise<Proposal> {
    const {flags} = await this.parse(Discover)
    const conn = await this.connect(this.resolveTarget(flags))
    this.progress('reading the catalog')
    const catalog = await inspect(conn)
    let workload: Workload | undefined
    if (!flags['schema-only']) {
      if (flags.workload) workload = readWorkload(flags.workload)
      else if (flags.example) {
        const logs = listExampleLogs(exampleDir(flags.example))
        if (logs.length) {
          this.progress(`learning the workload from ${logs.join(', ')}`)
          const map = join(exampleDir(flags.example), 'logs', 'service-map.yml')
          workload = await ingest({files: logs, serviceMap: existsSync(map) ? loadServiceMap(map) : undefined})
        }
      }
    }
    const previous = loadBoundaries(flags.file)
    const {pins, owners} = decisionsFrom(previous)
    const resolution = flags.resolution === 'auto' ? 'auto' : Number(flags.resolution)
    if (resolution !== 'auto' && !(resolution > 0)) this.error('--resolution takes a positive number or auto', {exit: 2})
    this.progress(`clustering ${catalog.tables.length} tables${workload ? ' with the workload' : ' from the schema alone'}`)
    const proposal = keepNames(propose(catalog, workload, {pins, owners, resolution, seed: flags.seed, contextsHint: flags.contexts}), previous)
    const next = boundariesFromProposal(proposal, previous)
    const changes = diffBoundaries(previous, next)
    this.log(proposalSummary(proposal))
    this.log('')
    this.log(changesSummary(changes, flags.file))
    if (flags.yes) {
      saveBoundaries(flags.file, next)
      this.log(`Wrote ${flags.file}.`)
    } else if (!this.jsonEnabled()) {
      this.log(`Run again with --yes to write ${flags.file}.`)
    }
    return proposal
  }
}

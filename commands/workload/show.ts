import {Args, Flags} from '@oclif/core'

import {CarveCommand} from '../../src/cli/base.js'
import {CarveError, EXIT} from '../../src/errors.js'
import {crossOwner, workloadReport} from '../../src/render/workload-report.js'
import type {Workload} from '../../src/workload/model.js'
import {readWorkload} from '../../src/workload/read.js'

export default class WorkloadShow extends CarveCommand {
  static override summary = 'Print a workload: multi-writer tables, the access matrix, cross-owner joins and transactions.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> workload.json --service orders-service',
    '<%= config.bin %> <%= command.id %> workload.json --json | jq \'.tables[] | select(.classification != "single-writer")\'',
  ]
  static override args = {file: Args.string({default: 'workload.json', description: 'a workload written by `carve workload ingest`'})}
  static override flags = {
    service: Flags.string({summary: 'Only the tables this service touches.'}),
    limit: Flags.integer({default: 0, min: 0, summary: 'Rows per section (0 = all).'}),
  }

  async run(): Promise<Workload & {crossOwnerJoins: unknown[]; crossOwnerTransactions: unknown[]}> {
    const {args, flags} = await this.parse(WorkloadShow)
    const workload = readWorkload(args.file)
    if (flags.service && !workload.services.some((s) => s.name === flags.service)) {
      throw new CarveError('usage.service', `no service "${flags.service}" in ${args.file}`, {exitCode: EXIT.usage, hint: `services: ${workload.services.map((s) => s.name).join(', ')}`})
    }
    this.log(workloadReport(workload, {limit: flags.limit, service: flags.service}))
    return {...workload, crossOwnerJoins: crossOwner(workload, workload.joins), crossOwnerTransactions: crossOwner(workload, workload.transactions)}
  }
}

import {Flags} from '@oclif/core'
import ansis from 'ansis'

import {CarveCommand} from '../src/cli/base.js'
import {assertNotEmpty, inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'
import {catalogSummary} from '../src/render/catalog-summary.js'

/**
 * The tour: everything Carve can do today, on the shipped example, with no server.
 * Each stage that lands adds its step here, so `npx carve demo` always shows the whole path.
 */
export default class Demo extends CarveCommand {
  static override summary = 'Run Carve end to end on the shipped example, in an embedded PostgreSQL.'
  static override description = `Starts an embedded PostgreSQL (PGlite), loads the example legacy database, and runs every stage Carve has on it. Nothing is written outside memory and no server is needed.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --example shop --json']
  static override flags = {
    example: Flags.string({default: 'shop', summary: 'Which example to run on (see `carve example list`).'}),
  }

  async run(): Promise<{example: string; catalog: Catalog}> {
    const {flags} = await this.parse(Demo)
    const started = performance.now()
    const conn = await this.connect({kind: 'example', name: flags.example})
    this.log(ansis.bold.cyan(`\n1. Discover — inspect the shared database`))
    const catalog = await inspect(conn)
    assertNotEmpty(catalog, `example ${flags.example}`)
    this.log(catalogSummary(catalog, {limit: 15}))
    this.log(ansis.bold.cyan('\nNext'))
    this.log(`  carve inspect --example ${flags.example} --limit 0     every table, with sizes and flags`)
    this.log(`  carve inspect --example ${flags.example} --json         the catalog as JSON`)
    this.log(`  carve example load ${flags.example} --db postgres://…   the same database on a real server`)
    this.log(ansis.dim(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s`))
    return {example: flags.example, catalog}
  }
}

import {Args, Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../../src/cli/base.js'
import {CarveError} from '../../src/errors.js'
import {inspect} from '../../src/introspect/index.js'

export default class ExampleLoad extends CarveCommand {
  static override summary = 'Create an example database (schema and seed data) in a database of yours.'
  static override description = `Loads the example's schema.sql and seed.sql into the database given by --db or DATABASE_URL, which should be empty: the example creates its tables in the public schema. Use it to try Carve against a real PostgreSQL server, or to keep an embedded copy on disk (pglite:PATH).`
  static override examples = [
    {description: 'Into a fresh PostgreSQL database', command: 'createdb shop && <%= config.bin %> <%= command.id %> shop --db postgres://localhost/shop'},
    {description: 'Into an embedded database on disk, then inspect it', command: '<%= config.bin %> <%= command.id %> shop --db pglite:./shop-db && <%= config.bin %> inspect --db pglite:./shop-db'},
    {description: 'Print the SQL instead', command: '<%= config.bin %> <%= command.id %> shop --print > shop.sql'},
  ]
  static override args = {name: Args.string({required: true, description: 'example name (see `carve example list`)'})}
  static override flags = {
    db: connectionFlags.db,
    print: Flags.boolean({summary: 'Print the example SQL to stdout instead of loading it.'}),
  }

  async run(): Promise<{example: string; target: string; tables: number; rows: number}> {
    const {args, flags} = await this.parse(ExampleLoad)
    // Imported here, not at the top: examples.js loads the embedded-PostgreSQL driver.
    const {exampleScripts, loadExample} = await import('../../src/db/examples.js')
    if (flags.print) {
      for (const {sql} of exampleScripts(args.name)) process.stdout.write(sql.endsWith('\n') ? sql : sql + '\n')
      return {example: args.name, target: 'stdout', tables: 0, rows: 0}
    }
    const conn = await this.connect(this.resolveTarget({db: flags.db}))
    const existing = await inspect(conn)
    if (existing.tables.length > 0) {
      throw new CarveError('example.not-empty', `${conn.label} already has ${existing.tables.length} tables`, {
        hint: 'load the example into an empty database (createdb shop, or a new pglite:PATH)',
      })
    }
    await loadExample(conn, args.name, (m) => this.progress(m))
    const catalog = await inspect(conn)
    const rows = catalog.tables.reduce((n, t) => n + (t.estimatedRows ?? 0), 0)
    this.log(`loaded example "${args.name}" into ${conn.label}: ${catalog.tables.length} tables, ~${rows.toLocaleString('en-US')} rows`)
    return {example: args.name, target: conn.label, tables: catalog.tables.length, rows}
  }
}

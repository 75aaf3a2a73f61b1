import {Flags} from '@oclif/core'

import {CarveCommand, connectionFlags} from '../src/cli/base.js'
import {describeTarget} from '../src/db/target.js'
import {assertNotEmpty, inspect} from '../src/introspect/index.js'
import type {Catalog} from '../src/introspect/model.js'

export default class Inspect extends CarveCommand {
  static override summary = 'Describe a database: tables, keys, foreign keys, indexes, views, triggers, sizes.'

  static override description = `Reads the database catalog (pg_catalog on PostgreSQL, information_schema on MySQL/MariaDB) with a fixed number of queries, whatever the number of tables, and derives the facts that matter for splitting it: effective-dated (SCD2) tables, tenant-scoped tables, deprecated tables, and references the application holds without a foreign key.

The catalog is the input of every later stage; save it with --out to work from a file.`

  static override examples = [
    {description: 'Inspect the shipped example in an embedded PostgreSQL (no server needed)', command: '<%= config.bin %> <%= command.id %> --example shop'},
    {description: 'Inspect your own PostgreSQL database', command: '<%= config.bin %> <%= command.id %> --db postgres://app@db.internal:5432/legacy'},
    {description: 'Only some schemas, every table listed', command: '<%= config.bin %> <%= command.id %> --schema public --schema billing --limit 0'},
    {description: 'MySQL or MariaDB (the database in the URL is the schema)', command: '<%= config.bin %> <%= command.id %> --db mysql://root@127.0.0.1:3306/shop'},
    {description: 'Save the catalog as JSON for later stages', command: 'DATABASE_URL=postgres://app@localhost/legacy <%= config.bin %> <%= command.id %> --out catalog.json'},
  ]

  static override flags = {
    ...connectionFlags,
    schema: Flags.string({char: 's', multiple: true, summary: 'Schema to inspect (repeatable). Default: all user schemas (MySQL: the URL\'s database).'}),
    out: Flags.string({char: 'o', summary: 'Also write the catalog as JSON to this file.'}),
    limit: Flags.integer({default: 40, min: 0, summary: 'How many tables the summary lists, largest first (0 = all).'}),
  }

  async run(): Promise<Catalog> {
    const {flags} = await this.parse(Inspect)
    const target = this.resolveTarget(flags)
    const conn = await this.connect(target)
    this.progress('reading the catalog')
    const catalog = await inspect(conn, {schemas: flags.schema})
    assertNotEmpty(catalog, describeTarget(target))
    if (flags.out) {
      const {writeOutputFile} = await import('../src/cli/output.js')
      writeOutputFile(flags.out, JSON.stringify(catalog, null, 2) + '\n')
      this.progress(`catalog written to ${flags.out}`)
    }
    // Under --json the catalog itself is the output: the summary (and the text renderer it
    // loads) would be built only to be thrown away — 10–15% of a 1,000-table run.
    if (!this.jsonEnabled()) {
      const {catalogSummary} = await import('../src/render/catalog-summary.js')
      this.log(catalogSummary(catalog, {limit: flags.limit}))
    }
    return catalog
  }
}

import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {CarveCommand} from '../../src/cli/base.js'

export default class ExampleList extends CarveCommand {
  static override summary = 'List the example legacy databases shipped with Carve.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<{examples: {name: string; title: string; path: string}[]}> {
    await this.parse(ExampleList)
    // Imported here, not at the top: examples.js loads the embedded-PostgreSQL driver.
    const {exampleDir, listExamples} = await import('../../src/db/examples.js')
    const examples = listExamples().map((name) => {
      const dir = exampleDir(name)
      let title = ''
      try {
        title = /^#\s+(.+)$/m.exec(readFileSync(join(dir, 'README.md'), 'utf8'))?.[1] ?? ''
      } catch {
        // An example without a README still works.
      }
      return {name, title, path: dir}
    })
    for (const e of examples) this.log(`${e.name.padEnd(12)} ${e.title}`)
    return {examples}
  }
}

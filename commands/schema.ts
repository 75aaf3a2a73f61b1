import {writeFileSync} from 'node:fs'

import {Args, Flags} from '@oclif/core'

import {CarveCommand} from '../src/cli/base.js'
import {jsonSchemaOf, SCHEMA_FILES, type SchemaFile} from '../src/schemas/json-schema.js'

export default class Schema extends CarveCommand {
  static override summary = 'Print the JSON Schema of carve.yml or plan.yml, for editor validation and completion.'
  static override description = `Point your editor at it with a first line such as
  # yaml-language-server: $schema=./carve.schema.json
(the YAML language server used by VS Code, Neovim and others), or map the file name to it in IntelliJ.
carve discover writes carve.schema.json and that line with every carve.yml it saves; carve plan
writes plan.schema.json into every plan folder.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> carve.yml --out carve.schema.json',
    '<%= config.bin %> <%= command.id %> plan.yml',
  ]
  static override args = {
    file: Args.string({description: 'which file', options: Object.keys(SCHEMA_FILES), required: true}),
  }
  static override flags = {
    out: Flags.string({char: 'o', summary: 'Write the schema to this file instead of stdout.'}),
  }
  // --json would print the same document: the schema is JSON already.
  static override enableJsonFlag = false

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Schema)
    const text = JSON.stringify(jsonSchemaOf(args.file as SchemaFile), null, 2) + '\n'
    if (flags.out) {
      writeFileSync(flags.out, text)
      process.stderr.write(`wrote ${flags.out}\n`)
    } else process.stdout.write(text)
  }
}

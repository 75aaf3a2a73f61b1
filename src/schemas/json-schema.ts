/**
 * JSON Schemas of the files people edit or review (carve.yml, plan.yml), derived from the zod
 * schemas Carve validates them with, so an editor (the YAML language server, IntelliJ) checks
 * and completes them with the same rules. Derived at run time: they can never drift from the
 * validator. Cross-field rules (a table in two contexts, a dependency on a later step) live in
 * zod refinements that JSON Schema cannot express; Carve still reports those with file:line.
 */
import {z} from 'zod'

import {boundariesSchema} from '../boundaries/file.js'
import {planSchema} from '../plan/model.js'

export const SCHEMA_FILES = {
  'carve.yml': {schema: boundariesSchema, title: 'Carve boundaries file (carve.yml)'},
  'plan.yml': {schema: planSchema, title: 'Carve migration plan manifest (plan.yml)'},
} as const

export type SchemaFile = keyof typeof SCHEMA_FILES

export function jsonSchemaOf(file: SchemaFile): Record<string, unknown> {
  const {schema, title} = SCHEMA_FILES[file]
  // io 'input': what a person may write (fields with defaults are optional there).
  const generated = z.toJSONSchema(schema, {io: 'input', unrepresentable: 'any', target: 'draft-2020-12'}) as Record<string, unknown>
  return {...generated, title, description: `Validated by Carve with the same rules; generate with \`carve schema ${file}\`.`}
}

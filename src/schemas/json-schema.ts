/**
 * JSON Schemas of the files people edit or review (carve.yml, plan.yml), derived from the zod
 * schemas Carve validates them with, so an editor (the YAML language server, IntelliJ) checks
 * and completes them with the same rules. Derived at run time: they can never drift from the
 * validator. Cross-field rules (a table in two contexts, a dependency on a later step) live in
 * zod refinements that JSON Schema cannot express; Carve still reports those with file:line.
 */
import {z} from 'zod'

import {boundariesSchema} from '../boundaries/file.js'
import {planJsonSchema} from '../plan/manifest.js'

export const SCHEMA_FILES = {
  'carve.yml': () => {
    // io 'input': what a person may write (fields with defaults are optional there).
    const generated = z.toJSONSchema(boundariesSchema, {io: 'input', unrepresentable: 'any', target: 'draft-2020-12'}) as Record<string, unknown>
    return {...generated, title: 'Carve boundaries file (carve.yml)', description: 'Validated by Carve with the same rules; generate with `carve schema carve.yml`.'}
  },
  // The plan stage owns its schema: every plan folder carries it as plan.schema.json.
  'plan.yml': planJsonSchema,
} as const

export type SchemaFile = keyof typeof SCHEMA_FILES

export function jsonSchemaOf(file: SchemaFile): Record<string, unknown> {
  return SCHEMA_FILES[file]()
}

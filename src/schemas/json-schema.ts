/**
 * JSON Schemas of the files people edit or review (carve.yml, plan.yml), derived from the zod
 * schemas Carve validates them with, so an editor (the YAML language server, IntelliJ) checks
 * and completes them with the same rules. Derived at run time: they can never drift from the
 * validator. Cross-field rules (a table in two contexts, a dependency on a later step) live in
 * zod refinements that JSON Schema cannot express; Carve still reports those with file:line.
 */
import {boundariesJsonSchema} from '../boundaries/file.js'
import {planJsonSchema} from '../plan/manifest.js'

// Each stage owns its schema and writes it beside its file: carve.schema.json next to every
// carve.yml Carve saves, plan.schema.json in every plan folder.
export const SCHEMA_FILES = {
  'carve.yml': boundariesJsonSchema,
  'plan.yml': planJsonSchema,
} as const

export type SchemaFile = keyof typeof SCHEMA_FILES

export function jsonSchemaOf(file: SchemaFile): Record<string, unknown> {
  return SCHEMA_FILES[file]()
}

/**
 * The boundaries file against the database it describes: every table it names must exist (a
 * typo, or a table dropped since, would otherwise be silently planned around), none may be
 * Carve's own or a system table, and no context may be named after a database role. The first
 * problem is an error naming file:line and the field (exit 2), like the file's own validation.
 */
import {CarveError, EXIT} from '../errors.js'
import {type BoundariesFile, lineIn, type LoadedBoundaries} from './file.js'
import {isForeignSchema, reservedNameProblem} from './scope.js'

export interface FileProblem {
  path: (string | number)[]
  message: string
}

/**
 * Problems of `file` against a database holding `tables` (table keys, as discovery writes them)
 * with `roles`, in file order. Keys are `name` in the default schema, `schema.name` elsewhere.
 */
export function boundariesProblems(file: BoundariesFile, tables: ReadonlySet<string>, roles: readonly string[] = []): FileProblem[] {
  const problems: FileProblem[] = []
  const tableProblem = (t: string): string | null => {
    if (tables.has(t)) return null
    const schema = t.includes('.') ? t.split('.')[0]! : ''
    if (schema && isForeignSchema(schema)) return `"${t}" is ${schema === 'carve' ? "Carve's own table" : 'a system table'}, not the application's: remove it`
    const near = [...tables].filter((x) => x.toLowerCase() === t.toLowerCase() || x.endsWith(`.${t}`))
    return `table "${t}" does not exist in the database${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}`
  }
  file.contexts.forEach((c, i) => {
    const named = reservedNameProblem(c.name, roles)
    if (named) problems.push({path: ['contexts', i, 'name'], message: named})
    c.tables.forEach((t, j) => {
      const problem = tableProblem(t)
      if (problem) problems.push({path: ['contexts', i, 'tables', j], message: problem})
    })
  })
  for (const t of Object.keys(file.pins)) {
    const problem = tableProblem(t)
    if (problem) problems.push({path: ['pins', t], message: problem})
  }
  return problems
}

/** Throw the first problem as `path:line: field: message` (exit 2), saying how many there are. */
export function assertBoundariesMatch(loaded: LoadedBoundaries, tables: ReadonlySet<string>, roles: readonly string[] = []): void {
  const problems = boundariesProblems(loaded.file, tables, roles)
  if (!problems.length) return
  const first = problems[0]!
  // No line when the boundaries were not read from a file (an example's built-in ones).
  const line = lineIn(loaded, first.path)
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
  throw new CarveError('boundaries.mismatch', `${loaded.path}${line ? `:${line}` : ''}: ${first.path.join('.')}: ${first.message}${more}`, {
    exitCode: EXIT.usage,
    hint: 'fix the file (a table renamed or dropped since, a typo?) and run again',
  })
}

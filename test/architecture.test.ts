/**
 * The shape of src/: no import cycles (type-only imports count too: a cycle of types is still
 * two modules that cannot be understood apart) and no file over 500 lines (issue 13). A small
 * walker over the import and re-export statements; dynamic `import()` is not followed (it is
 * how a module loads an optional part lazily, not a dependency of its own shape).
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

const SRC = resolve(import.meta.dirname, '../src')
const MAX_LINES = 500

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return sourceFiles(path)
      return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
    })
}

/** Relative module specifiers of the static imports and re-exports in a TypeScript file. */
export function importsOf(text: string): string[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const out: string[] = []
  const statement = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm
  for (let m = statement.exec(withoutComments); m; m = statement.exec(withoutComments)) if (m[1]!.startsWith('.')) out.push(m[1]!)
  return out
}

function resolveImport(from: string, specifier: string, files: Set<string>): string | null {
  const base = resolve(dirname(from), specifier)
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (files.has(candidate)) return candidate
  return null
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  const visit = (v: string) => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort())
    }
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v)
  return out
}

describe('architecture of src/', () => {
  const files = sourceFiles(SRC)
  const set = new Set(files)
  const name = (f: string) => relative(SRC, f)

  it('finds cycles with its own walker (a known cycle and a known acyclic graph)', () => {
    expect(importsOf("import type {A} from './a.js'\nimport {b} from \"../b.js\"\nexport {c} from './c.js'\nexport * from './d.js'\n// import {x} from './x.js'\nconst y = await import('./y.js')\nimport 'node:fs'")).toEqual(['./a.js', '../b.js', './c.js', './d.js'])
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e']]])
    expect(cycles(graph)).toEqual([['a', 'b', 'c'], ['e']])
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([])
  })

  it('has no import cycle', () => {
    const graph = new Map<string, string[]>()
    for (const f of files) {
      const targets = importsOf(readFileSync(f, 'utf8'))
        .map((s) => resolveImport(f, s, set))
        .filter((t): t is string => t !== null)
      graph.set(f, [...new Set(targets)])
    }
    expect(files.length).toBeGreaterThan(100)
    expect(cycles(graph).map((c) => c.map(name).join(' ↔ '))).toEqual([])
  })

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files.map((f) => ({file: name(f), lines: readFileSync(f, 'utf8').split('\n').length - 1})).filter((f) => f.lines > MAX_LINES)
    expect(long.map((f) => `${f.file} (${f.lines})`)).toEqual([])
  })
  // The pipeline's last stages (render, report) and the CLI read every stage's output; a stage to
  // their left importing them would be an arrow pointing right (helpers both need live in util/).
  it('has no stage importing render/, report/ or cli/', () => {
    const late = ['render', 'report', 'cli'].map((d) => join(SRC, d) + '/')
    const early = files.filter((f) => !late.some((d) => f.startsWith(d)))
    const wrong = early.flatMap((f) =>
      importsOf(readFileSync(f, 'utf8'))
        .map((s) => resolveImport(f, s, set))
        .filter((t): t is string => t !== null && late.some((d) => t.startsWith(d)))
        .map((t) => `${name(f)} → ${name(t)}`),
    )
    expect(early.length).toBeGreaterThan(100)
    expect(wrong).toEqual([])
  })
})

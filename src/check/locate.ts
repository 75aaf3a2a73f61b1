/**
 * Where in the boundaries file a finding is fixed: the line listing the table, the exception,
 * or the context — so `::error file=carve.yml,line=12::` and SARIF regions point at it.
 *
 * Tables are found by value (the first list item equal to the table's key) so the same code
 * locates them in carve.yml and in an example's contexts.yml, whose layout differs.
 */
import {isAbsolute, relative} from 'node:path'

import {isMap, isScalar, isSeq, visit} from 'yaml'

import {lineIn, type LoadedBoundaries} from '../boundaries/file.js'
import type {Draft, Finding} from './model.js'

export type Locator = (anchor: Draft['anchor']) => Finding['location']

/** Paths inside the working directory are given relative to it, as CI annotations expect. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

/** Locations in the boundaries file as it was read (its positions: the file is not parsed again). */
export function locator(boundaries: LoadedBoundaries | null): Locator {
  if (!boundaries?.positions) return (anchor) => (anchor?.kind === 'file' && anchor.file ? {file: displayPath(anchor.file), line: 1} : null)
  const path = displayPath(boundaries.path)
  const {doc, lines} = boundaries.positions
  const tableLines = new Map<string, number>()
  visit(doc, {
    Seq(_, seq) {
      for (const item of seq.items) {
        if (isScalar(item) && typeof item.value === 'string' && item.range && !tableLines.has(item.value)) {
          tableLines.set(item.value, lines.linePos(item.range[0]).line)
        }
      }
    },
  })
  const contextLine = (name: string): number | undefined => {
    const contexts = doc.get('contexts', true)
    if (!isSeq(contexts)) return undefined
    const index = contexts.items.findIndex((c) => isMap(c) && c.get('name') === name)
    return index >= 0 ? lineIn(boundaries, ['contexts', index, 'name']) : undefined
  }
  return (anchor) => {
    if (!anchor) return {file: path, line: 1}
    let line: number | undefined
    switch (anchor.kind) {
      case 'table':
        line = tableLines.get(anchor.table)
        break
      case 'exception':
        line = lineIn(boundaries, ['exceptions', anchor.index])
        break
      case 'context':
        line = contextLine(anchor.name)
        break
      case 'file':
        if (anchor.file) return {file: displayPath(anchor.file), line: 1}
        line = lineIn(boundaries, ['contexts'])
    }
    return {file: path, line: line ?? 1}
  }
}

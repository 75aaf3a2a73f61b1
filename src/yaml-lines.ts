/**
 * Line numbers for validation errors in YAML files people edit (carve.yml, plan.yml): the line
 * of the node a zod issue points at, or of its nearest parent that exists.
 */
import type {Document, LineCounter} from 'yaml'

export function lineOfPath(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const parts = path.map(String)
  for (let n = parts.length; n >= 0; n--) {
    const node = doc.getIn(parts.slice(0, n).map((p) => (/^\d+$/.test(p) ? Number(p) : p)), true) as {range?: [number, number, number]} | undefined
    if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line
  }
  return undefined
}

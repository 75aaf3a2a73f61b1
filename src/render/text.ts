/** Small text helpers for terminal output: sizes, counts (util/numbers.ts), aligned tables, safe names. */
import stringWidth from 'string-width'

import {safeText} from '../util/safe-text.js'

export {formatBytes, formatCount} from '../util/numbers.js'
export {safeText} from '../util/safe-text.js'

export function table(header: string[], rows: string[][], options: {align?: ('left' | 'right')[]; indent?: number} = {}): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => safeText(cell)))
  const widths = header.map((_, i) => Math.max(...cells.map((row) => stringWidth(row[i] ?? ''))))
  const pad = ' '.repeat(options.indent ?? 2)
  return cells
    .map((row) =>
      pad +
      row
        .map((cell, i) => {
          const gap = ' '.repeat(widths[i]! - stringWidth(cell))
          const last = i === row.length - 1
          return options.align?.[i] === 'right' ? gap + cell : last ? cell : cell + gap
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** Small text helpers for terminal output: sizes, counts (util/numbers.ts), aligned tables, safe names. */
import stringWidth from 'string-width'

export {formatBytes, formatCount} from '../util/numbers.js'

/**
 * Names come from the database and may hold anything, newlines and escape codes included.
 * Show control characters escaped so a hostile table name cannot rewrite the terminal.
 */
export function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

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

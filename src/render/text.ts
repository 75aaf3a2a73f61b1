/** Small text helpers for terminal output: sizes, counts, aligned tables, safe names. */
import stringWidth from 'string-width'

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

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

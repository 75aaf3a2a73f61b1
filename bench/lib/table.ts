/** Plain-text rendering of result rows (stdout stays free of colour codes and progress). */
import type {Measure, Row} from './registry.js'

const group = (n: number) => n.toLocaleString('en-US')

/** Three significant figures, grouped: 0.183 s, 1.24 s, 12.3 s, 1,234 s. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  if (abs >= 1000) return group(Math.round(value))
  if (abs === 0) return '0'
  const digits = Math.max(0, 2 - Math.floor(Math.log10(abs)))
  return value.toFixed(Math.min(digits, 4))
}

export function formatMeasure(m: Measure): string {
  // No reference to measure (a benchmark with an absolute target): a dash, not "NaN s".
  return Number.isNaN(m.value) ? '—' : `${formatValue(m.value)} ${m.unit}`
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×` : '—'
}

function renderGrid(header: string[], body: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['benchmark', 'case', 'Carve', 'reference', 'ref. time', 'ratio', 'target', 'met']
  const body = rows.map((r) => [
    r.benchmark,
    r.case,
    formatMeasure(r.carve),
    r.reference.name,
    formatMeasure(r.reference),
    formatRatio(r.ratio),
    r.target,
    r.met === null ? '—' : r.met ? 'yes' : 'NO',
  ])
  return renderGrid(header, body, new Set([2, 4, 5]))
}

/** One numbered note per row that has one, under the table. */
export function formatNotes(rows: readonly Row[]): string {
  return rows
    .filter((r) => r.notes)
    .map((r) => `- ${r.benchmark} / ${r.case}: ${r.notes}`)
    .join('\n')
}

export {group}

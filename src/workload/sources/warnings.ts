/** Warnings a log reader collects: counted per kind, with the first few line numbers. */
import type {SourceWarning} from '../events.js'
import type {newLineWarnings} from './lines.js'

const MAX_SAMPLES = 20

/** Warnings of one kind: a count, and the first few line numbers. */
export class WarningTally {
  private counts = new Map<string, {count: number; lines: number[]}>()

  add(kind: string, line: number): void {
    let entry = this.counts.get(kind)
    if (!entry) this.counts.set(kind, (entry = {count: 0, lines: []}))
    entry.count++
    if (entry.lines.length < MAX_SAMPLES) entry.lines.push(line)
  }

  count(kind: string): number {
    return this.counts.get(kind)?.count ?? 0
  }

  report(file: string, lineWarnings: ReturnType<typeof newLineWarnings>): SourceWarning[] {
    const out: SourceWarning[] = []
    const lines = (ls: number[], n: number) => `line${n > 1 ? 's' : ''} ${ls.join(', ')}${n > ls.length ? ', …' : ''}`
    for (const [kind, {count, lines: ls}] of this.counts) out.push({file, line: ls[0], message: `${count} ${kind} (${lines(ls, count)})`})
    const c = lineWarnings.counts
    if (c.invalidUtf8) out.push({file, line: lineWarnings.invalidUtf8[0], message: `${c.invalidUtf8} lines with invalid UTF-8, read with replacement characters (${lines(lineWarnings.invalidUtf8, c.invalidUtf8)})`})
    if (c.binary) out.push({file, line: lineWarnings.binary[0], message: `${c.binary} binary lines skipped (${lines(lineWarnings.binary, c.binary)})`})
    if (c.tooLong) out.push({file, line: lineWarnings.tooLong[0], message: `${c.tooLong} over-long lines skipped (${lines(lineWarnings.tooLong, c.tooLong)})`})
    if (lineWarnings.truncated) out.push({file, message: `the ${lineWarnings.truncated} stream is truncated or damaged: read up to the damage`})
    return out
  }
}

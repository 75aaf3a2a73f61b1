/**
 * Byte progress for long reads: on a terminal one line that updates in place (percent, MB/s,
 * ETA); elsewhere a plain line every few seconds, so CI logs stay readable.
 */
import ansis from 'ansis'

import {formatBytes} from '../render/text.js'

export class ByteProgress {
  private started = performance.now()
  private lastDraw = 0
  private doneBefore = 0
  private currentFile = ''
  private currentBytes = 0
  private readonly tty: boolean

  constructor(private readonly total: number, private readonly stream: NodeJS.WriteStream = process.stderr, private readonly enabled = true) {
    this.tty = Boolean(stream.isTTY)
  }

  update(file: string, bytes: number, size: number): void {
    if (!this.enabled) return
    if (file !== this.currentFile) {
      if (this.currentFile) this.doneBefore += this.currentBytes
      this.currentFile = file
    }
    this.currentBytes = Math.min(bytes, size || bytes)
    const now = performance.now()
    if (now - this.lastDraw < (this.tty ? 100 : 5000)) return
    this.lastDraw = now
    this.draw(now)
  }

  private draw(now: number): void {
    const done = this.doneBefore + this.currentBytes
    const seconds = (now - this.started) / 1000
    const rate = seconds > 0 ? done / seconds : 0
    const pct = this.total ? Math.min(100, (100 * done) / this.total) : 0
    const eta = rate > 0 && this.total ? Math.max(0, (this.total - done) / rate) : undefined
    const text = `ingesting ${this.currentFile}  ${pct.toFixed(0)}%  ${formatBytes(done)}/${formatBytes(this.total)}  ${formatBytes(rate)}/s` + (eta !== undefined ? `  ETA ${Math.ceil(eta)}s` : '')
    if (this.tty) this.stream.write(`\r\u001b[2K${ansis.dim(text)}`)
    else this.stream.write(`› ${text}\n`)
  }

  finish(): {seconds: number; bytes: number} {
    const seconds = (performance.now() - this.started) / 1000
    const bytes = this.doneBefore + this.currentBytes
    if (this.enabled && this.tty) this.stream.write('\r\u001b[2K')
    return {seconds, bytes}
  }
}

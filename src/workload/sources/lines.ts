/**
 * Read a log file as lines, whatever it holds: gzip, bzip2, xz and zstd are detected by their
 * magic bytes (decompress.ts), invalid
 * UTF-8 is replaced and counted, binary lines (NUL bytes) are counted, and a line longer than
 * `maxLineBytes` is skipped to its end without ever being held in memory — a 2 GB single line
 * costs no more memory than a short one.
 */
import {isAscii} from 'node:buffer'
import {createReadStream} from 'node:fs'

import {type Compression, decompress, detectCompression, plainStream} from './decompress.js'

export interface LineWarnings {
  invalidUtf8: number[]
  binary: number[]
  tooLong: number[]
  /** The compression of a file whose compressed stream was cut short or damaged. */
  truncated?: Compression
}

export interface LineReadOptions {
  maxLineBytes?: number
  /** Read only bytes [start, end) of a plain file, numbering its first line `firstLine` (parallel ingestion). */
  range?: {start: number; end: number; firstLine: number}
  /** Called with the number of compressed (on-disk) bytes read so far, for progress. */
  onBytes?: (bytes: number) => void
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024
/** Line numbers kept per kind of warning; the counts go on. */
const MAX_WARNING_LINES = 20

/** Whether a file is compressed (such a file is read whole, never in byte ranges). */
export async function isCompressed(path: string): Promise<boolean> {
  return (await detectCompression(path)) !== null
}

/**
 * Calls `onLine(lineNumber, text)` for every line, synchronously within each 1 MB chunk (no
 * per-line promise: this is the hot loop of log ingestion); `warnings` fills as it goes.
 */
export async function forEachLine(
  path: string,
  warnings: LineWarnings & {counts: {invalidUtf8: number; binary: number; tooLong: number}},
  onLine: (lineNumber: number, text: string) => void,
  options: LineReadOptions = {},
): Promise<void> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  // Decide before the stream exists: a stream that starts flowing during an await loses chunks.
  const compression = await detectCompression(path)
  const range = compression ? undefined : options.range
  const file = createReadStream(path, {highWaterMark: 1 << 20, start: range?.start, end: range ? range.end - 1 : undefined})
  let onDisk = 0
  // Progress counts on-disk (compressed) bytes, whatever the stream yields.
  // A callback that throws (a reader that has seen enough) stops the read, here as in the loop.
  let stopped: unknown
  if (compression) {
    file.on('data', (chunk) => {
      onDisk += chunk.length
      try {
        options.onBytes?.(onDisk)
      } catch (error) {
        stopped ??= error
        file.destroy()
      }
    })
  }
  const source = compression ? decompress(compression, file, path) : plainStream(file)
  const stream = source.stream
  const decoder = new TextDecoder('utf-8', {fatal: false})
  let parts: Buffer[] = []
  let partBytes = 0
  let skipping = false
  let lineNo = (range?.firstLine ?? 1) - 1

  const note = (kind: 'invalidUtf8' | 'binary' | 'tooLong', line: number) => {
    warnings.counts[kind]++
    if (warnings[kind].length < MAX_WARNING_LINES) warnings[kind].push(line)
  }
  const emit = (buf: Buffer): void => {
    lineNo++
    if (skipping) {
      skipping = false
      note('tooLong', lineNo)
      return
    }
    let end = buf.length
    if (end > 0 && buf[end - 1] === 0x0d) end-- // CRLF
    const bytes = buf.subarray(0, end)
    if (bytes.includes(0)) {
      note('binary', lineNo)
      return
    }
    const text = decoder.decode(bytes)
    if (text.includes('\uFFFD') && !bytes.includes(0xef)) note('invalidUtf8', lineNo)
    onLine(lineNo, text)
  }
  // The common case, a line of plain ASCII in one chunk: no NUL, nothing to decode or replace, so
  // it is read straight from the chunk (one check per chunk instead of three per line).
  const emitAscii = (chunk: Buffer, start: number, end: number): void => {
    lineNo++
    if (end > start && chunk[end - 1] === 0x0d) end-- // CRLF
    onLine(lineNo, chunk.toString('latin1', start, end))
  }

  {
    for await (const chunk of stream) {
      if (stopped !== undefined) throw stopped
      if (!compression) {
        onDisk += chunk.length
        options.onBytes?.(onDisk)
      }
      let start = 0
      const lastNl = chunk.lastIndexOf(0x0a)
      // Lines wholly inside an ASCII chunk without NUL bytes take the short way (the first line
      // may finish a part held from the chunk before, and a line past the limit is skipped).
      const ascii = lastNl !== -1 && max >= chunk.length && !chunk.includes(0, 0) && isAscii(chunk.subarray(0, lastNl))
      for (;;) {
        const nl = chunk.indexOf(0x0a, start)
        if (nl === -1) break
        if (ascii && !parts.length && !skipping) {
          emitAscii(chunk, start, nl)
          start = nl + 1
          continue
        }
        const piece = chunk.subarray(start, nl)
        start = nl + 1
        let line: Buffer
        if (parts.length) {
          line = skipping ? piece : Buffer.concat([...parts, piece])
          parts = []
          partBytes = 0
        } else {
          line = piece
        }
        if (!skipping && line.length > max) skipping = true
        emit(line)
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start)
        if (!skipping) {
          parts.push(Buffer.from(rest))
          partBytes += rest.length
          if (partBytes > max) {
            skipping = true
            parts = []
            partBytes = 0
          }
        }
      }
    }
  }
  if (stopped !== undefined) throw stopped
  if (source.damaged()) warnings.truncated = compression!
  if (parts.length || skipping) {
    emit(Buffer.concat(parts))
  }
}

export function newLineWarnings(): LineWarnings & {counts: {invalidUtf8: number; binary: number; tooLong: number}} {
  return {invalidUtf8: [], binary: [], tooLong: [], counts: {invalidUtf8: 0, binary: 0, tooLong: 0}}
}

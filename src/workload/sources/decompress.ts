/**
 * Compressed logs, recognised by their magic bytes (never by their name: rotated logs are named
 * anything). gzip is Node's own zlib. bzip2, xz and zstd are decompressed by the Debian programs
 * of the same names, spawned with the file piped to their stdin: they are streaming, fast native
 * code that every Debian/Ubuntu server already has (bzip2 and xz-utils are priority "required"
 * or "important"; zstd is what logrotate and journald use), whereas the npm decoders for these
 * are either pure JS several times slower or native add-ons that download prebuilt binaries at
 * install time. A missing program is a one-line error that names the package to install.
 */
import {spawn} from 'node:child_process'
import type {ReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import type {Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'

import {CarveError, EXIT} from '../../errors.js'

export type Compression = 'gzip' | 'bzip2' | 'xz' | 'zstd'

const MAGIC: [Compression, number[]][] = [
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]], // "BZh"
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
]

/** The program and Debian package that decompress each format (gzip needs none). */
const TOOLS: Record<Exclude<Compression, 'gzip'>, {program: string; pkg: string}> = {
  bzip2: {program: 'bzip2', pkg: 'bzip2'},
  xz: {program: 'xz', pkg: 'xz-utils'},
  zstd: {program: 'zstd', pkg: 'zstd'},
}

export async function detectCompression(path: string): Promise<Compression | null> {
  const handle = await open(path, 'r')
  try {
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(6), 0, 6, 0)
    for (const [kind, magic] of MAGIC) if (bytesRead >= magic.length && magic.every((b, i) => buffer[i] === b)) return kind
    return null
  } finally {
    await handle.close()
  }
}

export interface DecompressedStream {
  stream: AsyncIterable<Buffer>
  /** Set once the stream ended: whether the compressed data was cut short or damaged. */
  damaged: () => boolean
}

/**
 * The decompressed bytes of `file` (an open read stream of the compressed file). A damaged or
 * truncated stream ends early and reports `damaged()`: what was read is kept.
 */
export function decompress(kind: Compression, file: ReadStream, path: string): DecompressedStream {
  let damaged = false
  if (kind === 'gzip') {
    const gunzip = createGunzip()
    file.pipe(gunzip)
    return {stream: swallowDamage(gunzip, () => (damaged = true)), damaged: () => damaged}
  }
  const {program, pkg} = TOOLS[kind]
  const child = spawn(program, ['-dc'], {stdio: ['pipe', 'pipe', 'pipe']})
  let missing = false
  child.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') missing = true
    else damaged = true
    file.destroy()
  })
  // The child exiting early (damage) closes its stdin: that is not our error.
  child.stdin.on('error', () => {})
  file.pipe(child.stdin)
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  async function* read(): AsyncIterable<Buffer> {
    let complete = false
    try {
      for await (const chunk of child.stdout) yield chunk as Buffer
      complete = true
    } finally {
      // A reader that stops early (format detection reads a few lines) must not leave it running.
      if (!complete) {
        child.kill()
        file.destroy()
      }
    }
    const code = await exited
    if (missing) {
      throw new CarveError('workload.decompress', `${path} is ${kind}-compressed and the ${program} program is not installed`, {
        exitCode: EXIT.usage, hint: `install it (Debian/Ubuntu: apt-get install ${pkg}) or decompress the file first`,
      })
    }
    if (code !== 0) damaged = true
  }
  return {stream: read(), damaged: () => damaged}
}

/** zlib ends a truncated stream with an error: keep what was read, remember the damage. */
async function* swallowDamage(stream: Readable, onDamage: () => void): AsyncIterable<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer
  } catch (error) {
    if (/unexpected end|incorrect header|invalid/i.test((error as Error).message)) onDamage()
    else throw error
  }
}

export function plainStream(file: ReadStream): DecompressedStream {
  return {stream: file, damaged: () => false}
}

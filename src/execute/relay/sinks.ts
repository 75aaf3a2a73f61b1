/**
 * Where `carve relay` delivers events: JSON Lines to a file (exactly once across restarts) or to
 * stdout (at least once). A sink is written a batch of whole transactions at a time; the relay
 * moves the slot only after write() returned.
 */
import {closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync} from 'node:fs'

import {CarveError, EXIT} from '../../errors.js'
import {parseEventId, type EventPosition, type OutboxEvent} from './events.js'

export interface Sink {
  describe(): string
  /** Prepare; returns the position of the last event the sink already holds (null: none or unknown). */
  open(): Promise<EventPosition | null>
  write(events: readonly OutboxEvent[]): Promise<void>
  close(): Promise<void>
}

export function parseSink(spec: string): Sink {
  if (spec === 'stdout' || spec === '-') return stdoutSink()
  if (spec.startsWith('file:') && spec.length > 'file:'.length) return fileSink(spec.slice('file:'.length))
  throw new CarveError('usage.sink', `unknown sink ${JSON.stringify(spec)}`, {exitCode: EXIT.usage, hint: 'use --sink file:PATH (JSON Lines, exactly once across restarts) or --sink stdout'})
}

function stdoutSink(): Sink {
  return {
    describe: () => 'stdout',
    open: async () => null,
    async write(events) {
      const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n'
      await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())))
    },
    close: async () => {},
  }
}

/** The last complete line of a file and the byte length up to its end (a cut last line is not counted). */
function lastCompleteLine(fd: number): {line: string | null; end: number} {
  const size = fstatSync(fd).size
  let end = size
  let tail = Buffer.alloc(0)
  // Read backwards in blocks until the last newline and the one before it are found.
  for (let at = size; at > 0; ) {
    const from = Math.max(0, at - 65536)
    const chunk = Buffer.alloc(at - from)
    readSync(fd, chunk, 0, chunk.length, from)
    tail = Buffer.concat([chunk, tail])
    at = from
    const lastNl = tail.lastIndexOf(0x0a)
    if (lastNl < 0) {
      if (at === 0) return {line: null, end: 0}
      continue
    }
    end = at + lastNl + 1
    const prevNl = tail.lastIndexOf(0x0a, lastNl - 1)
    if (prevNl >= 0 || at === 0) return {line: tail.subarray(prevNl + 1, lastNl).toString('utf8'), end}
  }
  return {line: null, end: 0}
}

function fileSink(path: string): Sink {
  let fd: number | null = null
  return {
    describe: () => `file:${path}`,
    async open() {
      try {
        fd = openSync(path, existsSync(path) ? 'r+' : 'w+')
      } catch (error) {
        throw new CarveError('relay.sink', `cannot open the sink file ${path}: ${(error as Error).message}`, {exitCode: EXIT.usage, hint: 'give a writable path: --sink file:PATH'})
      }
      const {line, end} = lastCompleteLine(fd)
      // A line the last run was killed in the middle of: dropped, its events come again.
      if (end < fstatSync(fd).size) ftruncateSync(fd, end)
      if (!line) return null
      let id: unknown
      try {
        id = (JSON.parse(line) as {id?: unknown}).id
      } catch {
        id = undefined
      }
      const pos = typeof id === 'string' ? parseEventId(id) : null
      if (!pos) throw new CarveError('relay.sink', `the sink file ${path} does not end with an event of carve relay`, {hint: 'give a file only the relay writes (a new one starts from the slot\'s position)'})
      return pos
    },
    async write(events) {
      if (fd === null) throw new Error('sink not open')
      const buf = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n')
      let at = 0
      const size = fstatSync(fd).size
      while (at < buf.length) at += writeSync(fd, buf, at, buf.length - at, size + at)
      // On disk before the slot moves: a crash after this point loses nothing.
      fsyncSync(fd)
    },
    async close() {
      if (fd !== null) closeSync(fd)
      fd = null
    },
  }
}

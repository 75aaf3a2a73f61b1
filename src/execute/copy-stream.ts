/**
 * Streaming COPY between two PostgreSQL sessions: `COPY (SELECT …) TO STDOUT` on one piped
 * into `COPY … FROM STDIN` on the other, chunk by chunk as the server sends them — what
 * `psql -c 'COPY … TO STDOUT' | psql -c 'COPY … FROM STDIN'` does, without the two processes.
 * Nothing is parsed in Node: the bytes the source writes are the bytes the target reads.
 *
 * Failure on either side ends both cleanly, and both sessions stay usable:
 * - the source fails: the target's COPY is cancelled (CopyFail), so it writes nothing;
 * - the target fails (a unique violation…): the rest of the source's output is read and
 *   dropped (at most one batch), so its session returns to idle instead of hanging mid-COPY.
 */
import type pg from 'pg'
import {from as copyFrom, to as copyTo} from 'pg-copy-streams'

/**
 * Run `copyOut` (a `COPY … TO STDOUT`) on `source` and `copyIn` (a `COPY … FROM STDIN`) on
 * `target`, the first's output piped into the second. Resolves to the rows the target's COPY
 * read; rejects with the first error of either side.
 */
export function pipeCopy(source: pg.Client, target: pg.Client, copyOut: string, copyIn: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const into = target.query(copyFrom(copyIn))
    const out = source.query(copyTo(copyOut))
    let failed: unknown = null
    let outDone = false
    let inDone = false
    const settle = () => {
      if (!outDone || !inDone) return
      if (failed) reject(failed)
      else resolve(into.rowCount)
    }
    out.on('data', (chunk: Buffer) => {
      if (failed) return
      if (!into.write(chunk)) {
        out.pause()
        into.once('drain', () => out.resume())
      }
    })
    out.on('end', () => {
      outDone = true
      if (!failed) into.end()
      settle()
    })
    out.on('error', (error) => {
      outDone = true
      if (!failed) {
        failed = error
        if (!inDone) into.destroy(error)
      }
      settle()
    })
    into.on('finish', () => {
      inDone = true
      settle()
    })
    into.on('error', (error) => {
      inDone = true
      failed ??= error
      // Drain the source: its COPY must run to its end before the session takes another query.
      out.resume()
      settle()
    })
  })
}

/**
 * The inputs most commands share, resolved one way: the boundaries file (--file, ./carve.yml, or
 * with --example the example's own) and the workload (--workload FILE, or with --example the
 * example's captured logs).
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {exampleBoundaries} from '../boundaries/example-contexts.js'
import {type BoundariesFile, loadBoundaries} from '../boundaries/file.js'
import {exampleDir} from '../db/examples.js'
import {CarveError, EXIT} from '../errors.js'
import {loadServiceMap} from '../workload/attribution.js'
import {listExampleLogs} from '../workload/example-logs.js'
import type {Workload} from '../workload/model.js'
import {readWorkload} from '../workload/read.js'

export type Progress = (message: string) => void

export function resolveBoundaries(file: string | undefined, example: string | undefined, progress: Progress): BoundariesFile {
  const path = file ?? 'carve.yml'
  if (!existsSync(path)) {
    if (file === undefined && example) {
      const own = exampleBoundaries(exampleDir(example))
      if (own) {
        progress(`no ./carve.yml: using the example's boundaries (examples/${example})`)
        return own
      }
    }
    throw new CarveError('usage.boundaries-missing', `boundaries file ${path} not found`, {
      exitCode: EXIT.usage,
      hint: 'write one with `carve discover --yes`, or name it with --file',
    })
  }
  const loaded = loadBoundaries(path)
  if (loaded.contexts.length === 0) {
    throw new CarveError('usage.boundaries-empty', `${path} has no contexts`, {exitCode: EXIT.usage, hint: 'decide them with `carve discover`'})
  }
  return loaded
}

export async function resolveWorkload(file: string | undefined, example: string | undefined, progress: Progress): Promise<Workload | null> {
  if (file) return readWorkload(file)
  if (!example) return null
  const dir = exampleDir(example)
  const logs = listExampleLogs(dir)
  if (!logs.length) return null
  progress(`learning the workload from ${logs.map((l) => l.slice(dir.length + 1)).join(', ')}`)
  const map = join(dir, 'logs', 'service-map.yml')
  // Imported only here: the SQL parsers behind ingest take ~0.3 s to load.
  const {ingest} = await import('../workload/ingest.js')
  return ingest({files: logs, serviceMap: existsSync(map) ? loadServiceMap(map) : undefined})
}

/**
 * The inputs most commands share, resolved one way: the boundaries file (--file, ./carve.yml, or
 * with --example the example's own) and the workload (--workload FILE, or with --example the
 * example's captured logs).
 */
import {existsSync} from 'node:fs'

import {type BoundariesFile, loadBoundaries} from '../boundaries/file.js'
import {CarveError, EXIT} from '../errors.js'
import type {Workload} from '../workload/model.js'
import {readWorkload} from '../workload/read.js'
import {exampleBoundariesFile, exampleWorkload} from './example-inputs.js'

export type Progress = (message: string) => void

export function resolveBoundaries(file: string | undefined, example: string | undefined, progress: Progress): BoundariesFile {
  const path = file ?? 'carve.yml'
  if (!existsSync(path)) {
    if (file === undefined && example) {
      const own = exampleBoundariesFile(example)
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
  return example ? exampleWorkload(example, progress) : null
}

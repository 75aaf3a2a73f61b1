/**
 * What `--example NAME` stands for, resolved in one place for every command: the example's
 * captured query logs with the service map that names their users' services, the workload learnt
 * from them, and its boundaries (the committed carve.yml, else the designers' contexts.yml).
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {exampleBoundaries} from '../boundaries/example-contexts.js'
import type {BoundariesFile} from '../boundaries/file.js'
import {exampleDir} from '../db/examples.js'
import {loadServiceMap, type ServiceMap} from '../workload/service-map.js'
import {listExampleLogs} from '../workload/example-logs.js'
import type {Workload} from '../workload/model.js'

export interface ExampleLogs {
  /** The example's folder (examples/<name>). */
  dir: string
  /** Its captured logs, in the order they are read. */
  files: string[]
  /** logs/service-map.yml, when the example ships one. */
  serviceMap: ServiceMap | undefined
}

export function exampleLogs(example: string): ExampleLogs {
  const dir = exampleDir(example)
  const map = join(dir, 'logs', 'service-map.yml')
  return {dir, files: listExampleLogs(dir), serviceMap: existsSync(map) ? loadServiceMap(map) : undefined}
}

/** The workload of the example's captured logs; null when it has none. */
export async function exampleWorkload(example: string, progress: (message: string) => void, options: {knownTables?: string[]} = {}): Promise<Workload | null> {
  const {dir, files, serviceMap} = exampleLogs(example)
  if (!files.length) return null
  progress(`learning the workload from ${files.map((f) => f.slice(dir.length + 1)).join(', ')}`)
  // Imported only here: the SQL parsers behind ingest take ~0.3 s to load.
  const {ingest} = await import('../workload/ingest.js')
  return ingest({files, serviceMap, ...options})
}

/** The example's boundaries: its committed carve.yml, else its contexts.yml translated; null when it has neither. */
export function exampleBoundariesFile(example: string): BoundariesFile | null {
  return exampleBoundaries(exampleDir(example))
}

import {readFileSync} from 'node:fs'

import {CarveError, EXIT} from '../errors.js'
import {type Workload, WORKLOAD_FORMAT} from './model.js'

/** Read a workload.json, with a clear error for a missing, broken or foreign file. */
export function readWorkload(path: string): Workload {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new CarveError('usage.workload', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      exitCode: EXIT.usage, hint: 'create one with carve workload ingest FILE...',
    })
  }
  let data: Workload
  try {
    data = JSON.parse(text) as Workload
  } catch (error) {
    throw new CarveError('workload.invalid', `${path} is not valid JSON: ${(error as Error).message}`)
  }
  if (data?.format !== WORKLOAD_FORMAT || !Array.isArray(data.tables) || !Array.isArray(data.access)) {
    throw new CarveError('workload.invalid', `${path} is not a Carve workload (format ${WORKLOAD_FORMAT})`, {hint: 'create one with carve workload ingest FILE...'})
  }
  return data
}

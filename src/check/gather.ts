/**
 * The evidence of a check: a workload from log files / SQL folders / live statistics (through
 * `ingest`, any source it reads) or a saved workload.json, plus — for log files — where and
 * when the offending statements were seen, which ingestion keeps (evidence-logs.ts).
 */
import type {Connection} from '../db/connection.js'
import {CarveError, EXIT} from '../errors.js'
import type {ServiceMap} from '../workload/attribution.js'
import {ingest, type LiveFormat} from '../workload/ingest.js'
import type {Workload} from '../workload/model.js'
import {readWorkload} from '../workload/read.js'
import type {FileFormat} from '../workload/sources/registry.js'
import type {Sightings} from './evidence.js'
import {logSightings} from './evidence-logs.js'
import {assertReadable} from './inputs.js'
import {displayPath} from './locate.js'

export interface EvidenceRequest {
  files: string[]
  workloadFile?: string
  live?: {format: LiveFormat; conn: Connection}
  format?: FileFormat
  logLinePrefix?: string
  serviceMap?: ServiceMap
  workers?: number
  onProgress?: (message: string) => void
}

export interface GatheredEvidence {
  workload: Workload | null
  sources: string[]
}

export async function gatherWorkload(request: EvidenceRequest): Promise<GatheredEvidence> {
  if (request.workloadFile && (request.files.length || request.live)) {
    throw new CarveError('usage.evidence', 'give either a saved --workload or logs/--live, not both', {exitCode: EXIT.usage})
  }
  if (request.workloadFile) return {workload: readWorkload(request.workloadFile), sources: [request.workloadFile]}
  if (!request.files.length && !request.live) return {workload: null, sources: []}
  assertReadable(request.files)
  request.onProgress?.(`reading ${[...request.files, ...(request.live ? [`live ${request.live.format}`] : [])].join(', ')}`)
  try {
    const workload = await ingest({
      files: request.files,
      format: request.format,
      live: request.live,
      logLinePrefix: request.logLinePrefix,
      serviceMap: request.serviceMap,
      workers: request.workers,
    })
    return {workload, sources: [...request.files.map(displayPath), ...(request.live ? [`${request.live.format} on ${request.live.conn.label}`] : [])]}
  } catch (error) {
    // Logs that hold nothing Carve can read are bad input to a check, not a failed check.
    if (error instanceof CarveError && error.code === 'workload.no-input') throw new CarveError(error.code, error.message, {exitCode: EXIT.usage, hint: error.hint})
    throw error
  }
}

/**
 * For workloads read from log files (or SQL folders): first/last seen and the log line of each
 * statement, which ingestion kept while counting. Live statistics have no such thing: null.
 */
export function gatherSightings(workload: Workload, request: EvidenceRequest): Sightings | null {
  return request.files.length ? logSightings(workload) : null
}

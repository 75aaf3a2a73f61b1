/**
 * The evidence of a check: a workload from log files / SQL folders / live statistics (through
 * `ingest`, any source it reads) or a saved workload.json, plus — for log files — where and
 * when the offending statements were seen (evidence-logs.ts).
 */
import type {Connection} from '../db/connection.js'
import {CarveError, EXIT} from '../errors.js'
import {Attributor, type ServiceMap} from '../workload/attribution.js'
import {ingest, type LiveFormat} from '../workload/ingest.js'
import type {Workload} from '../workload/model.js'
import {readWorkload} from '../workload/read.js'
import type {FileFormat} from '../workload/sources/registry.js'
import {accessFindings} from './access.js'
import {type Sightings, StatementIndex} from './evidence.js'
import {collectSightings} from './evidence-logs.js'
import {assertReadable} from './inputs.js'
import {displayPath} from './locate.js'
import {ownership} from './ownership.js'
import type {BoundariesFile} from '../boundaries/file.js'

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
 * For findings backed by log files: the pass that finds first/last seen and the log line.
 * Statements behind no finding are skipped cheaply; nothing runs when nothing was found.
 */
export async function gatherSightings(workload: Workload, boundaries: BoundariesFile, request: EvidenceRequest, today: string): Promise<Sightings | null> {
  if (!request.files.length) return null
  const own = ownership(boundaries)
  const index = new StatementIndex(workload)
  const {drafts} = accessFindings(workload, own, {today, strictReads: false, sightings: null, index})
  const tables = new Set<string>()
  const fingerprints = new Set<string>()
  // Every statement behind a finding, not only its sample: first/last seen are over all of them.
  const byTable = new Map<string, string[]>()
  for (const a of workload.access) byTable.set(own.keyOf(a.table), [...(byTable.get(own.keyOf(a.table)) ?? []), a.table])
  for (const d of drafts) {
    if (!d.table || !d.consumer) continue
    tables.add(d.table)
    for (const raw of byTable.get(d.table) ?? [d.table]) {
      for (const s of [...index.writes(d.consumer, raw), ...index.reads(d.consumer, raw)]) fingerprints.add(s.fingerprint)
    }
  }
  if (!fingerprints.size) return null
  request.onProgress?.(`locating ${fingerprints.size} offending statement${fingerprints.size === 1 ? '' : 's'} in the logs`)
  return collectSightings({
    files: request.files,
    engine: workload.engine,
    format: request.format,
    logLinePrefix: request.logLinePrefix,
    attributor: new Attributor(request.serviceMap),
    fingerprints,
    tables: [...tables],
  })
}

/**
 * Sightings: when and where each service ran each statement shape, kept by the aggregator while
 * it counts (so `carve check` reads its logs once) and merged across -j pieces by a total order.
 */
import type {Workload} from './model.js'

/**
 * When and where one service ran one statement shape: the first and last timestamp as logged and
 * the location of the first execution. `carve check` cites it as a finding's evidence; it is
 * kept while counting so a check reads its logs once. Not part of workload.json.
 */
export interface Sighting {
  first?: string
  last?: string
  file: string
  line: number
}

/** One service's share of a statement shape: its executions and its sighting. */
export type ServiceTally = Sighting & {calls: number}

/**
 * Is a sighting at `at` (file:line) earlier than the one kept? Timestamps compare as logged (one
 * log format sorts as text); an untimed execution comes after any timed one; equal times go to
 * the file first by name, then the lower line. A total order, so the pieces of -j merge to the
 * same sighting whatever their number or the order they finish in.
 */
function earlier(at: string | undefined, file: string, line: number, kept: Sighting): boolean {
  if (at !== kept.first) {
    if (at === undefined) return false
    if (kept.first === undefined) return true
    return at < kept.first
  }
  return file === kept.file ? line < kept.line : file < kept.file
}

export function sight(t: ServiceTally, at: string | undefined, file: string, line: number, own: (at: string | undefined) => string | undefined): void {
  if (earlier(at, file, line, t)) {
    if (at !== t.first) t.first = own(at)
    t.file = file
    t.line = line
  }
  if (at !== undefined && (t.last === undefined || at > t.last)) t.last = own(at)
}

/**
 * Timestamps as the aggregator keeps them: a copy that holds no reference to the log line it
 * was cut from (a slice would keep that line alive for as long as the sighting), made once per
 * distinct timestamp — consecutive log entries mostly share theirs — and shared by every
 * sighting that keeps it.
 */
export class TimestampKeeper {
  private raw: string | undefined
  private kept: string | undefined

  readonly own = (at: string | undefined): string | undefined => {
    if (at === undefined) return undefined
    if (at !== this.raw) {
      this.raw = at
      this.kept = (' ' + at).slice(1)
    }
    return this.kept
  }
}

/** Every service's sighting of one statement shape, by service, as the aggregator kept them. */
export type SightingsByService = ReadonlyMap<string, Readonly<Sighting>>

const finishedSightings = new WeakMap<Workload, Map<string, Map<string, ServiceTally>>>()

/**
 * The sightings behind a workload the aggregator finished, by statement shape and service. Kept
 * beside the workload rather than in it, so workload.json is unchanged; a workload read back from
 * a file has none. Read in place: a check that cites every statement looks up each shape once for
 * all its services instead of copying one object per service and statement.
 */
export function sightingsByShape(workload: Workload): ((fingerprint: string) => SightingsByService | undefined) | undefined {
  const byFingerprint = finishedSightings.get(workload)
  return byFingerprint && ((fingerprint) => byFingerprint.get(fingerprint))
}

/**
 * Keep a finished workload's sightings beside it. Made outside the aggregator so the workload
 * keeps only the sightings alive, not the counts.
 */
export function rememberSightings(workload: Workload, byFingerprint: Map<string, Map<string, ServiceTally>>): void {
  finishedSightings.set(workload, byFingerprint)
}

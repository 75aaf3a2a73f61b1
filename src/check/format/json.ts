/** --json / --format json: the whole report, as is (format carve.check/v1). */
import type {CheckReport} from '../model.js'

export function jsonReport(report: CheckReport): string {
  return JSON.stringify(report, null, 2)
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function min(values: readonly number[]): number {
  return Math.min(...values)
}

export function max(values: readonly number[]): number {
  return Math.max(...values)
}

/** Median of the non-null values, or null when there are none. */
export function medianOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length ? median(present) : null
}

/** Deterministic PRNG (mulberry32) so a given N always generates the same schema. */
export {seededRandom} from '../../src/random.js'

/**
 * Measurements of an application in several states (untouched, part of a plan applied, all of
 * it) interleaved in one run: round r visits the states in order when r is even and in reverse
 * when it is odd (ABC CBA ABC …), so a drift over the run (tables growing, caches warming,
 * another process starting) falls on every state alike instead of on whichever ran last.
 */
export interface Arm<T> {
  name: string
  /** Bring the database into this arm's state (untimed), e.g. `carve apply --to STEP`. */
  enter(): Promise<void>
  /** Leave it again (untimed), e.g. `carve rollback --all`. */
  leave(): Promise<void>
  measure(round: number): Promise<T>
}

/** Every arm's samples, in the arms' order. */
export async function interleave<T>(rounds: number, arms: readonly Arm<T>[], progress?: (round: number, arm: string, value: T) => void): Promise<T[][]> {
  const out = arms.map(() => [] as T[])
  for (let r = 0; r < rounds; r++) {
    const order = arms.map((_, i) => i)
    if (r % 2 === 1) order.reverse()
    for (const i of order) {
      const arm = arms[i]!
      await arm.enter()
      try {
        const value = await arm.measure(r)
        out[i]!.push(value)
        progress?.(r, arm.name, value)
      } finally {
        await arm.leave()
      }
    }
  }
  return out
}

/** An arm that changes nothing: the untouched application. */
export function untouched<T>(measure: (round: number) => Promise<T>): Arm<T> {
  return {name: 'untouched', enter: async () => {}, leave: async () => {}, measure}
}

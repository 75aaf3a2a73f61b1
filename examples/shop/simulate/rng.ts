/**
 * A small seeded PRNG (mulberry32) and the helpers the simulator draws with. Every worker owns
 * one, seeded from its service name and index, so a re-run issues the same statements in the
 * same order on every connection, whatever the interleaving between connections.
 */

/** FNV-1a hash of a string, as an unsigned 32-bit integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export class Rng {
  private state: number

  constructor(seed: number | string) {
    this.state = typeof seed === 'string' ? hash32(seed) : seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('rng.pick: empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  /** `count` distinct items (fewer when the list is shorter), in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const n = Math.min(count, items.length)
    const chosen = new Set<number>()
    const out: T[] = []
    while (out.length < n) {
      const i = Math.floor(this.next() * items.length)
      if (chosen.has(i)) continue
      chosen.add(i)
      out.push(items[i]!)
    }
    return out
  }

  /** Pick a key by weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][]
    const total = entries.reduce((s, [, w]) => s + w, 0)
    let r = this.next() * total
    for (const [k, w] of entries) {
      r -= w
      if (r < 0) return k
    }
    return entries[entries.length - 1]![0]
  }

  hex(length: number): string {
    let s = ''
    while (s.length < length) s += this.int(0, 0xffff).toString(16).padStart(4, '0')
    return s.slice(0, length)
  }

  /** A version-4-shaped UUID drawn from the stream. */
  uuid(): string {
    const h = this.hex(32)
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
  }

  /** Money as a string with two decimals, from integer cents in [minCents, maxCents]. */
  money(minCents: number, maxCents: number): string {
    return cents(this.int(minCents, maxCents))
  }
}

/** Integer cents → "12.34" (negative values keep their sign). */
export function cents(value: number): string {
  const sign = value < 0 ? '-' : ''
  const v = Math.abs(Math.round(value))
  return `${sign}${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`
}

/**
 * The benchmark registry. A benchmark is one file in bench/benchmarks/ whose default export is
 * `defineBenchmark({...})`; run.ts discovers every file there, so adding a benchmark for a new
 * capability touches nothing else.
 */

export type Mode = 'quick' | 'full'

export interface Measure {
  value: number
  unit: string
}

/** One line of the results table: Carve against the tool people would use instead. */
export interface Row {
  benchmark: string
  case: string
  carve: Measure
  reference: Measure & {name: string}
  /** Reference time / Carve time: above 1 Carve is faster, below 1 it is slower. */
  ratio: number
  /** The target in words, e.g. "≥ 1.0× pg_dump" or "< 0.5 s". */
  target: string
  /** Whether the target was met; null when the row has no target. */
  met: boolean | null
  notes: string
  /** Raw figures behind the row (every sample, peak RSS, CPU, counts); written to results.json only. */
  details?: Record<string, unknown>
}

export interface BenchContext {
  mode: Mode
  /** --runs, when given; each benchmark has its own default otherwise. */
  runs: number | undefined
  /** --size NAME=…, when given for this benchmark: its data sizes instead of the mode's. */
  sizes: number[] | undefined
  /** Admin URL of the PostgreSQL server (--pg): benchmarks create and drop their own databases beside it. */
  pg: string
  /** Admin URL of the MySQL/MariaDB server (--mysql), for the MySQL rows. */
  mysql: string
  /** The package root (where package.json and bin/run.js are). */
  root: string
  /** Progress for people, on stderr (stdout carries only the table). */
  log(message: string): void
}

export interface Benchmark {
  name: string
  summary: string
  /** Position in the table (lower first). */
  order: number
  /** Needs the PostgreSQL server given by --pg. */
  needsPostgres: boolean
  /** Too long for quick mode: runs with --full, or in quick mode when named with --only. */
  fullOnly?: boolean
  run(ctx: BenchContext): Promise<Row[]>
}

export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark
}

/** A benchmark whose tool returns wrong results is not a benchmark: this error stops the run. */
export class BenchError extends Error {
  override name = 'BenchError'
}

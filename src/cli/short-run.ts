/**
 * V8 tuned for short runs: the CLI's start-up (bin/run.js enters it, every Carve command leaves
 * it in CarveCommand.init) and `workload ingest` of a small log (the command stays in it).
 * Two V8 defaults made for long-running processes cost more than they earn in a run of a second:
 *
 * - The young generation. V8 starts each isolate with 1 MB semispaces and doubles them (up to
 *   16 MB each, 32 MB resident) once as many bytes have survived scavenges as they hold. Log
 *   ingestion keeps its counts, so it reaches the cap within the first megabyte of a log: on a
 *   1 MB log, 30 of the 132 MB of peak RSS. The cap cannot be lowered once the isolate exists
 *   (`--max-semi-space-size` is read when the heap is set up), but the growth factor is read at
 *   each growth, so a factor of 1 holds the semispaces at their size. It costs CPU on long
 *   reads: V8 then scavenges ~13x as often (16 MB log: 1,400 scavenges, ~0.64 s, against 103,
 *   ~0.33 s), hence only for logs under SMALL_INPUT_BYTES (a 7.5 MB log took 8% more CPU, a
 *   4 MB one the same).
 * - The optimizing compiler. A function is optimized once it has run through 66 KB of interrupt
 *   budget; on a 1 MB log that is ~110 functions whose compile memory (zones on V8's background
 *   threads, kept by malloc) adds ~7 MB and whose compile time is not earned back. With 32x the
 *   budget, only what stays hot gets optimized: `--help` 0.21 -> 0.19 s CPU; 1 MB and 4 MB logs
 *   use less CPU and memory; from 16 MB on the delay starts to cost, so again only small logs.
 *
 * Both flags are process-wide (worker threads included) and read when used, so setting them
 * at run time works; leaving restores V8's defaults (Node 20's, checked by test/cli-short-run).
 */
import {setFlagsFromString} from 'node:v8'

/** Logs below this many bytes (on disk, all plain files together) are read as a short run. */
export const SMALL_INPUT_BYTES = 4 * 1024 * 1024

/** V8's defaults for the two flags (`node --v8-options`), restored when a short run ends. */
export const V8_DEFAULTS = {semiSpaceGrowthFactor: 2, interruptBudget: 66 * 1024}

const SHORT_RUN = {semiSpaceGrowthFactor: 1, interruptBudget: 32 * V8_DEFAULTS.interruptBudget}

function apply(values: typeof V8_DEFAULTS): void {
  setFlagsFromString(`--semi-space-growth-factor=${values.semiSpaceGrowthFactor}`)
  setFlagsFromString(`--interrupt-budget=${values.interruptBudget}`)
}

export function enterShortRun(): void {
  apply(SHORT_RUN)
}

export function leaveShortRun(): void {
  apply(V8_DEFAULTS)
}

/**
 * V8's young generation while a command reads a small input.
 *
 * V8 starts each isolate with 1 MB semispaces and doubles them (up to 16 MB each, 32 MB
 * resident) once as many bytes have survived scavenges as the young generation holds. Log
 * ingestion keeps its counts, so it reaches the 16 MB cap within the first megabyte of a log,
 * and on a 1 MB log those 30 MB are a quarter of the process (132 MB peak RSS, against 60 MB
 * for `carve --version`). The cap cannot be lowered once the isolate exists
 * (`--max-semi-space-size` is read when the heap is set up), but the growth factor is read at
 * each growth, so a factor of 1 keeps the semispaces at their current size.
 *
 * Only for small inputs: with 1 MB semispaces V8 scavenges ~7x as often, which costs ~20 ms of
 * CPU per MB of log (16 MB log: 1,400 scavenges for ~0.64 s against 103 for ~0.33 s). The flag is
 * process-wide, worker threads included.
 */
import {setFlagsFromString} from 'node:v8'

/** Inputs below this many bytes (on disk) are read with the young generation held at its size. */
export const SMALL_INPUT_BYTES = 8 * 1024 * 1024

/** V8's own default growth factor (`node --v8-options`), restored when the small read is done. */
const DEFAULT_GROWTH_FACTOR = 2

/** Hold the young generation at its current size until the returned function is called. */
export function holdYoungGeneration(): () => void {
  setFlagsFromString('--semi-space-growth-factor=1')
  let held = true
  return () => {
    if (held) setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`)
    held = false
  }
}

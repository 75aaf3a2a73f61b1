#!/usr/bin/env node
import {setFlagsFromString} from 'node:v8'

// Carve's one WebAssembly module is libpg-query's PostgreSQL parser, called once per distinct
// statement. V8's optimizing tier recompiles its hot functions as soon as a few thousand parses
// ran: ~0.3 s of CPU and 30-40 MB of compiler and code memory that stay resident, never earned
// back (4,000 distinct parses: 0.55 s and +35-47 MB with tier-up, 0.23 s and +7 MB on Liftoff
// alone; 44,000: 2.0 s either way). The flag is process-wide, so worker threads take it too; it
// must be set before the module is compiled.
setFlagsFromString('--liftoff-only')
// V8 lets its old generation grow to up to 4x what survived the last full collection before
// collecting again; log ingestion promotes per-line garbage steadily, so the heap (and RSS)
// climbed to several times the data kept. 1.5x: 128 MB bench log -j 1, 319-346 -> 288-301 MB
// peak RSS, for 0.3 s more of full-collection pauses (10 instead of 5) on ~11 s of CPU. Read
// at each full collection, so setting it here works, for worker threads too.
setFlagsFromString('--heap-growing-percent=50')
// Start-up is a short run: V8's young generation held at its size and a later optimizing
// compiler (src/cli/short-run.ts); `carve --help` 60.2 -> 57.3 MiB peak RSS, 0.19 -> 0.17 s CPU.
// Carve's commands leave it as soon as they start (CarveCommand.init), unless short themselves.
const {enterShortRun} = await import('../dist/src/cli/short-run.js')
enterShortRun()

// @oclif/core's entry point checks the running Node against oclif's own engines range (>=18)
// with semver, loading all 47 of its modules on every start (~20 ms of CPU, 5% of a 1,000-table
// `carve inspect`) for a warning that cannot fire: Carve itself needs Node >= 20. Set before the
// import below (hence dynamic), only when the user has not set it.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const {execute, settings} = await import('@oclif/core')

// Carve always runs its compiled commands (dist/). Without this, oclif looks for TypeScript
// sources whenever NODE_ENV is "development" or "test" and warns when it cannot map them.
settings.enableAutoTranspile = false

// `carve inspect --json | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

await execute({dir: import.meta.url})

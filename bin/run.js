#!/usr/bin/env node
import {execute, settings} from '@oclif/core'

// Carve always runs its compiled commands (dist/). Without this, oclif looks for TypeScript
// sources whenever NODE_ENV is "development" or "test" and warns when it cannot map them.
settings.enableAutoTranspile = false

// `carve inspect --json | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

await execute({dir: import.meta.url})

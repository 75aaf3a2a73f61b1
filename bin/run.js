#!/usr/bin/env node
import {execute} from '@oclif/core'

// `carve inspect --json | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

await execute({dir: import.meta.url})

import {writeFileSync} from 'node:fs'

import type {Machine, Revision} from './machine.js'
import type {Mode, Row} from './registry.js'

export interface Results {
  format: 'carve.bench/v1'
  date: string
  mode: Mode
  args: {only: string[] | null; runs: number | null; sizes: Record<string, number[]>; pg: string; mysql?: string}
  machine: Machine
  revision: Revision
  /** 1-minute load average when the run started and ended: other work on the machine skews wall times. */
  loadAverage: {start: number; end: number}
  /** Active sessions of other clients on the server when the run started (null without a server). */
  otherActivePostgresSessions: number | null
  method: string
  durationSeconds: number
  rows: Row[]
}

export function writeResults(path: string, results: Results): void {
  writeFileSync(path, JSON.stringify(results, null, 2) + '\n')
}

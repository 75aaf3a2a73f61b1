/** The built CLI (bin/run.js) run as a user runs it, for benchmarks that drive Carve end to end. */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'

import {trackChild} from './cleanup.js'
import {BenchError} from './registry.js'

export interface CarveRun {
  stdout: string
  stderr: string
  seconds: number
}

/** Run `carve ARGS…` in `cwd`; a non-zero exit stops the benchmark with the command's last lines. */
export function carve(root: string, args: readonly string[], options: {cwd?: string; timeoutMs?: number} = {}): Promise<CarveRun> {
  const env: NodeJS.ProcessEnv = {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'}
  delete env.DATABASE_URL
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], {cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    trackChild(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const seconds = (performance.now() - started) / 1000
      if (code === 0) return resolve({stdout, stderr, seconds})
      const tail = (stderr + stdout).trim().split('\n').slice(-12).join('\n')
      reject(new BenchError(`\`carve ${args.join(' ')}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`}):\n${tail}`))
    })
  })
}

/** The steps of a written plan (plan.yml), in order: id and kind. */
export function planSteps(planDir: string): {id: string; kind: string}[] {
  const doc = parse(readFileSync(join(planDir, 'plan.yml'), 'utf8')) as {steps?: {id: string; kind: string}[]}
  if (!doc.steps?.length) throw new BenchError(`${planDir}/plan.yml has no steps`)
  return doc.steps.map((s) => ({id: s.id, kind: s.kind}))
}

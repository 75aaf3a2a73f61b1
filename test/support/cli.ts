/** Run the built `carve` binary the way a user does, and capture what it prints. */
import {spawn} from 'node:child_process'
import {join} from 'node:path'

import {packageRoot} from '../../src/paths.js'

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runCarve(args: string[], options: {env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string} = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {...process.env, DATABASE_URL: undefined, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env}
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'run.js'), ...args], {env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
  })
}

/** True when the text looks like a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(\(|:\d+:\d+)/m.test(text)
}

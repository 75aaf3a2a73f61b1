/**
 * The habits users expect of a CLI: `-h` as well as `--help`, a suggestion for a mistyped
 * command (exit 2, the usage code, with or without a terminal), and shell completion.
 */
import {describe, expect, it} from 'vitest'

import {suggestCommand} from '../src/cli/command-not-found.js'
import {hasStackTrace, runCarve} from './support/cli.js'

describe('CLI habits', () => {
  it('-h prints the same help as --help', async () => {
    const [short, long] = await Promise.all([runCarve(['inspect', '-h']), runCarve(['inspect', '--help'])])
    expect(short.code).toBe(0)
    expect(short.stdout).toContain('USAGE')
    expect(short.stdout).toBe(long.stdout)
  })

  it('a mistyped command names the closest one and exits 2 without a stack trace', async () => {
    const typo = await runCarve(['inspec'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain('`inspec` is not a carve command')
    expect(typo.stderr).toContain('did you mean `carve inspect`?')
    expect(hasStackTrace(typo.stderr)).toBe(false)

    const topic = await runCarve(['workload', 'ingets'])
    expect(topic.code).toBe(2)
    expect(topic.stderr).toContain('did you mean `carve workload ingest`?')

    const nonsense = await runCarve(['zzzzzzzz'])
    expect(nonsense.code).toBe(2)
    expect(nonsense.stderr).not.toContain('did you mean')
  })

  it('suggests only when the word is close enough to be a typo', () => {
    const ids = ['inspect', 'plan', 'apply', 'workload:ingest', 'workload:show']
    expect(suggestCommand('aplly', ids)).toBe('apply')
    expect(suggestCommand('workload:shwo', ids)).toBe('workload:show')
    expect(suggestCommand('deploy', ids)).toBeUndefined()
    expect(suggestCommand('x', [])).toBeUndefined()
  })

  it('offers shell completion (bash, zsh, powershell)', async () => {
    const r = await runCarve(['autocomplete', 'bash'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/carve autocomplete/)
    expect(r.stdout).toMatch(/bashrc/)
  })
})

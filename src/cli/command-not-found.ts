/**
 * oclif's command_not_found hook: `carve inspec` says which command was probably meant and exits
 * with the usage code (2), in a terminal and in CI alike. (@oclif/plugin-not-found asks a y/n
 * question on a terminal and says nothing useful without one, exiting 127.)
 */
import type {Hook} from '@oclif/core'
import {closest, distance} from 'fastest-levenshtein'

import {EXIT} from '../errors.js'

/** The closest visible command to what was typed, when it is close enough to be a typo. */
export function suggestCommand(typed: string, commands: string[]): string | undefined {
  if (commands.length === 0) return undefined
  const best = closest(typed, commands)
  // A typo changes a few characters; past a third of the word it is a different word.
  return distance(typed, best) <= Math.max(2, Math.ceil(typed.length / 3)) ? best : undefined
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const visible = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  const spaced = (id: string) => id.replaceAll(':', ' ')
  const suggestion = suggestCommand(opts.id, visible)
  const hint = suggestion ? `did you mean \`${opts.config.bin} ${spaced(suggestion)}\`? ` : ''
  process.stderr.write(`Error: \`${spaced(opts.id)}\` is not a ${opts.config.bin} command. ${hint}Run \`${opts.config.bin} --help\` for the list.\n`)
  process.exit(EXIT.usage)
}

export default hook

/**
 * The prompts of the discover session: which ones (injectable for tests), the sentinel values
 * of its menus, and Esc as "back" (BackOut, through each prompt's abort signal).
 */
import type {checkbox, confirm, input, select} from '@inquirer/prompts'

import {safeText} from '../render/text.js'

export interface SessionPrompts {
  select: typeof select
  input: typeof input
  checkbox: typeof checkbox
  confirm: typeof confirm
}

export interface SessionIO {
  /** Replace some or all prompts (tests). */
  prompts?: Partial<SessionPrompts>
  /** Where the session's own text goes (one call per block); default stdout. */
  write?: (text: string) => void
  /** Today's date, YYYY-MM-DD (exception expiry must be later); default the local date. */
  today?: string
  /** Where key presses arrive, for Esc (= back); default stdin. */
  keys?: NodeJS.EventEmitter
}

export const BACK = '\u0000back'
export const NEW = '\u0000new'
export const OTHER = '\u0000other'
export const NONE = '\u0000none'

export const show = (text: string) => safeText(text)

/** Esc in a prompt: leave the current step (caught by the nearest menu, which shows itself again). */
export class BackOut extends Error {
  override name = 'BackOut'
}

/** The prompt, with Esc turned into BackOut (through the prompt's abort signal). */
export function escapable<F extends (config: never, context?: {signal?: AbortSignal}) => Promise<unknown>>(prompt: F, keys: NodeJS.EventEmitter): F {
  return ((config: never, context: {signal?: AbortSignal} = {}) => {
    const controller = new AbortController()
    const onKey = (_text: unknown, key?: {name?: string}) => {
      if (key?.name === 'escape') controller.abort()
    }
    keys.on('keypress', onKey)
    return prompt(config, {...context, signal: controller.signal})
      .catch((error: unknown) => {
        throw controller.signal.aborted && (error as Error | undefined)?.name === 'AbortPromptError' ? new BackOut() : error
      })
      .finally(() => keys.off('keypress', onKey))
  }) as F
}

/**
 * Errors a user can act on. Anything thrown as a CarveError is printed as one line (plus a hint)
 * with its exit code; anything else is a bug and gets the generic handler.
 */

export const EXIT = {ok: 0, failure: 1, usage: 2, interrupted: 130} as const

export class CarveError extends Error {
  readonly exitCode: number
  readonly hint: string | undefined
  /** Machine-readable code for --json output, e.g. 'db.unreachable'. */
  readonly code: string

  constructor(code: string, message: string, options: {hint?: string; exitCode?: number; cause?: unknown} = {}) {
    super(message, {cause: options.cause})
    this.name = 'CarveError'
    this.code = code
    this.hint = options.hint
    this.exitCode = options.exitCode ?? EXIT.failure
  }
}

export function isCarveError(error: unknown): error is CarveError {
  return error instanceof CarveError
}

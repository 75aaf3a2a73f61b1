/**
 * An abortable sleep: resolves after `ms`, or at once when `signal` fires (never rejects).
 * Resolves true when it slept the whole time, false when it was cut short by the signal.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false)
    if (ms <= 0) return resolve(true)
    const timer = setTimeout(() => finish(true), ms)
    const abort = () => finish(false)
    function finish(slept: boolean) {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      resolve(slept)
    }
    signal?.addEventListener('abort', abort, {once: true})
  })
}

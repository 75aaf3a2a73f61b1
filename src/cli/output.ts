import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

import {CarveError} from '../errors.js'

/** Write a file a command was asked to produce; a bad path is the user's to fix, not a crash. */
export function writeOutputFile(path: string, content: string): void {
  try {
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, content)
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    throw new CarveError('output.write', `cannot write ${path}: ${e.code ?? e.message}`, {
      hint: 'check that the folder is writable and the path is not a directory',
      cause: error,
    })
  }
}

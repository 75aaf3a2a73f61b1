import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The folder holding Carve's package.json, found from this file (dist/bench/lib or bench/lib). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'carve') return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the carve package root')
    dir = parent
  }
}

import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let root: string | undefined

/** The folder holding Carve's package.json, whether running from src/ (tsx, vitest) or dist/. */
export function packageRoot(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'carve') return (root = dir)
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the carve package root')
    dir = parent
  }
}

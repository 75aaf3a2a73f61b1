/**
 * The project's Markdown works in a fresh clone: every relative link points at a file or folder
 * of the repository (not at ../shared or another checkout beside it).
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

import {packageRoot} from '../src/paths.js'

const root = packageRoot()
const pages = [
  'README.md',
  'BENCHMARKS.md',
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'examples')).map((e) => `examples/${e}/README.md`),
].filter((p) => existsSync(join(root, p)))

describe('documentation links', () => {
  for (const page of pages) {
    it(`${page}: every relative link resolves inside the repository`, () => {
      const text = readFileSync(join(root, page), 'utf8')
      const broken: string[] = []
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)\s]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue
        const path = resolve(root, dirname(page), decodeURI(target!))
        if (relative(root, path).startsWith('..') || !existsSync(path)) broken.push(target!)
      }
      expect(broken).toEqual([])
    })
  }
})

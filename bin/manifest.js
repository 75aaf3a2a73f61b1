#!/usr/bin/env node
/**
 * Write oclif.manifest.json (the command cache) from the built commands in dist/commands.
 *
 * With a manifest, oclif answers `--help` and finds a command without importing every command
 * module (and everything they import). Without one it imports them all on every start. This is
 * what `oclif manifest` does, without adding the `oclif` CLI package: the root plugin is loaded
 * with its manifest ignored, which imports each command once and caches its id, summary, flags
 * and args.
 *
 * `npm run build` removes it (`--remove`), compiles, then writes it, so it always matches dist/.
 * It is a build artifact (in .gitignore). After compiling with plain `tsc`, run
 * `node bin/manifest.js` too (or delete oclif.manifest.json): a stale manifest lists only the
 * commands it knew about, and oclif would not find a newer one.
 */
import {renameSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Plugin, settings} from '@oclif/core'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const file = join(root, 'oclif.manifest.json')

// Never let an old manifest stand in for the new one, even if this script fails below.
rmSync(file, {force: true})
// `--remove` runs before tsc in the build script: if compiling fails half-way (tsc still emits),
// the CLI falls back to importing every command instead of trusting an old list.
if (process.argv.includes('--remove')) process.exit(0)

// Always the compiled commands in dist/: with NODE_ENV=development or test, oclif would otherwise
// map dist/commands to the TypeScript sources and record commands/*.ts, which plain node cannot run.
settings.enableAutoTranspile = false

const plugin = new Plugin({
  root,
  type: 'core',
  isRoot: true,
  ignoreManifest: true,
  // A command that fails to import fails the build instead of silently missing from the manifest.
  errorOnManifestCreate: true,
  // Flags marked noCacheDefault (computed per run) keep their default out of the file.
  respectNoCacheDefault: true,
})
await plugin.load()

const ids = Object.keys(plugin.manifest.commands).sort()
const notBuilt = ids.filter((id) => plugin.manifest.commands[id].relativePath?.[0] !== 'dist')
if (notBuilt.length > 0) {
  console.error(`manifest: commands not loaded from dist/: ${notBuilt.join(', ')}`)
  process.exit(1)
}

// Write then rename, so a CLI started during the build never reads half a file.
const temp = `${file}.${process.pid}.tmp`
writeFileSync(temp, JSON.stringify(plugin.manifest, null, 2) + '\n')
renameSync(temp, file)
console.error(`manifest: ${ids.length} commands (${ids.join(', ')}) -> ${relative(process.cwd(), file) || file}`)

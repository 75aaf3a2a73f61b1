/**
 * Mermaid → SVG/PNG with @mermaid-js/mermaid-cli's programmatic API and ONE shared headless
 * browser for all diagrams (launching mmdc per diagram costs 5–7 s each; a shared browser
 * 0.8–2 s per diagram).
 *
 * Rendering is optional. mermaid-cli is not a dependency of Carve: it brings ~250 packages and
 * ~500 MB (mermaid, puppeteer, …), and puppeteer's install script tries to download a browser,
 * which fails offline and makes npm drop an optional dependency silently. So it is looked up at
 * run time — in Carve's own node_modules, then in npm's global folder — and a browser is taken
 * from the system (/usr/bin/chromium, or CARVE_CHROMIUM). When either is missing the caller gets
 * `{unavailable}` with what to install; the Markdown files with ```mermaid blocks are still
 * readable, since GitHub and GitLab render them.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {CarveError} from '../errors.js'

export const MERMAID_CLI_VERSION = '11.17.0'
export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** Chromium flags that work headless as root in containers (see ../shared/docs/stack-notes.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-setuid-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export const INSTALL_HINT = `install a browser (apt-get install chromium, or point CARVE_CHROMIUM at a Chrome/Chromium binary) and mermaid-cli (PUPPETEER_SKIP_DOWNLOAD=1 npm i --no-save @mermaid-js/mermaid-cli@${MERMAID_CLI_VERSION} in Carve's folder, or npm i -g with the same variable)`

/** Where mermaid-cli was found: its entry module and the packages it brings (resolved beside it). */
export interface MermaidCliLocation {
  /** Absolute path of mermaid-cli's entry module. */
  entry: string
  version: string
}

// Node's global module folder: <prefix>/lib/node_modules on POSIX, <prefix>/node_modules on Windows.
function globalFolders(): string[] {
  const prefix = dirname(dirname(process.execPath))
  return [join(prefix, 'lib', 'node_modules'), join(dirname(process.execPath), 'node_modules')]
}

/** mermaid-cli in Carve's node_modules, else in npm's global folder; null when absent. */
export function locateMermaidCli(): MermaidCliLocation | null {
  const parents = [import.meta.url, ...globalFolders().map((dir) => join(dirname(dir), 'carve-lookup.js'))]
  for (const parent of parents) {
    try {
      const entry = createRequire(parent).resolve('@mermaid-js/mermaid-cli')
      const manifest = packageJsonOf(entry, '@mermaid-js/mermaid-cli')
      if (!manifest) continue
      return {entry, version: String(manifest.json.version ?? '?')}
    } catch {
      // not there: try the next place
    }
  }
  return null
}

function packageJsonOf(file: string, name: string): {dir: string; json: Record<string, unknown>} | null {
  let dir = dirname(file)
  for (;;) {
    const path = join(dir, 'package.json')
    if (existsSync(path)) {
      try {
        const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
        if (json.name === name) return {dir, json}
      } catch {
        // unreadable manifest: keep walking up
      }
    }
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

/**
 * The ES module entry of a package as mermaid-cli itself would import it (puppeteer, mermaid):
 * resolved from mermaid-cli's folder, so a global install uses its own copies.
 */
export function resolveBeside(location: MermaidCliLocation, name: string): string | null {
  try {
    const resolved = createRequire(location.entry).resolve(name)
    const pkg = packageJsonOf(resolved, name)
    if (!pkg) return resolved
    const exports = pkg.json.exports as Record<string, unknown> | undefined
    const dot = exports?.['.']
    const esm = dot && typeof dot === 'object' ? ((dot as Record<string, unknown>).import ?? (dot as Record<string, unknown>).default) : undefined
    const target = typeof esm === 'string' ? esm : typeof pkg.json.module === 'string' ? pkg.json.module : null
    return target ? join(pkg.dir, target) : resolved
  } catch {
    return null
  }
}

/** The browser binary to use, or null when there is none. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const path = env.CARVE_CHROMIUM || DEFAULT_CHROMIUM
  return existsSync(path) ? path : null
}

/** Why rendering cannot run here, or null when it can. Cheap: no browser is started. */
export function renderingUnavailable(env: NodeJS.ProcessEnv = process.env): string | null {
  const missing: string[] = []
  if (!chromiumPath(env)) missing.push(`no browser at ${env.CARVE_CHROMIUM || DEFAULT_CHROMIUM}`)
  if (!locateMermaidCli()) missing.push('@mermaid-js/mermaid-cli is not installed')
  return missing.length ? `${missing.join(' and ')}: ${INSTALL_HINT}` : null
}

interface Browser {
  close(): Promise<void>
}
interface MermaidCliModule {
  renderMermaid(
    browser: Browser,
    definition: string,
    format: 'svg' | 'png',
    options?: {backgroundColor?: string; mermaidConfig?: Record<string, unknown>; viewport?: {width: number; height: number; deviceScaleFactor?: number}},
  ): Promise<{data: Uint8Array}>
}
interface PuppeteerModule {
  launch(options: Record<string, unknown>): Promise<Browser>
}

/** `contexts/orders/er.mmd` → `contexts/orders/er.svg`. */
export function outputPath(path: string, format: 'svg' | 'png'): string {
  return /\.mmd$/i.test(path) ? path.replace(/\.mmd$/i, `.${format}`) : `${path}.${format}`
}

/**
 * Render each Mermaid text to `<outDir>/<path with .svg|.png>` with one shared browser.
 * Returns the written paths (relative to outDir, in input order), or `{unavailable}` saying what
 * to install when mermaid-cli or a browser is missing or the browser does not start — never
 * throws for that. A diagram Mermaid refuses is a bug in the generator: that throws, naming it.
 */
export interface RenderOptions {
  /** Page width in CSS pixels the diagram is laid out in (wide diagrams wrap less). Default 1600. */
  width?: number
  /** Pixel density of PNGs (2 = sharp on high-DPI screens). Default 1. */
  scale?: number
  /** Called after each diagram, so a long run shows where it is. */
  onProgress?: (done: number, total: number, path: string) => void
}

export async function renderMermaidFiles(
  files: {path: string; mermaid: string}[],
  outDir: string,
  format: 'svg' | 'png',
  options: RenderOptions = {},
): Promise<{rendered: string[]} | {unavailable: string}> {
  const why = renderingUnavailable()
  if (why) return {unavailable: why}
  const location = locateMermaidCli()!
  const puppeteerEntry = resolveBeside(location, 'puppeteer')
  if (!puppeteerEntry) return {unavailable: `mermaid-cli ${location.version} is installed without puppeteer: ${INSTALL_HINT}`}

  let cli: MermaidCliModule
  let puppeteer: PuppeteerModule
  try {
    cli = (await import(pathToFileURL(location.entry).href)) as MermaidCliModule
    const p = (await import(pathToFileURL(puppeteerEntry).href)) as {default?: PuppeteerModule} & PuppeteerModule
    puppeteer = typeof p.launch === 'function' ? p : p.default!
  } catch (error) {
    return {unavailable: `mermaid-cli ${location.version} could not be loaded (${firstLine(error)}): ${INSTALL_HINT}`}
  }
  if (typeof cli.renderMermaid !== 'function' || typeof puppeteer?.launch !== 'function') {
    return {unavailable: `mermaid-cli ${location.version} has no renderMermaid API (Carve needs 11.x): ${INSTALL_HINT}`}
  }

  let browser: Browser
  try {
    browser = await puppeteer.launch({executablePath: chromiumPath()!, headless: 'shell', args: CHROMIUM_ARGS, timeout: 60_000})
  } catch (error) {
    return {unavailable: `the browser ${chromiumPath()} did not start (${firstLine(error)}): ${INSTALL_HINT}`}
  }
  const rendered: string[] = []
  try {
    for (const file of files) {
      let data: Uint8Array
      try {
        ;({data} = await cli.renderMermaid(browser, file.mermaid, format, {
          backgroundColor: 'white',
          mermaidConfig: MERMAID_CONFIG,
          viewport: {width: options.width ?? 1600, height: 1200, deviceScaleFactor: options.scale ?? 1},
        }))
      } catch (error) {
        throw new CarveError('render.diagram', `${file.path}: Mermaid could not render this diagram: ${message(error)}`, {
          hint: 'this is a bug in the diagram generator; please report it with the .mmd file',
        })
      }
      const out = outputPath(file.path, format)
      mkdirSync(dirname(join(outDir, out)), {recursive: true})
      writeFileSync(join(outDir, out), data)
      rendered.push(out)
      options.onProgress?.(rendered.length, files.length, out)
    }
  } finally {
    await browser.close().catch(() => undefined)
  }
  return {rendered}
}

/**
 * Strict security (labels are text, never HTML of the user's), and room for large schemas: the
 * defaults (50,000 characters, 500 edges) refuse the ER diagram of a context with a few hundred
 * tables, which a file on disk can still hold.
 */
const MERMAID_CONFIG = {securityLevel: 'strict', maxTextSize: 2_000_000, maxEdges: 5_000}

/** Mermaid's parse errors span lines (the line, a caret, what it expected): keep them, on one line. */
function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join(' · ').slice(0, 600)
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? 'unknown error'
}

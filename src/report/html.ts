/**
 * The report page: one self-contained index.html (no server, no network) — the page's template,
 * style and script from templates/report/, Cytoscape.js inlined, and the report data embedded as
 * JSON. Opening the file in a browser is all a team needs; it can be attached to a CI run.
 */
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

import {packageRoot} from '../paths.js'
import type {ReportData} from './data.js'

function template(name: string): string {
  return readFileSync(join(packageRoot(), 'templates', 'report', name), 'utf8')
}

function cytoscapeSource(): string {
  const main = createRequire(import.meta.url).resolve('cytoscape')
  return readFileSync(join(dirname(main), 'cytoscape.min.js'), 'utf8')
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no U+2028/9 surprises. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function reportHtml(data: ReportData): string {
  const parts: Record<string, string> = {
    title: escapeHtml(data.title),
    style: template('report.css'),
    data: scriptJson(data),
    // A script body must not contain "</script": the minified library and our script do not,
    // but guard anyway so a future version cannot end the element early.
    cytoscape: cytoscapeSource().replace(/<\/script/gi, '<\\/script'),
    script: template('report.js'),
  }
  // One pass, so a placeholder-looking string inside the data is never substituted.
  return template('index.html').replace(/\{\{(\w+)\}\}/g, (whole, key: string) => parts[key] ?? whole)
}

/** Write DIR/index.html (atomically) and return its path. */
export function writeReport(dir: string, data: ReportData): string {
  mkdirSync(dir, {recursive: true})
  const file = join(dir, 'index.html')
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, reportHtml(data))
  renameSync(temp, file)
  return file
}

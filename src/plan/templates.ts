/**
 * The wording of plan documents lives in Carve's `templates/` folder with `{{placeholder}}`
 * fields; generators compute the facts and fill them in here.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {packageRoot} from '../paths.js'

/**
 * Fill `{{name}}` fields in one pass: values are never scanned for placeholders again, and a
 * field without a value throws (a template and its generator must not drift apart silently).
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`template field {{${name}}} has no value`)
    return value
  })
}

const templateCache = new Map<string, string>()

/** A template shipped in Carve's `templates/` folder. */
export function loadTemplate(name: string): string {
  let text = templateCache.get(name)
  if (text === undefined) {
    text = readFileSync(join(packageRoot(), 'templates', name), 'utf8')
    templateCache.set(name, text)
  }
  return text
}

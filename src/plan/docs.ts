/**
 * The Markdown a plan carries for people, one module per document: each context's ownership
 * document (ownership-document.ts) and event catalog (event-catalog.ts), and the plan's README
 * (plan-readme.ts), built from escaping helpers (markdown.ts), REST paths (resource-paths.ts) and
 * the shipped templates (templates.ts). Re-exported here so callers have one place to import from.
 */
export {eventCatalog} from './event-catalog.js'
export {fenced, inlineCode, markdownText, mdTable, namesList} from './markdown.js'
export {ownershipDocument} from './ownership-document.js'
export {planReadme} from './plan-readme.js'
export {itemPath, resourcePath} from './resource-paths.js'
export {loadTemplate, renderTemplate} from './templates.js'

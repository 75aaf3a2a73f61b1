/**
 * The files `carve discover --export` writes: each format an independent writer (see
 * mermaid.ts, dbml.ts, graph-export.ts); this module only decides file names and layout.
 */
import type {Proposal} from '../boundaries/model.js'
import type {Catalog} from '../introspect/model.js'
import {proposalDbml} from './dbml.js'
import {proposalGexf, proposalGraphml, proposalJson} from './graph-export.js'
import {contextErMermaid, contextMapMermaid} from './mermaid.js'

export const EXPORT_FORMATS = ['mermaid', 'dbml', 'graphml', 'gexf', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** A file-system-safe, readable name for a context. */
function fileName(context: string, index: number): string {
  const safe = context.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
  return safe || `context-${index + 1}`
}

/** Relative path → content, for the formats asked for. Pure: the caller writes them. */
export function discoveryFiles(proposal: Proposal, catalog: Catalog, formats: readonly ExportFormat[]): Map<string, string> {
  const files = new Map<string, string>()
  if (formats.includes('mermaid')) {
    const map = contextMapMermaid(proposal)
    files.set('context-map.mmd', map)
    const sections = ['# Context map', '', '```mermaid', map.trimEnd(), '```', '']
    const used = new Set<string>()
    proposal.contexts.forEach((c, i) => {
      let name = fileName(c.name, i)
      while (used.has(name)) name = `${name}-${i + 1}`
      used.add(name)
      const er = contextErMermaid(proposal, catalog, c.name)
      files.set(`er/${name}.mmd`, er)
      sections.push(`## ${c.name.replace(/[<>`]/g, '')}`, '', '```mermaid', er.trimEnd(), '```', '')
    })
    // GitHub and GitLab render ```mermaid blocks: this page is readable in the repository.
    files.set('README.md', sections.join('\n'))
  }
  if (formats.includes('dbml')) files.set('contexts.dbml', proposalDbml(proposal, catalog))
  if (formats.includes('graphml')) files.set('tables.graphml', proposalGraphml(proposal, catalog))
  if (formats.includes('gexf')) files.set('tables.gexf', proposalGexf(proposal, catalog))
  if (formats.includes('json')) files.set('proposal.json', proposalJson(proposal))
  return files
}

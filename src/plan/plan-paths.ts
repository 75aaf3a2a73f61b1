/**
 * Where things sit in a plan folder. Each context's folder (contexts/<context>/) holds its steps
 * (steps/<id>/), documents, API and diagrams, so one folder is what the context's owner reviews
 * and CODEOWNERS gives them; steps of no single context (service roles, reporting read models)
 * stay in the top-level steps/. Every generator that writes a step path or a link from a step's
 * README goes through here, so moving a folder is a change in one place.
 */
import {posix} from 'node:path'

/** contexts/<context>: the context's documents, API, diagrams and steps. */
export function contextFolder(context: string): string {
  return `contexts/${context}`
}

/** The folder of one step, from the plan root. */
export function stepFolder(context: string | null, id: string): string {
  return context === null ? `steps/${id}` : `${contextFolder(context)}/steps/${id}`
}

/**
 * A relative link from a step's README to a file or folder of the plan given from the plan root
 * (`contexts/orders/events.md` → `../../events.md` for a step of orders). The link depends only on
 * the step's context, not on its id, so drafts can write it before steps are numbered.
 */
export function linkFromStep(context: string | null, planPath: string): string {
  return posix.relative(stepFolder(context, 'step'), planPath)
}

/** A relative link from a context's README (contexts/<context>/README.md) to a plan path. */
export function linkFromContext(context: string, planPath: string): string {
  return posix.relative(contextFolder(context), planPath)
}

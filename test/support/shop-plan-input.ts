/**
 * The shop example as a resolved plan input — catalog from the embedded example, the designers'
 * contexts (examples/shop/contexts.yml) as a boundaries file, the workload from the example's
 * captured log — for tests of the plan writers. Built once per test process: PGlite and log
 * ingestion take seconds.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {exampleBoundaries} from '../../src/boundaries/example-contexts.js'
import type {BoundariesFile} from '../../src/boundaries/file.js'
import {exampleDir} from '../../src/db/examples.js'
import {openTarget} from '../../src/db/open.js'
import {inspect} from '../../src/introspect/index.js'
import type {Catalog} from '../../src/introspect/model.js'
import {resolvePlanInput, type PlanInput} from '../../src/plan/context.js'
import {loadServiceMap} from '../../src/workload/service-map.js'
import {listExampleLogs} from '../../src/workload/example-logs.js'
import type {Workload} from '../../src/workload/model.js'

/** The designers' contexts of examples/shop/contexts.yml, as a boundaries file. */
export function shopBoundaries(): BoundariesFile {
  const boundaries = exampleBoundaries(exampleDir('shop'))
  if (!boundaries) throw new Error('examples/shop/contexts.yml is missing')
  return boundaries
}

export async function shopCatalog(): Promise<Catalog> {
  const conn = await openTarget({kind: 'example', name: 'shop'})
  try {
    return await inspect(conn)
  } finally {
    await conn.close()
  }
}

export async function shopWorkload(): Promise<Workload> {
  const dir = exampleDir('shop')
  const map = join(dir, 'logs', 'service-map.yml')
  const {ingest} = await import('../../src/workload/ingest.js')
  return ingest({files: listExampleLogs(dir), serviceMap: existsSync(map) ? loadServiceMap(map) : undefined})
}

let cached: Promise<PlanInput> | undefined

/** The shop's plan input (cached per process: treat it as read-only). */
export function shopPlanInput(): Promise<PlanInput> {
  cached ??= (async () => {
    const [catalog, workload] = await Promise.all([shopCatalog(), shopWorkload()])
    return resolvePlanInput(catalog, shopBoundaries(), workload, {name: 'shop'})
  })()
  return cached
}

/**
 * A context the boundaries file leaves unowned (`owner: null`) stays unowned in the plan: its
 * owner reads "unassigned", its role is named after the context, and no service is invented
 * for it (no `<context>-service` role, grant, document or API stub). Shop example, no server.
 */
import {beforeAll, describe, expect, it} from 'vitest'

import type {BoundariesFile} from '../src/boundaries/file.js'
import type {Catalog} from '../src/introspect/model.js'
import {resolvePlanInput, UNASSIGNED_OWNER} from '../src/plan/context.js'
import {generatePlan} from '../src/plan/generate.js'
import {planFiles} from '../src/plan/write.js'
import {shopBoundaries, shopCatalog} from './support/shop-plan-input.js'

let catalog: Catalog
let boundaries: BoundariesFile

beforeAll(async () => {
  catalog = await shopCatalog()
  const shop = shopBoundaries()
  // The designers' legacy context, with its owner left undecided.
  boundaries = {...shop, contexts: shop.contexts.map((c) => (c.name === 'legacy' ? {...c, owner: null} : c))}
}, 120_000)

describe('an unowned context in a plan', () => {
  it('says owner unassigned, takes a role named after the context and invents no service', () => {
    expect(boundaries.contexts.find((c) => c.name === 'legacy')?.owner).toBeNull()
    const input = resolvePlanInput(catalog, boundaries, null, {name: 'shop'})
    const legacy = input.contexts.find((c) => c.name === 'legacy')!
    expect(legacy.owner).toBe(UNASSIGNED_OWNER)
    expect(legacy.unowned).toBe(true)
    expect(legacy.role).toBe('carve_legacy')
    // Owned contexts are as before.
    const orders = input.contexts.find((c) => c.name === 'orders')!
    expect([orders.owner, orders.unowned, orders.role]).toEqual(['orders-service', false, 'carve_orders_service'])
    // The services are the owners people named (and reporting): none made up from a context name.
    const named = new Set([...boundaries.contexts.map((c) => c.owner).filter((o): o is string => o !== null), input.conventions.reportingService, UNASSIGNED_OWNER])
    expect(input.services.filter((s) => !named.has(s.name))).toEqual([])
    expect(input.services.filter((s) => s.name === UNASSIGNED_OWNER)).toEqual([{name: UNASSIGNED_OWNER, role: 'carve_legacy'}])
  })

  it('writes no file naming an invented legacy-service, and its documents say unassigned', () => {
    const files = planFiles(generatePlan(catalog, boundaries, null, {name: 'shop'}))
    const mentions = [...files].filter(([, text]) => /legacy[-_]service/.test(text)).map(([path]) => path)
    expect(mentions).toEqual([])
    const ownership = [...files].find(([path]) => path.endsWith('contexts/legacy/OWNERSHIP.md'))
    expect(ownership, 'the legacy context has an ownership document').toBeDefined()
    expect(ownership![1]).toContain(UNASSIGNED_OWNER)
    // The plan's table of contexts: owner unassigned, the role named after the context.
    expect(files.get('README.md')).toContain('| [legacy](contexts/legacy/README.md) | unassigned | legacy | carve\\_legacy |')
    // CODEOWNERS names no made-up team for it; owned contexts keep their line.
    const owners = files.get('CODEOWNERS')!
    expect(owners).not.toMatch(/@unassigned/)
    expect(owners).toMatch(/^# legacy: no owner decided yet/m)
    expect(owners).toMatch(/^\S*contexts\/orders\/ @orders-service$/m)
  })
})

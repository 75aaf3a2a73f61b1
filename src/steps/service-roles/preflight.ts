/** Before a run: creating the services' roles needs CREATEROLE, unless they all exist already. */
import type {Blocker} from '../../execute/server-facts.js'
import type {Preflight} from '../kind.js'

export const serviceRolesPreflight: Preflight = (step, manifest, facts): Blocker[] => {
  if (!facts.readsPrivileges || facts.superuser || facts.createRole) return []
  const missing = manifest.contexts.map((c) => c.role).filter((r) => !facts.existingRoles.includes(r))
  if (missing.length === 0) return []
  return [
    {
      step: step.id,
      need: `creating roles (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}) needs CREATEROLE, which the user on ${facts.label} lacks`,
      fix: 'run apply as a role with CREATEROLE (or a superuser), or have an administrator create those roles first',
    },
  ]
}

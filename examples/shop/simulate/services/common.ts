/**
 * What every simulated service is made of, and the statements several of them share.
 */
import type {Ctx} from '../context.js'
import type {Id, Param} from '../db.js'

export interface WorkerSpec {
  service: string
  worker: number
  /** Short code used in generated keys. */
  code: string
  /** Database user. */
  user: string
  /** PostgreSQL application_name (undefined: the connection sends none). */
  application?: string
  /** sqlcommenter application tag on every statement. */
  tagApplication?: string
  /** MariaDB parameter style. */
  mysqlParams?: 'prepared' | 'interpolated'
  /** Iterations on PostgreSQL; MariaDB runs a fraction of them. */
  iterations: number
  step: (ctx: Ctx, iteration: number) => Promise<void>
}

export const v = (value: Param): string => {
  if (value === null) return 'NULL'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return `'${value.replace(/'/g, "''")}'`
}

/**
 * The permission check RBAC answers. Orders, Billing, Catalog and Memberships run the very same
 * join themselves instead of asking RBAC (legacy habit 3).
 */
export const PERMISSION_CHECK = `SELECT p.code
  FROM user_role_assignments ura
  JOIN role_permissions rp ON rp.role_id = ura.role_id
  JOIN permissions p ON p.id = rp.permission_id
 WHERE ura.user_id = ? AND ura.tenant_id = ? AND p.code = ?
   AND (ura.expires_at IS NULL OR ura.expires_at > now())`

export async function checkPermission(ctx: Ctx, user: number, tenant: number, code: string): Promise<void> {
  await ctx.db.q(PERMISSION_CHECK, [user, tenant, code])
}

/** Every service writes its own rows into audit_events (the audit service writes most of them). */
export async function writeAudit(
  ctx: Ctx,
  e: {tenant: number | null; user: number | null; action: string; resourceType: string; resourceId: Id; values?: Record<string, unknown>; source: string},
): Promise<void> {
  await ctx.db.q(
    `INSERT INTO audit_events (tenant_id, user_id, action, resource_type, resource_id, new_values, source_service, correlation_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [e.tenant, e.user, e.action, e.resourceType, String(e.resourceId), e.values ? JSON.stringify(e.values) : null, e.source, ctx.rng.uuid()],
  )
}

export const FIRST_NAMES = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Katja', 'Liam', 'Mia', 'Noah', 'Olivia', 'Paul']
export const LAST_NAMES = ['Berg', 'Carter', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Jensen', 'Keller', 'Larsen', 'Moreau', 'Novak', 'Rossi', 'Schmidt', 'Walsh']
export const GEO: [country: string, locale: string, zone: string][] = [
  ['DE', 'de-DE', 'Europe/Berlin'],
  ['GB', 'en-GB', 'Europe/London'],
  ['FR', 'fr-FR', 'Europe/Paris'],
  ['NL', 'nl-NL', 'Europe/Amsterdam'],
  ['US', 'en-US', 'America/New_York'],
  ['SE', 'sv-SE', 'Europe/Stockholm'],
]
export const CURRENCIES = ['CAD', 'CHF', 'DKK', 'GBP', 'JPY', 'NOK', 'PLN', 'SEK', 'USD']

export function ip(ctx: Ctx, prefix = '10.20'): string {
  return `${prefix}.${ctx.rng.int(0, 255)}.${ctx.rng.int(1, 254)}`
}

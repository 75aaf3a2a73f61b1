/**
 * Which service ran a statement, in order of evidence:
 *   1. a sqlcommenter tag in the statement's comment (application / service / app / db_driver…)
 *   2. the session's application_name (unless it is a generic client such as psql)
 *   3. the database user, mapped by the service map
 *   4. the client address, mapped by the service map (exact IP or IPv4 CIDR)
 *   5. the database user as it is (service accounts are usually self-describing)
 * The service map (`--service-map FILE`, read by service-map.ts) renames and fills the gaps.
 */
import type {ServiceMap} from './service-map.js'

export type {ServiceMap}

export const GENERIC_APPLICATIONS = ['', 'psql', 'pgAdmin 4 - DB:postgres', 'pg_dump', 'pg_restore', 'DBeaver', 'PostgreSQL JDBC Driver', 'node-postgres', 'unknown', '[unknown]']

export const SQLCOMMENTER_SERVICE_KEYS = ['application', 'service', 'app', 'service.name', 'service_name']

export type AttributionEvidence = 'sqlcommenter' | 'application' | 'user-map' | 'client-map' | 'user' | 'none'

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.')
  if (parts.length !== 4) return null
  let n = 0
  for (const p of parts) {
    const v = Number(p)
    if (!Number.isInteger(v) || v < 0 || v > 255 || p === '') return null
    n = n * 256 + v
  }
  return n
}

function matchClient(clients: Record<string, string>, client: string): string | undefined {
  if (clients[client]) return clients[client]
  const ip = ipv4ToInt(client)
  if (ip === null) return undefined
  for (const [pattern, service] of Object.entries(clients)) {
    const [base, bits] = pattern.split('/')
    if (bits === undefined) continue
    const b = ipv4ToInt(base!)
    const len = Number(bits)
    if (b === null || !Number.isInteger(len) || len < 0 || len > 32) continue
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0
    if (((ip & mask) >>> 0) === ((b & mask) >>> 0)) return service
  }
  return undefined
}

export class Attributor {
  private generic: Set<string>
  constructor(private readonly map: ServiceMap = {applications: {}, users: {}, clients: {}}) {
    this.generic = new Set(map.generic_applications ?? GENERIC_APPLICATIONS)
  }

  attribute(input: {tags?: Record<string, string>; application?: string; user?: string; client?: string}): {service: string; evidence: AttributionEvidence} {
    const {tags, application, user, client} = input
    if (tags) {
      for (const key of SQLCOMMENTER_SERVICE_KEYS) {
        const value = tags[key]
        if (value) return {service: this.map.applications[value] ?? value, evidence: 'sqlcommenter'}
      }
    }
    if (application && !this.generic.has(application)) return {service: this.map.applications[application] ?? application, evidence: 'application'}
    if (user && this.map.users[user]) return {service: this.map.users[user]!, evidence: 'user-map'}
    if (client) {
      const mapped = matchClient(this.map.clients, client)
      if (mapped) return {service: mapped, evidence: 'client-map'}
    }
    if (user) return {service: user, evidence: 'user'}
    return {service: 'unknown', evidence: 'none'}
  }
}

/**
 * Which service ran a statement, in order of evidence:
 *   1. a sqlcommenter tag in the statement's comment (application / service / app / db_driver…)
 *   2. the session's application_name (unless it is a generic client such as psql)
 *   3. the database user, mapped by the service map
 *   4. the client address, mapped by the service map (exact IP or IPv4 CIDR)
 *   5. the database user as it is (service accounts are usually self-describing)
 * The service map (`--service-map FILE`, YAML) renames and fills the gaps; it is validated with
 * a schema so a typo is a precise error, not a silent mis-attribution.
 */
import {readFileSync} from 'node:fs'

import {parse} from 'yaml'
import {z} from 'zod'

import {CarveError, EXIT} from '../errors.js'

export const serviceMapSchema = z
  .object({
    /** application_name or sqlcommenter application → service */
    applications: z.record(z.string(), z.string().min(1)).default({}),
    /** database user → service */
    users: z.record(z.string(), z.string().min(1)).default({}),
    /** client address (IP or IPv4 CIDR) → service */
    clients: z.record(z.string(), z.string().min(1)).default({}),
    /** application_name values that say nothing about the service (default: common tools). */
    generic_applications: z.array(z.string()).optional(),
  })
  .strict()

export type ServiceMap = z.infer<typeof serviceMapSchema>

export const GENERIC_APPLICATIONS = ['', 'psql', 'pgAdmin 4 - DB:postgres', 'pg_dump', 'pg_restore', 'DBeaver', 'PostgreSQL JDBC Driver', 'node-postgres', 'unknown', '[unknown]']

export const SQLCOMMENTER_SERVICE_KEYS = ['application', 'service', 'app', 'service.name', 'service_name']

export type AttributionEvidence = 'sqlcommenter' | 'application' | 'user-map' | 'client-map' | 'user' | 'none'

export function loadServiceMap(path: string): ServiceMap {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new CarveError('workload.service-map', `cannot read the service map ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {exitCode: EXIT.usage})
  }
  let data: unknown
  try {
    data = parse(text) ?? {}
  } catch (error) {
    throw new CarveError('workload.service-map', `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, {exitCode: EXIT.usage})
  }
  const result = serviceMapSchema.safeParse(data)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new CarveError('workload.service-map', `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, {
      exitCode: EXIT.usage,
      hint: 'expected keys: applications, users, clients (each a mapping to a service name), generic_applications (a list)',
    })
  }
  return result.data
}

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

/**
 * The service map file (`--service-map FILE`, YAML): application names, database users and
 * client addresses → services (see attribution.ts for how it is used). It is validated with a
 * schema so a typo is a precise error, not a silent mis-attribution.
 *
 * Apart from attribution.ts so that ingestion loads the YAML parser and the schema library
 * (~18 MB of peak RSS between them, measured with /usr/bin/time -v) only when a map is given.
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

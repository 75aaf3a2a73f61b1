/**
 * node-postgres, loaded without its Cloudflare Workers probe.
 *
 * When pg loads, it asks whether it runs in a Worker: by `navigator.userAgent` where there is a
 * `navigator` (Node >= 21 has one), otherwise by constructing a fetch `Response`, which on Node
 * 20 loads Node's whole bundled fetch implementation (undici): ~20 ms of CPU on every
 * PostgreSQL connection, for a class Carve never uses. A `navigator` shaped like Node 21's
 * answers the probe the way newer Node does; it exists only while pg loads, and only where Node
 * has none of its own.
 */
const shimmed = !('navigator' in globalThis)
if (shimmed) {
  Object.defineProperty(globalThis, 'navigator', {
    value: {userAgent: `Node.js/${process.versions.node.split('.')[0]}`},
    configurable: true,
  })
}
let driver: typeof import('pg').default
try {
  driver = (await import('pg')).default
} finally {
  if (shimmed) Reflect.deleteProperty(globalThis, 'navigator')
}

export default driver

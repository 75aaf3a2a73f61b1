/**
 * A TCP server that speaks just enough of the PostgreSQL wire protocol to ask for a password and
 * reject it, as a server with password auth does. The servers on CI machines use trust auth, so
 * this is the only way to exercise the real driver's wrong-password path end to end.
 */
import {createServer, type Server} from 'node:net'

export async function startPasswordRejectingServer(): Promise<{port: number; close: () => Promise<void>; passwordsSeen: string[]}> {
  const passwordsSeen: string[] = []
  const server: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0)
    let started = false
    socket.on('error', () => {})
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      if (!started) {
        if (buffer.length < 8) return
        const len = buffer.readInt32BE(0)
        const code = buffer.readInt32BE(4)
        if (buffer.length < len) return
        buffer = buffer.subarray(len)
        if (code === 80877103) {
          socket.write('N') // SSLRequest: no SSL here
          return
        }
        started = true
        // AuthenticationCleartextPassword
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]))
        return
      }
      if (buffer.length < 5 || buffer[0] !== 0x70) return
      const len = buffer.readInt32BE(1)
      if (buffer.length < len + 1) return
      passwordsSeen.push(buffer.subarray(5, len + 1).toString('utf8').replace(/\0$/, ''))
      buffer = buffer.subarray(len + 1)
      const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "app"']
      const body = Buffer.concat([...fields.map((f) => Buffer.from(f + '\0', 'utf8')), Buffer.from([0])])
      const header = Buffer.alloc(5)
      header[0] = 0x45
      header.writeInt32BE(body.length + 4, 1)
      socket.end(Buffer.concat([header, body]))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {port, passwordsSeen, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

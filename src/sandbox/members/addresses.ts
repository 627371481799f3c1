// Where sandbox members listen: each on its own loopback address at Azure's database port 10000, as each Azure
// cluster has its own host name. So a member ARM cannot read is dialled at its cluster's host and the fixed port, as
// it would be in Azure, and never reaches another member. Linux routes all of 127.0.0.0/8 to the loopback interface.

/** Azure's fixed port for a Managed Redis database: every sandbox member listens on it, at its own address. */
export const MEMBER_PORT = 10000

let next = 0

/**
 * A loopback address no other process allocates: 127.<a>.<b>.<n>, with a.b taken from this process's id (two live
 * processes differ in it, bar a pid collision modulo 65 024) and n counting up, so parallel test files, sandboxes
 * and their members never share one. Never 127.0.x.x, which is left to servers that bind 127.0.0.1.
 */
export function loopbackAddress(pid = process.pid): string {
  const n = 1 + (next++ % 254)
  return `127.${1 + ((pid >>> 8) % 254)}.${pid & 0xff}.${n}`
}

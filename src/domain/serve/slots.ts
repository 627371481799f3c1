// Redis Cluster key slots, for heartbeats on OSS-cluster databases: one heartbeat per shard, each under a hash tag that
// lands in a slot the shard owns, so a shard that stops replicating shows as lag. Pure.

/** CRC16-CCITT (XMODEM), as Redis Cluster hashes keys. */
function crc16(bytes: Uint8Array): number {
  let crc = 0
  for (const byte of bytes) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }

  return crc
}

const encoder = new TextEncoder()

/** The slot of a key: of its hash tag (the part between the first "{" and the next "}", when not empty), else of it all. */
export function keySlot(key: string): number {
  const open = key.indexOf('{')
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key
  return crc16(encoder.encode(hashed)) % 16_384
}

let tags: string[] | undefined

/** A short hash tag whose slot is `slot`: the first of "0", "1", "2"… that lands there (every slot has one below 10^6). */
export function tagForSlot(slot: number): string {
  if (!tags) {
    tags = new Array<string>(16_384)
    let found = 0
    for (let i = 0; found < 16_384; i++) {
      const s = keySlot(String(i))
      if (tags[s] === undefined) {
        tags[s] = String(i)
        found++
      }
    }
  }

  return tags[slot]
}

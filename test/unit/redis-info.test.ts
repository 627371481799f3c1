import {describe, expect, it} from 'vitest'
import {parseInfo, summarizeLatency} from '../../src/redis/probe.js'

// trimmed from redis-server 7.0 output: CRLF line ends, section headers, values containing ':'
const SERVER = ['# Server', 'redis_version:7.0.15', 'redis_mode:standalone', 'executable:/usr/bin/redis-server', 'config_file:', ''].join('\r\n')
const MEMORY = ['# Memory', 'used_memory:1066472', 'used_memory_human:1.02M', 'maxmemory:0', 'maxmemory_policy:noeviction', 'mem_fragmentation_ratio:9.48', ''].join('\r\n')
const STATS = ['# Stats', 'total_connections_received:3', 'evicted_keys:12', ''].join('\r\n')
const KEYSPACE = ['# Keyspace', 'db0:keys=5,expires=1,avg_ttl=0', 'db3:keys=2,expires=0,avg_ttl=0', ''].join('\r\n')

describe('parseInfo', () => {
  it('reads version, memory, evictions and keys from the server, memory, stats and keyspace sections', () => {
    expect(parseInfo([SERVER, MEMORY, STATS, KEYSPACE].join('\n'))).toEqual({
      server: {redisVersion: '7.0.15'},
      memory: {usedBytes: 1_066_472, maxBytes: null, fragmentation: 9.48, evictedKeys: 12},
      keys: 7,
    })
  })

  it('maxmemory 0 means no limit: null, not a limit of zero bytes', () => {
    expect(parseInfo('maxmemory:0').memory.maxBytes).toBeNull()
    expect(parseInfo('maxmemory:67108864').memory.maxBytes).toBe(67_108_864)
  })

  it('fields a server does not report, or reports as non-numbers, are null', () => {
    expect(parseInfo('# Memory\nused_memory:\nmem_fragmentation_ratio:nan\n')).toEqual({
      server: {redisVersion: null},
      memory: {usedBytes: null, maxBytes: null, fragmentation: null, evictedKeys: null},
      // an empty keyspace section: no key
      keys: 0,
    })
    expect(parseInfo('')).toEqual(parseInfo('# Server\r\n\r\n'))
  })
})

describe('summarizeLatency', () => {
  it('uses nearest-rank percentiles', () => {
    const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100]
    expect(summarizeLatency(samples)).toEqual({min: 1, p50: 10, p99: 100})
    expect(summarizeLatency([0.42])).toEqual({min: 0.42, p50: 0.42, p99: 0.42})
  })
})

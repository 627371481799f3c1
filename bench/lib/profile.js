// The benchmarks reach the emulator through a saved profile that trusts its CA with --ca-path, so Node runs with
// NODE_EXTRA_CA_CERTS unset (this machine sets it for every process, which alone makes a bare Node start ~3× slower);
// `caPath: false` leaves the CA out for a run that passes it as NODE_EXTRA_CA_CERTS instead.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const PROFILE = 'bench'

/** Writes GEO_REDIS_HOME=`home` with the profile "bench" for `emulator`; returns the CLI arguments that select it. */
export function writeProfile(home, emulator, {caPath = true} = {}) {
  mkdirSync(home, {recursive: true})
  const profile = {armEndpoint: emulator.url, accessToken: emulator.token, ...(caPath ? {caPath: emulator.caPath} : {})}
  writeFileSync(join(home, 'profiles.json'), JSON.stringify({profiles: {[PROFILE]: profile}}), {mode: 0o600})
  return ['--profile', PROFILE]
}

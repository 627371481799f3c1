// The one place commands get an ArmPort: imports the Azure SDK lazily so --help and --version never load it.
import type {ArmPort} from '../services/ports.js'
import type {ResolvedArmSettings} from './settings.js'

/**
 * Signs in before the first ARM request, so a failed sign-in is a usage error (exit 2) with what to do, whatever the
 * command; the ARM token goes to ARM only and a Redis token is asked for separately, when Entra AUTH needs one.
 */
export async function connectArm(settings: ResolvedArmSettings): Promise<ArmPort> {
  const warning = tlsOverrideWarning()
  if (warning) process.stderr.write(`(!) ${warning}\n`)
  const [{AzureArm}, {createCredentials}] = await Promise.all([import('../azure/arm.js'), import('../azure/credentials.js')])
  const credentials = await createCredentials(settings)
  const arm = new AzureArm({...settings, credential: credentials.arm, redisCredential: credentials.redis})
  await arm.signIn()
  return arm
}

/** A warning when the environment asks to switch TLS verification off, which geo-redis never does. */
export function tlsOverrideWarning(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return null
  return (
    'NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored: geo-redis always verifies the certificates of ARM, Microsoft Entra and Redis; ' +
    'to trust a private CA, set NODE_EXTRA_CA_CERTS=<ca.pem>, save it in a profile (profile set --ca-path), or pass --ca for Redis'
  )
}

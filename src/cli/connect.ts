// The one place commands get an ArmPort: imports the Azure SDK lazily so --help and --version never load it.
import type {ArmPort} from '../services/ports.js'
import type {ResolvedArmSettings} from './settings.js'

export async function connectArm(settings: ResolvedArmSettings): Promise<ArmPort> {
  const [{AzureArm}, {createCredential}] = await Promise.all([import('../azure/arm.js'), import('../azure/credentials.js')])
  const credential = await createCredential(settings)
  return new AzureArm({...settings, credential})
}

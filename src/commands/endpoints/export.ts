import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {keyReadingArm} from '../../cli/composition.js'
import {armFlags} from '../../cli/settings.js'
import {UsageError} from '../../domain/errors.js'
import {readExitCode} from '../../domain/outcome.js'
import {ENDPOINTS_FORMATS, renderEndpoints, type EndpointsFormat} from '../../output/endpoints.js'
import {runEndpointsExport} from '../../services/endpoints.js'
import {groupFlags, groupScope, warnUnread} from '../../cli/flags.js'
import {failoverExport, failoverFlags, failoverOptionsOf} from '../../cli/failover.js'
import {FAILOVER_FORMATS, isFailoverFormat} from '../../output/failover/index.js'

export default class EndpointsExport extends BaseCommand {
  static override summary = 'every member\'s endpoint for routing config, or a client failover snippet'
  static override description = `One entry per member (location, host, port, tls, resource id, cluster, database, resource group, subscription), sorted by location and then id so the same group always exports the same text.

A member ARM cannot read is exported too, with why (readError; a notRead column in csv, _NOT_READ in env), the host its cluster list still shows, and no port or protocol.

--format is required (there is no table: this output is meant for files); --json is --format json. In env format each member's variables are named after its location: GEO_REDIS_<LOCATION>_HOST, _PORT, _TLS, _ID (and _KEY); two members in one location add the cluster name.

Client failover formats (${FAILOVER_FORMATS.join(', ')}) write the group as a commented snippet that builds that library's multi-database client, or as data (failover-json): one entry per member with its weight and why, authentication by reference (env variables, secret-store names or Entra), the health check and the circuit breaker and failback settings (the library's defaults unless a FAILOVER flag sets them). See docs/client-failover.md.

--include-keys (or --show-keys) adds each member's primary access key (from listKeys) and warns on stderr that secrets are on stdout. Without it no key is ever requested. Exit 0 ok, 1 a member could not be read (or its keys could not), 2 bad input.`

  static override examples = [
    '<%= config.bin %> endpoints export --group geo --format env > geo.env',
    '<%= config.bin %> endpoints export --group geo --format yaml',
    '<%= config.bin %> endpoints export --group geo --format csv --resource-group rg-payments',
    '<%= config.bin %> endpoints export --group geo --json --include-keys > secrets/geo.json',
    '<%= config.bin %> endpoints export --group geo --format failover-json --near westeurope',
    '<%= config.bin %> endpoints export --group geo --format redis-py --prefer westeurope,northeurope > failover.py',
    '<%= config.bin %> endpoints export --group geo --format jedis --client-auth entra > GeoRedisFailover.java',
    '<%= config.bin %> endpoints export --group geo --format lettuce --health-url https://serve.example.com:8443 --lag-tolerance-ms 200',
    '<%= config.bin %> endpoints export --group geo --format go-redis --client-auth secret-store --only-readable > failover.go',
    '<%= config.bin %> endpoints export --group geo --format stackexchange --near eastus > GeoRedisFailover.cs',
  ]

  static override flags = {
    ...armFlags,
    ...groupFlags,
    format: Flags.string({description: `output format, required: ${ENDPOINTS_FORMATS.join(', ')} (--json is --format json); client failover: ${FAILOVER_FORMATS.join(', ')}`, options: [...ENDPOINTS_FORMATS, ...FAILOVER_FORMATS]}),
    'include-keys': Flags.boolean({description: 'also export each member\'s primary access key (secrets on stdout)', aliases: ['show-keys']}),
    ...failoverFlags,
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(EndpointsExport)
    const format = formatOf(flags.format, flags.json ?? false)
    const failover = failoverOptionsOf(flags, format)
    const {settings, scope} = groupScope(flags)
    const arm = await keyReadingArm(settings)
    if (flags['include-keys']) this.warn('--include-keys: access keys are written to stdout; keep this output out of logs, tickets and version control')
    if (failover && isFailoverFormat(format)) return failoverExport(this, arm, scope, failover, format)
    const {export: data, group, errors} = await runEndpointsExport(arm, {...scope, includeKeys: flags['include-keys']})
    warnUnread(this, errors, group.unreadable, 'its port and protocol are missing from the export')
    for (const m of data.members) if (m.primaryKey === null && !m.readError) this.warn(`${m.cluster}/${m.database} has access keys disabled: no key exported (it takes Microsoft Entra tokens)`)
    return {data, exitCode: readExitCode(data.unresolved), human: () => renderEndpoints(data, format as EndpointsFormat), withSecrets: flags['include-keys'], wrap: false}
  }
}

/** An export is written to a file another program parses: no guessing the format. */
function formatOf(format: string | undefined, json: boolean): EndpointsFormat | (typeof FAILOVER_FORMATS)[number] {
  if (json && format && format !== 'json') throw new UsageError(`--json and --format ${format} disagree`, 'pass one of them')
  if (json) return 'json'
  if (!format) throw new UsageError('--format is required', `pass --format with one of: ${ENDPOINTS_FORMATS.join(', ')} (or --json)`)
  return format as EndpointsFormat | (typeof FAILOVER_FORMATS)[number]
}

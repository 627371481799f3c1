// The layer rules of docs/architecture.md ("Import rules"), checked by `npm run lint` (depcruise src). Each rule names
// what may NOT be imported; a path is relative to the repository root. A new adapter folder (like src/http/) goes in
// ADAPTERS, and is then held to the adapters' rules and reachable only from cli/composition.ts.
/** @type {import('dependency-cruiser').IConfiguration} */

const ADAPTERS = 'azure|redis|http|file'
const adapter = `^src/(${ADAPTERS})/`

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle has no bottom layer to start reading (or testing) from',
      from: {},
      to: {circular: true},
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ imports only domain/: no I/O, no SDK types, no node: modules, no package',
      from: {path: '^src/domain/'},
      to: {pathNot: '^src/domain/'},
    },
    {
      name: 'shared-is-the-floor',
      severity: 'error',
      comment: 'shared/ utilities import nothing of the product but shared/ (node: modules and packages are fine)',
      from: {path: '^src/shared/'},
      to: {path: '^src/', pathNot: '^src/shared/'},
    },
    {
      name: 'services-through-ports',
      severity: 'error',
      comment: 'use cases take ports: they import domain/, shared/, evidence/ and other services, never an adapter, cli/, output/ or sandbox/',
      from: {path: '^src/services/'},
      to: {path: '^src/', pathNot: '^src/(services|domain|shared|evidence)/'},
    },
    {
      name: 'evidence-below-services',
      severity: 'error',
      comment: 'evidence bundles import domain/ and shared/ only',
      from: {path: '^src/evidence/'},
      to: {path: '^src/', pathNot: '^src/(evidence|domain|shared)/'},
    },
    {
      name: 'output-renders-data',
      severity: 'error',
      comment:
        'renderers are functions of data: they import domain/ and shared/, and the result types of services/ and sandbox/control (type-only, next rule and sandbox-control-importers)',
      from: {path: '^src/output/'},
      to: {path: '^src/', pathNot: '^src/(output|domain|shared|services|sandbox/control)/'},
    },
    {
      name: 'output-takes-service-types-only',
      severity: 'error',
      comment: 'a renderer may name a use case’s result type, never run its code',
      from: {path: '^src/output/'},
      to: {path: '^src/services/', dependencyTypesNot: ['type-only']},
    },
    {
      name: 'commands-are-thin',
      severity: 'error',
      comment: 'commands: flags -> one use case -> render; they import cli/, services/, output/, domain/ (and sandbox commands sandbox/control)',
      from: {path: '^src/commands/'},
      to: {path: '^src/', pathNot: '^src/(commands|cli|services|output|domain|sandbox/control)/'},
    },
    {
      name: 'commands-are-the-top',
      severity: 'error',
      comment: 'nothing imports a command: oclif loads them (scripts/bundle.js lists them)',
      from: {path: '^src/', pathNot: '^src/commands/'},
      to: {path: '^src/commands/'},
    },
    {
      name: 'adapters-built-by-composition-only',
      severity: 'error',
      comment:
        'cli/composition.ts is the only module that constructs adapters and hands them out as ports; the sandbox may use redis/connect (next rules)',
      from: {path: '^src/', pathNot: [adapter, '^src/cli/composition\\.ts$', '^src/sandbox/']},
      to: {path: adapter},
    },
    {
      name: 'adapters-import-domain-shared-ports',
      severity: 'error',
      comment: 'an adapter implements ports: it imports its own folder, domain/, shared/ and services/ports.ts (types)',
      from: {path: adapter},
      to: {path: '^src/', pathNot: ['^src/$1/', '^src/(domain|shared)/', '^src/services/ports\\.ts$']},
    },
    {
      name: 'adapters-take-port-types-only',
      severity: 'error',
      comment: 'ports.ts is a contract: an adapter names its types and runs no service code',
      from: {path: adapter},
      to: {path: '^src/services/', dependencyTypesNot: ['type-only']},
    },
    {
      name: 'only-azure-imports-azure-sdk',
      severity: 'error',
      comment: 'the Azure SDK stays behind the ARM ports (and out of start-up paths that do not need it)',
      from: {path: '^src/', pathNot: '^src/azure/'},
      to: {path: '(^|/)node_modules/@azure/'},
    },
    {
      name: 'only-redis-imports-ioredis',
      severity: 'error',
      comment: 'Redis is reached through the DataPlane port (redis/), the sandbox through redis/connect',
      from: {path: '^src/', pathNot: '^src/redis/'},
      to: {path: '(^|/)node_modules/ioredis/'},
    },
    {
      name: 'sandbox-is-another-azure',
      severity: 'error',
      comment:
        'the sandbox is reached by the product only over HTTPS, TCP and the profile file: it imports only domain/ids, domain/errors, redis/connect and shared/',
      from: {path: '^src/sandbox/', pathNot: '^src/sandbox/testing/'},
      to: {path: '^src/', pathNot: ['^src/sandbox/', '^src/domain/(ids|errors)\\.ts$', '^src/redis/connect\\.ts$', '^src/shared/']},
    },
    {
      name: 'sandbox-testing-fakes-ports',
      severity: 'error',
      comment:
        'sandbox/testing holds in-memory fakes of the ports for tests: besides what the sandbox may import, it implements services/ports.ts (types) over domain/ values',
      from: {path: '^src/sandbox/testing/'},
      to: {path: '^src/', pathNot: ['^src/sandbox/', '^src/domain/', '^src/redis/connect\\.ts$', '^src/shared/', '^src/services/ports\\.ts$']},
    },
    {
      name: 'sandbox-testing-fakes-port-types-only',
      severity: 'error',
      from: {path: '^src/sandbox/testing/'},
      to: {path: '^src/services/', dependencyTypesNot: ['type-only']},
    },
    {
      name: 'product-does-not-import-sandbox',
      severity: 'error',
      comment: 'outside the sandbox only sandbox/control is imported (next rule); sandbox/testing only by test/',
      from: {path: '^src/', pathNot: '^src/sandbox/'},
      to: {path: '^src/sandbox/', pathNot: '^src/sandbox/control/'},
    },
    {
      name: 'sandbox-control-importers',
      severity: 'error',
      comment: 'sandbox control is the sandbox commands’ use case: imported by commands/sandbox/*, cli/composition.ts and output/sandbox (types)',
      from: {path: '^src/', pathNot: ['^src/sandbox/', '^src/commands/sandbox/', '^src/cli/composition\\.ts$', '^src/output/sandbox']},
      to: {path: '^src/sandbox/control/'},
    },
    {
      name: 'sandbox-control-types-in-output',
      severity: 'error',
      from: {path: '^src/output/'},
      to: {path: '^src/sandbox/', dependencyTypesNot: ['type-only']},
    },
  ],
  options: {
    doNotFollow: {path: '(^|/)node_modules/'},
    // type-only imports count: a layer rule is about what a module knows, not only what it loads
    tsPreCompilationDeps: true,
    // (resolved beside this file, so the layer test can cruise fixture trees with the same settings)
    tsConfig: {fileName: require('node:path').join(__dirname, 'tsconfig.json')},
    // package.json "imports" (#sandbox/*) resolve to the sources through their "geo-redis-source" condition
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['geo-redis-source', 'import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    skipAnalysisNotInRules: true,
    cache: {folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content'},
  },
}

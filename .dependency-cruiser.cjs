/**
 * The dependency rule (README, "How it works"), checked by `npm run lint:deps`, which `npm run lint`
 * runs. Paths are relative to the repository root; type-only imports count (tsPreCompilationDeps).
 * @type {import('dependency-cruiser').IConfiguration}
 */

/** Adapters: the shared ones, and each surface's DynamoDB implementation of its port. */
const ADAPTERS = ['^functions/adapters/', '^functions/surfaces/[^/]+/[^/]+\\.dynamo\\.ts$'];
/** The modules that construct adapters: Lambda handlers and the wiring module. */
const HANDLERS = '\\.handler\\.ts$';
const WIRING = '^functions/adapters/stores\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle means no module of it can be read, tested or changed on its own: split out what both ' +
        'sides need (a type, a port, a constant) into a module they both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment:
        'The domain (functions/core) imports nothing outside functions/core but Node built-ins: no AWS ' +
        'SDK, no npm package, no adapter, surface or config. Whatever it needs from outside is a port ' +
        '(ports.ts) that callers pass in, so unit tests run it on in-memory ports.',
      from: { path: '^functions/core/' },
      to: { pathNot: '^functions/core/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'surfaces-use-ports-not-adapters',
      severity: 'error',
      comment:
        'A surface (routes, mapping, presenters, its port) talks to storage through ports it is given, ' +
        'never through an adapter: neither functions/adapters nor any *.dynamo.ts. Only its own ' +
        '*.dynamo.ts files are adapters.',
      from: { path: '^functions/surfaces/', pathNot: '\\.dynamo\\.ts$' },
      to: { path: ADAPTERS },
    },
    {
      name: 'only-handlers-and-wiring-construct-adapters',
      severity: 'error',
      comment:
        'Adapters are constructed by the Lambda handlers (*.handler.ts) and the wiring module ' +
        '(functions/adapters/stores.ts) and passed on as ports; approximated as: no other module ' +
        'under functions/ imports an adapter (adapters may import each other; surfaces are checked by ' +
        'surfaces-use-ports-not-adapters). Tooling outside functions/ (local/, bench/, bin/, test/) ' +
        'is exempt: it builds the runtime and the tests from adapters by design.',
      from: { path: '^functions/', pathNot: [HANDLERS, WIRING, '^functions/surfaces/', ...ADAPTERS] },
      to: { path: ADAPTERS },
    },
    {
      name: 'shared-adapters-import-no-surface-api-or-worker',
      severity: 'error',
      comment:
        'Adapters sit below the surfaces, the HTTP kit and the workers: an adapter under ' +
        'functions/adapters importing one of them would turn the arrows round (and invite cycles).',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/(surfaces|api|workers)/' },
    },
    {
      name: 'surface-adapters-import-only-their-port',
      severity: 'error',
      comment:
        "A surface's adapter X.dynamo.ts implements the port in X.ts of the same surface (registry.ts, " +
        'contacts.ts: the port and its records) and may import that file, but no routes, mapping, ' +
        'presenters or schema of any surface, nor functions/api or functions/workers.',
      from: { path: '^functions/surfaces/([^/]+)/([^/]+)\\.dynamo\\.ts$' },
      to: { path: '^functions/(surfaces|api|workers)/', pathNot: '^functions/surfaces/$1/$2\\.ts$' },
    },
    {
      name: 'no-surface-imports-another',
      severity: 'error',
      comment:
        'Each surface (functions/surfaces/<name>/) is one product and stands alone: what two surfaces ' +
        'share belongs in functions/api (HTTP), functions/core (domain) or schemas/.',
      from: { path: '^functions/surfaces/([^/]+)/' },
      to: { path: '^functions/surfaces/', pathNot: '^functions/surfaces/$1/' },
    },
    {
      name: 'http-kit-imports-no-surface',
      severity: 'error',
      comment:
        'functions/api is the HTTP kit every surface shares; it knows no surface. Only the router ' +
        'handler (functions/api/router.handler.ts), which wires the surfaces together, imports them.',
      from: { path: '^functions/api/', pathNot: '^functions/api/router\\.handler\\.ts$' },
      to: { path: '^functions/surfaces/' },
    },
    {
      name: 'functions-import-no-tooling',
      severity: 'error',
      comment:
        'Deployed code is self-contained: nothing under functions/ imports the infrastructure (lib/), ' +
        'the local runtime (local/), the benchmark (bench/), the scripts (bin/) or the tests (test/).',
      from: { path: '^functions/' },
      to: { path: '^(lib|local|bench|bin|test)/' },
    },
    {
      name: 'lib-imports-no-local-or-tests',
      severity: 'error',
      comment:
        'lib/ is infrastructure only: it imports neither the local runtime (local/) nor the tests (test/).',
      from: { path: '^lib/' },
      to: { path: '^(local|test)/' },
    },
    {
      name: 'lib-imports-only-resources-from-functions',
      severity: 'error',
      comment:
        'The stack reads the plain resource definitions (functions/resources.ts) and names handler ' +
        'files by path for bundling; importing any other function code would put it in the CDK app.',
      from: { path: '^lib/' },
      to: { path: '^functions/', pathNot: '^functions/resources\\.ts$' },
    },
    {
      name: 'cli-uses-only-the-public-api',
      severity: 'error',
      comment:
        'The command line (cli/) is a client of the public HTTP API, as any user could write: it imports ' +
        'none of the service (functions/), the local runtime, the infrastructure, the scripts or the ' +
        'tests; of schemas/ only the request schemas (*.schema.ts), which describe the API it calls.',
      from: { path: '^cli/' },
      to: { path: ['^(functions|local|lib|bench|test)/', '^bin/', '^schemas/(?!.*\\.schema\\.ts$)'] },
    },
    {
      name: 'only-the-cli-shim-imports-the-cli',
      severity: 'error',
      comment:
        'Nothing of the service, the runtime or the infrastructure depends on the command line; its ' +
        'entry point bin/intake.mjs and the tests are its only importers.',
      from: { path: '^(functions|local|lib|bench|schemas)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'resources-are-plain-data',
      severity: 'error',
      comment:
        'functions/resources.ts is imported by the CDK stack, the local runtime and the functions, so ' +
        'it imports nothing: no CDK, no SDK, no function code.',
      from: { path: '^functions/resources\\.ts$' },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};

// The dependency direction of shared/DESIGN.md §2: protocol <- every service; services never
// import the operator; protocol is pure (no I/O); the operator takes only protocol types.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'services-not-to-operator',
      comment: 'A service must not depend on the operator (DESIGN §2).',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^operator/' },
    },
    {
      name: 'protocol-is-pure',
      comment: 'services/protocol does no I/O: no file system, network, processes, storage or RPC.',
      severity: 'error',
      from: { path: '^services/protocol/src' },
      to: {
        path: [
          '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|tls|child_process|cluster|worker_threads|readline|process)$',
          'node_modules/(classic-level|@nxtedition/rocksdb|abstract-level|level|@grpc|pino|prom-client|@kubernetes)',
        ],
      },
    },
    {
      name: 'protocol-imports-only-protocol',
      comment: 'The protocol core stands on nothing else of ours but the native hasher (pure computation).',
      severity: 'error',
      from: { path: '^services/protocol/' },
      to: { path: '^(services/(?!protocol/|native/)|operator/)' },
    },
    {
      name: 'operator-only-protocol',
      comment: 'The operator imports only protocol types, the shared process plumbing of services/common (logger, signals), the gRPC and ops-HTTP clients of services/rpc (to ask nodes for a drain or a roster change) and its own code: never a node itself.',
      severity: 'error',
      from: { path: '^operator/' },
      to: { path: '^services/(?!protocol/|common/|rpc/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '(^dist/|node_modules)' },
  },
};

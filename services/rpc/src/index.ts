/**
 * The RPC layer shared by the reception and logic nodes: the generated protobuf messages,
 * service definitions and clients (from proto/, by `make generate`), and our helpers around
 * grpc-js. Protobuf only frames: signed and hashed payloads are canonical bytes inside.
 */
export * from './gen/clusterchain/v1/common.js';
export * from './gen/clusterchain/v1/reception.js';
export * from './gen/clusterchain/v1/logic.js';
export * from './status.js';
export * from './channel.js';
export * from './server.js';
export * from './opsHttp.js';
export * from './unary.js';
export * from './admin.js';
export * from './sequencedStream.js';
export * from './txBatchResults.js';

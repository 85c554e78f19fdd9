import { ChainSpaceKind } from './chainSpace.js';
import { ClusterKind } from './cluster.js';
import { LogicNodeKind } from './logicNode.js';
import type { KindDefinition } from './meta.js';
import { ReceptionPoolKind } from './receptionPool.js';

export * from './meta.js';
export * from './chainSpace.js';
export * from './cluster.js';
export * from './receptionPool.js';
export * from './logicNode.js';

/** Every kind of the API, in the order the CRDs are written. */
export const KINDS: readonly KindDefinition[] = [ChainSpaceKind, ClusterKind, ReceptionPoolKind, LogicNodeKind];

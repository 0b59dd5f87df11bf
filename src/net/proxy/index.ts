export { FaultProxy, type FaultProxyOptions, type ToxicSpec } from './fault-proxy.ts';
export type { ProxyTls, Upstream } from './tls-termination.ts';
export { Flapper, flappingParams, type FlappingParams } from './flapping.ts';
export { TOXICS, TOXIC_TYPES, type ToxicType } from './toxics/index.ts';
export type { Direction, DirectionChoice, Timing, ToxicKind } from './toxic.ts';
export type {
  ProxyEvent,
  ProxyAccount,
  ConnectionAccount,
  DirectionAccount,
  ByteAccount,
  PublishAccount,
  PublishFate,
  CloseReason,
} from './accounting.ts';

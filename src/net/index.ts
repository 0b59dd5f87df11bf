export {
  EmbeddedBroker,
  DEFAULT_BROKER_LIMITS,
  type BrokerLimits,
  type BrokerOptions,
  type BrokerHooks,
  type BrokerLogEvent,
  type BrokerStats,
} from './broker.ts';
export { guardPacketSize, PacketLengthScanner, PacketTooLargeError } from './packet-size-guard.ts';
export {
  TOPIC_ROOT,
  CHANNELS,
  deviceTopic,
  channelTopic,
  siteFilter,
  parseTopic,
  assertTopicSegment,
  type Channel,
  type DeviceAddress,
  type ParsedTopic,
} from './topics.ts';
export { ENVELOPE_VERSION, envelopeSchema, encodeEnvelope, decodeEnvelope, type Envelope, type DecodeResult } from './envelope.ts';
export { connectClient, whenConnected, closeClient, type ClientIdentity, type ConnectOptions } from './client.ts';
export { WallClock } from './wall-clock.ts';
export {
  parsePersistence,
  openPersistence,
  DEFAULT_REDIS_PREFIX,
  type PersistenceChoice,
  type OpenedPersistence,
} from './broker-persistence.ts';
export { RestartableBroker, type RestartableBrokerOptions } from './restartable-broker.ts';
export { guardSlowReader, type SlowReaderLimits } from './slow-reader-guard.ts';
export {
  SessionDriver,
  clockTimer,
  backoffDelay,
  drivenClientOptions,
  DEFAULT_BACKOFF,
  PARKED_MS,
  type BackoffPolicy,
  type SessionDriverOptions,
  type SessionState,
} from './session-driver.ts';
export {
  FaultProxy,
  Flapper,
  flappingParams,
  TOXICS,
  TOXIC_TYPES,
  type FaultProxyOptions,
  type ToxicSpec,
  type FlappingParams,
  type ToxicType,
  type Direction,
  type DirectionChoice,
  type Timing,
  type ToxicKind,
  type ProxyEvent,
  type ProxyAccount,
  type ConnectionAccount,
  type DirectionAccount,
  type ByteAccount,
  type PublishAccount,
  type PublishFate,
  type CloseReason,
} from './proxy/index.ts';

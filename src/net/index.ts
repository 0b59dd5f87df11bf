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

export { SimClock, type Clock, type TimerId } from './clock.ts';
export { Scheduler, type Cancel, type EventPattern, type WhenOptions } from './scheduler.ts';
export { Rng } from './rng.ts';
export { EventLog, toJsonLines, type SimEvent, type LoggedEvent, type EventSink } from './event-log.ts';
export { canonicalJson } from './canonical-json.ts';
export { parseDuration, formatDuration, formatSimTime, type DurationInput } from './duration.ts';
export { MedtwinError, InputError, describeValue, nearestName } from './errors.ts';

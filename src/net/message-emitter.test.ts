import { describe, expect, it } from 'vitest';
import { MessageEmitter } from './message-emitter.ts';

describe('MessageEmitter', () => {
  it('drains a long queue of messages nobody listens to without recursing', () => {
    // The slots are held by a slow listener; 100,000 messages queue behind it and, having no
    // listener, each finishes synchronously when started. mqemitter overflows the stack here.
    const bus = new MessageEmitter({ concurrency: 2 });
    const holds: Array<() => void> = [];
    bus.on('slow', (_message, done) => holds.push(done));
    bus.emit({ topic: 'slow' });
    bus.emit({ topic: 'slow' });
    const finished: number[] = [];
    for (let i = 0; i < 100_000; i++) bus.emit({ topic: 'nobody', i }, () => finished.push(i));
    expect(bus.length).toBe(100_000);
    expect(finished).toEqual([]);

    holds.shift()!();
    expect(finished.length).toBe(100_000);
    expect(finished.every((value, index) => value === index)).toBe(true);
    expect(bus.length).toBe(0);
  });

  it('never has more than `concurrency` messages in delivery, and keeps their order', async () => {
    const bus = new MessageEmitter({ concurrency: 3 });
    const seen: number[] = [];
    let most = 0;
    bus.on('medtwin/+/telemetry', (message, done) => {
      most = Math.max(most, bus.current);
      seen.push(message.i as number);
      setImmediate(done);
    });
    await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) => new Promise<void>((resolve) => bus.emit({ topic: 'medtwin/pump-1/telemetry', i }, () => resolve())),
      ),
    );
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBe(3);
    expect(bus.current).toBe(0);
  });

  it('starts a message emitted from a listener once the listener returns', () => {
    const bus = new MessageEmitter({ concurrency: 1 });
    const order: string[] = [];
    bus.on('first', (_message, done) => {
      bus.emit({ topic: 'second' }, () => order.push('second done'));
      order.push('first listener returns');
      done();
    });
    bus.on('second', (_message, done) => {
      order.push('second delivered');
      done();
    });
    bus.emit({ topic: 'first' }, () => order.push('first done'));
    expect(order).toEqual(['first listener returns', 'first done', 'second delivered', 'second done']);
  });

  it('matches MQTT wildcards and empty levels as aedes expects', () => {
    const bus = new MessageEmitter();
    const got: string[] = [];
    const listener = function (this: MessageEmitter, message: { topic: string }, done: () => void) {
      expect(this).toBe(bus);
      got.push(message.topic);
      done();
    };
    bus.on('medtwin/site/+/cgm/#', listener);
    for (const topic of ['medtwin/site/icu/cgm/c-1/telemetry', 'medtwin/site//cgm/c-2/state', 'medtwin/site/icu/pump/p-1/telemetry'])
      bus.emit({ topic });
    // [MQTT-4.7.1-3]: `+` matches an empty level.
    expect(got).toEqual(['medtwin/site/icu/cgm/c-1/telemetry', 'medtwin/site//cgm/c-2/state']);
  });

  it('stops delivering to a removed listener and refuses messages once closed', async () => {
    const bus = new MessageEmitter();
    let delivered = 0;
    const listener = (_message: unknown, done: () => void) => {
      delivered++;
      done();
    };
    await new Promise<void>((resolve) => bus.on('a/b', listener, resolve));
    bus.emit({ topic: 'a/b' });
    await new Promise<void>((resolve) => bus.removeListener('a/b', listener, resolve));
    bus.emit({ topic: 'a/b' });
    expect(delivered).toBe(1);
    await new Promise<void>((resolve) => bus.close(resolve));
    const error = await new Promise<Error | undefined>((resolve) => bus.emit({ topic: 'a/b' }, resolve));
    expect(error?.message).toBe('mqemitter is closed');
  });

  it('routes by the subscriptions of the moment, however often a topic was routed before', async () => {
    // Routing remembers each topic's subscribers; every subscribe and unsubscribe must reach it.
    const bus = new MessageEmitter();
    const got: string[] = [];
    const send = (topic: string) => new Promise<void>((resolve) => bus.emit({ topic }, () => resolve()));
    const exact = (message: { topic: string }, done: () => void) => {
      got.push(`exact ${message.topic}`);
      done();
    };
    const wildcard = (message: { topic: string }, done: () => void) => {
      got.push(`wildcard ${message.topic}`);
      done();
    };
    for (let i = 0; i < 3; i++) await send('site/icu/pump-1/telemetry'); // routed to nobody, remembered
    bus.on('site/icu/pump-1/telemetry', exact);
    await send('site/icu/pump-1/telemetry');
    bus.on('site/#', wildcard);
    await send('site/icu/pump-1/telemetry');
    await send('site/ward/cgm-1/state');
    // mqemitter removes a listener on the next turn of the loop, and says when.
    await new Promise<void>((resolve) => bus.removeListener('site/icu/pump-1/telemetry', exact, resolve));
    await send('site/icu/pump-1/telemetry');
    bus.removeAllListeners('site/#');
    await send('site/icu/pump-1/telemetry');
    expect(got).toEqual([
      'exact site/icu/pump-1/telemetry',
      'wildcard site/icu/pump-1/telemetry',
      'exact site/icu/pump-1/telemetry',
      'wildcard site/ward/cgm-1/state',
      'wildcard site/icu/pump-1/telemetry',
    ]);
  });

  it('rejects a concurrency that would never deliver', () => {
    expect(() => new MessageEmitter({ concurrency: 0 })).toThrow(/concurrency: expected a whole number of at least 1, received 0/);
  });
});

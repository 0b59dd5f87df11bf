import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../runtime/run.ts';
import { Multiplexer } from './multiplexer.ts';
import type { Reporter, RunBeginInfo } from './reporter.ts';
import { sampleRunResult, sampleStudyResult } from '../../test/helpers/sample-result.ts';

const info: RunBeginInfo = { scenario: 's', seed: '1', durationMs: 1000, devices: 2, brokerUrl: 'mqtt://x', mode: 'fast' };
const status: RunStatus = {
  phase: 'running',
  simMs: 500,
  durationMs: 1000,
  wallMs: 10,
  speed: 'max',
  messages: 3,
  delivered: 3,
  events: 9,
};

function recorder(name: string, calls: string[]): Reporter {
  return {
    onBegin: () => void calls.push(`${name}.begin`),
    onProgress: () => void calls.push(`${name}.progress`),
    onRunEnd: async () => void calls.push(`${name}.run`),
    onStudyEnd: () => void calls.push(`${name}.study`),
    onEnd: async () => void calls.push(`${name}.end`),
  };
}

describe('Multiplexer', () => {
  it('forwards every hook to every reporter in order, skipping hooks a reporter lacks', async () => {
    const calls: string[] = [];
    const mux = new Multiplexer([recorder('a', calls), { onEnd: () => void calls.push('bare.end') }, recorder('b', calls)]);
    mux.onBegin(info);
    mux.onProgress(status);
    await mux.onRunEnd(sampleRunResult());
    await mux.onStudyEnd(sampleStudyResult());
    await mux.onEnd();
    expect(calls).toEqual([
      'a.begin',
      'b.begin',
      'a.progress',
      'b.progress',
      'a.run',
      'b.run',
      'a.study',
      'b.study',
      'a.end',
      'bare.end',
      'b.end',
    ]);
  });

  it('still calls the others when one reporter throws, then rethrows', async () => {
    const calls: string[] = [];
    const broken: Reporter = {
      onBegin: () => {
        throw new Error('disk full');
      },
      onEnd: async () => {
        throw new Error('cannot write');
      },
    };
    const mux = new Multiplexer([broken, recorder('ok', calls)]);
    expect(() => mux.onBegin(info)).toThrow('disk full');
    await expect(mux.onEnd()).rejects.toThrow('cannot write');
    expect(calls).toEqual(['ok.begin', 'ok.end']);
  });

  it('reports several failures together', async () => {
    const fail = (message: string): Reporter => ({ onEnd: () => Promise.reject(new Error(message)) });
    await expect(new Multiplexer([fail('a'), fail('b')]).onEnd()).rejects.toThrow('2 reporters failed: a; b');
  });
});

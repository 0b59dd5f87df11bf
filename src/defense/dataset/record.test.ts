import { describe, expect, it } from 'vitest';
import { publish, subscribe, topic } from '../../../test/helpers/ids.ts';
import type { Observation, ObservedEvent } from '../ids/observation.ts';
import { DATASET_COLUMNS, datasetCsv, datasetJsonl, datasetRecords, type GroundTruth } from './record.ts';

const numbered = (os: Observation[]): ObservedEvent[] => os.map((o, i) => ({ ...o, id: i + 1 }));

/** A pump (port 40001) is taken over by an attacker reusing its client id (port 50001), and an outsider is refused. */
const observations = numbered([
  { kind: 'connect', t: 0, clientId: 'medtwin-pump-001', takeover: false, port: 40001 },
  publish(1000, 'medtwin-pump-001', topic('pump-001', 'telemetry'), '{"a":1}', { port: 40001 }),
  { kind: 'connect', t: 5000, clientId: 'medtwin-pump-001', takeover: true, port: 50001 },
  subscribe(5000, 'medtwin-pump-001', topic('pump-001', 'cmd'), { port: 50001 }),
  { kind: 'connect.refused', t: 6000, clientId: 'scanner', reason: 'anonymous' },
  {
    kind: 'connect.refused',
    t: 7000,
    clientId: 'medtwin-console-clinician-icu',
    username: 'medtwin-console-clinician-icu',
    reason: 'bad-password',
  },
]);
const truths: GroundTruth[] = [
  {
    attack: 'attack.client-id-takeover',
    attackClass: 'Spoofing',
    techniques: ['T0849', 'T0814'],
    actions: [
      { t: 5000, clientId: 'medtwin-pump-001', port: 50001, action: 'connect', outcome: 'accepted' },
      { t: 5000, clientId: 'medtwin-pump-001', port: 50001, action: 'subscribe', filter: topic('pump-001', 'cmd'), outcome: 'granted' },
    ],
  },
  {
    attack: 'attack.recon-wildcard',
    techniques: ['T0842'],
    actions: [{ t: 6000, clientId: 'scanner', port: 50002, action: 'connect', outcome: 'refused', returnCode: 5 }],
  },
];

describe('datasetRecords', () => {
  const records = datasetRecords(observations, truths);

  it('labels by connection, not client id: the taken-over pump’s own traffic stays benign', () => {
    expect(records.map((r) => [r.id, r.label, r.attackClass])).toEqual([
      [1, 'benign', 'benign'],
      [2, 'benign', 'benign'],
      [3, 'attack.client-id-takeover', 'Spoofing'],
      [4, 'attack.client-id-takeover', 'Spoofing'],
      [5, 'attack.recon-wildcard', 'other'],
      [6, 'benign', 'benign'],
    ]);
  });

  it('computes the packet fields and per-client features', () => {
    expect(records[1]).toMatchObject({
      msgType: 3,
      topicLength: topic('pump-001', 'telemetry').length,
      payloadLength: 7,
      qos: 1,
      retain: false,
      accepted: true,
    });
    expect(records.map((r) => r.interArrivalMs)).toEqual([null, 1000, 4000, 0, null, null]);
    expect(records.map((r) => r.clientCount10s)).toEqual([1, 2, 3, 4, 1, 1]);
    expect(records[4]).toMatchObject({ msgType: 1, accepted: false, reason: 'anonymous', identity: null });
  });

  it('writes JSON Lines (keys in column order) and CSV that parse back to the same values', () => {
    const lines = datasetJsonl(records).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(Object.keys(JSON.parse(lines[2]!))).toEqual(DATASET_COLUMNS);
    expect(JSON.parse(lines[2]!)).toEqual(records[2]);
    const csv = datasetCsv(records).trimEnd().split('\r\n');
    expect(csv[0]).toBe(DATASET_COLUMNS.join(','));
    expect(csv[3]!.split(',')).toEqual([
      '3',
      '5000',
      'connect',
      '1',
      'medtwin-pump-001',
      '',
      '',
      '',
      '',
      '',
      '',
      'true',
      '',
      'true',
      '4000',
      '3',
      'attack.client-id-takeover',
      'Spoofing',
      'T0849;T0814',
    ]);
  });

  it('quotes CSV fields that need it (RFC 4180)', () => {
    const [r] = datasetRecords(numbered([publish(0, 'a,"b"', 'x', '')]), []);
    expect(datasetCsv([r!]).split('\r\n')[1]).toContain('"a,""b"""');
  });
});

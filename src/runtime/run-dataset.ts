import { InputError } from '../core/errors.ts';
import { datasetCsv, datasetJsonl, datasetRecords } from '../defense/dataset/record.ts';
import { clientOf } from '../defense/ids/observation.ts';
import type { Run } from './run.ts';

/** A run's labelled dataset (docs/dataset.md), serialized: what `--reporter dataset:DIR` writes. */
export interface DatasetFiles {
  scenario: string;
  seed: string;
  /** Records in it; and how many of them an attacker sent. */
  records: number;
  attack: number;
  csv: string;
  jsonl: string;
}

/**
 * The labelled dataset of a run that kept its observations (RunOptions.ids `keepObservations`): the
 * broker tap's observations, labelled by the adversaries' own record of their connections. Only an
 * in-process broker can be tapped, so a run on a child-process or external broker cannot give one.
 */
export function datasetOf(run: Run): DatasetFiles {
  if (run.ids === undefined || !run.ids.available)
    throw new InputError(
      'E_DATASET_BROKER',
      '--reporter dataset: the labelled dataset needs the embedded in-process broker (its traffic is tapped); drop --broker and the broker-process option for this run',
    );
  // The broker's own `$SYS` announcements carry no client and a random broker id: no client sent them, and they would differ run to run.
  const sent = run.ids.observations.filter((o) => Boolean(clientOf(o)));
  const records = datasetRecords(sent, run.groundTruth);
  return {
    scenario: run.plan.name,
    seed: run.seed,
    records: records.length,
    attack: records.filter((r) => r.label !== 'benign').length,
    csv: datasetCsv(records),
    jsonl: datasetJsonl(records),
  };
}

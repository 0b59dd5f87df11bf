import { describeShardRuns } from './helpers/scenario-library.ts';

// The second half of the scenario library's runs, in vitest's other worker (see test/scenarios.test.ts).
describeShardRuns(1);

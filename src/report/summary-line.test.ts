import { describe, expect, it } from 'vitest';
import { sampleRunResult, sampleStudyResult } from '../../test/helpers/sample-result.ts';
import { SummaryLineReporter } from './summary-line.ts';
import { FakeStream } from '../../test/helpers/report-streams.ts';

describe('SummaryLineReporter', () => {
  it('prints one line: what failed, what passed, where the reports are', () => {
    const stream = new FakeStream(false);
    const r = new SummaryLineReporter(['junit:out/junit.xml', 'html:out/report.html'], { stream });
    r.onRunEnd(sampleRunResult());
    r.onRunEnd({ ...sampleRunResult(), seed: '43', ok: true });
    r.onInvalidFile({ file: 'scenarios/broken.yaml', problems: [{ line: 1, col: 1, path: '', message: 'empty' }] });
    r.onEnd();
    expect(stream.text).toBe(
      'medtwin: ✗ 2 failed, 1 passed (icu-sensor-drift seed 42: cgm accuracy; scenarios/broken.yaml: invalid (1 problem)) in 8.4s · reports: junit:out/junit.xml, html:out/report.html\n',
    );
  });

  it('counts a study once, not per seed', () => {
    const stream = new FakeStream(false);
    const r = new SummaryLineReporter(['json:s.json'], { stream });
    r.onBegin({ study: { index: 0, count: 10 } });
    r.onRunEnd(sampleRunResult());
    r.onStudyEnd(sampleStudyResult());
    r.onEnd();
    expect(stream.text).toBe('medtwin: ✗ 1 failed, 0 passed (icu-sensor-drift: 2 of 10 seeds failed) in 41.0s · reports: json:s.json\n');
  });
});

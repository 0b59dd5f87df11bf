export type { InvalidFile, Reporter, ReporterOptions, RunBeginInfo } from './reporter.ts';
export { Multiplexer } from './multiplexer.ts';
export {
  REPORTERS,
  parseReporterSpec,
  createReporter,
  createReporters,
  isReporterName,
  type ReporterName,
  type ReporterSpec,
  type ReporterFactory,
} from './registry.ts';
export { ListReporter, progressText } from './list.ts';
export { JsonReporter, toJson } from './json.ts';
export { JunitReporter } from './junit.ts';
export { MarkdownReporter, runMarkdown, studyMarkdown } from './markdown.ts';
export { HtmlReporter, renderHtml, DEFAULT_HTML_PATH } from './html.ts';
export { EventsReporter } from './events.ts';
export { SummaryLineReporter } from './summary-line.ts';
export { lineChart, timeTicks, valueTicks, formatTick, type ChartLine, type ChartBand, type LineChartOptions } from './svg-chart.ts';
export { alarmTimeline, PRIORITY_COLORS } from './alarm-timeline.ts';
export { escapeXml, escapeHtml, escapeMarkdownCell } from './escape.ts';
export { formatValue, formatCount, formatPercent, replayCommand, transportCheck } from './format.ts';

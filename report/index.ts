/** The report library: aggregate results (from a file or live), render one self-contained HTML page. */
export { buildReportFromFile, loadSummary, type BuildReportOptions } from './build-report';
export { writeReport } from './write-report';
export { ReportAggregator, type ReportAggregatorOptions, type ReportSource } from './report-aggregator';
export { renderReport } from './render/render-report';
export { readResultsInto } from './read-results';
export { parseRunSummary, toReportSummary, type ReportSummary } from './read-summary';
export { estimateLambdaCost, type LambdaCost } from './lambda-cost';
export { ReportRecordSchema, type ReportRecord } from './report-record';
export { ReportInputError } from './errors';
export type {
  ErrorKindRow,
  FetchTimes,
  HostRow,
  ReportData,
  StatusRow,
  Throughput,
  UrlExample,
} from './report-data';

/**
 * The pictures: training runs as self-contained HTML pages. Browser-safe throughout (no node imports),
 * so a web page can render a report from a run record it fetched.
 */
export { renderReport, isClassification, firstNonFiniteCost, type ReportOptions } from './html.js';
export { renderComparisonReport, type NamedRun, type ComparisonOptions } from './compare.js';
export { readRunDocument, checkRunRecord } from './run-file.js';
export { lineChart, pathData, downsample, type LineChartSpec, type Series, type Point } from './chart.js';
export { biasVarianceChart } from './bias-variance.js';
export { escapeHtml, formatNumber, formatPercent, formatDuration } from './format.js';
export { renderSweepReport, type SweepReportInput, type SweepReportOptions } from './sweep-page.js';
export { scatterChart, type ScatterSpec, type ScatterPoint } from './sweep-chart.js';
// the style sheet the charts' classes (`series s0`, `grid`, `axis`) are drawn with, for a page of one's own
export { REPORT_CSS } from './style.js';

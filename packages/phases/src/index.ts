export { buildInputReport } from './input-report.js';
export type { InputReport, ReportFile, ReportIssue } from './input-report.js';

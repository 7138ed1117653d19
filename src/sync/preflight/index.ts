/** `preflight`: the report model, its categorisation, collection, renderers and the read-only scan. */
export { runPreflight, type OktaReader, type PreflightDeps, type PreflightOptions } from './run';
export { formatPreflight, preflightJson, showValue } from './render';
export { CsvFileWriter, csvCell, csvRow, csvDocument } from './csv';
export { assess, matchRulesOf, oktaVerdict, severityOf, type Assessment, type MatchRules, type OktaHolder, type RecordResult } from './categorize';
export { PreflightCollector } from './collector';
export * from './model';
export { fatalCause } from './errors';

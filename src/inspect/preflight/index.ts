/** `preflight`: the read-only scan over the record path, the categorisation and the report model (renderers: src/output/preflight.ts). */
export { runPreflight, type OktaReader, type PreflightDeps, type PreflightOptions } from './run';
export { assess, matchRulesOf, severityOf, type Assessment, type MatchRules, type RecordResult } from './categorize';
export { PreflightCollector } from './collector';
export * from './model';

/** `explain`: one user through the record path (with the transforms' trace) and the state, read-only (renderer: src/output/explain.ts). */
export {
  explainKey,
  lastRunFor,
  type Candidate,
  type ExplainDeps,
  type ExplainResult,
  type Explanation,
  type ExplainedStep,
  type LastRun,
  type NextSync,
} from './explain';

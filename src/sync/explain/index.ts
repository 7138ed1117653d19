/** `explain`: one user through the transforms, the plan and the state (read-only), and its renderer. */
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
export { formatCandidates, formatExplanation, show } from './render';

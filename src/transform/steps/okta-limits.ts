/**
 * The last step of every pipeline, whatever the configured steps say: a profile Okta would refuse
 * or a person would misread (control characters, bidirectional overrides, values past Okta's
 * limits: okta/profile.ts profileValueProblems) quarantines the record, with one finding per
 * attribute. It runs inside the pipeline so that the record's in-run claims (login, unique values)
 * are given back like those of any quarantined record. Traced only when it quarantines.
 */
import { newProfile, profileValueProblems } from '../../okta/profile';
import { finding, quarantine, type CompiledStep } from './common';

export const OKTA_LIMITS_STEP = 'okta-limits';

export function oktaLimitsStep(): CompiledStep {
  return {
    name: OKTA_LIMITS_STEP,
    kind: 'validate',
    tracesItself: true,
    exec(st) {
      const problems = profileValueProblems(st.profile);
      if (!problems.length) return;
      for (const p of problems) {
        finding(
          st,
          p.kind === 'characters' ? 'validate.characters' : 'validate.length',
          OKTA_LIMITS_STEP,
          p.attribute,
          st.profile[p.attribute],
          undefined,
          p.message,
        );
      }
      quarantine(st, OKTA_LIMITS_STEP, problems.map((p) => p.message).join('; '));
      st.trace?.push({ step: OKTA_LIMITS_STEP, kind: 'validate', changed: {}, profile: newProfile(st.profile), outcome: 'quarantine' });
    },
  };
}

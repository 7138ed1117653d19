/**
 * The last step of every pipeline, whatever the configured steps say: a text value with characters
 * Okta refuses or a person would misread (control characters, bidirectional overrides, lone
 * surrogates: okta/profile.ts characterProblems) quarantines the record, with one finding per
 * attribute. It runs inside the pipeline so that the record's in-run claims (login, unique values)
 * are given back like those of any quarantined record. Traced only when it quarantines. (Lengths,
 * types and allowed values are held to Okta's user schema by the record path: sync/record.ts.)
 */
import { characterProblems, newProfile } from '../../okta/profile';
import { finding, quarantine, type CompiledStep } from './common';

export const OKTA_CHARACTERS_STEP = 'okta-characters';

export function oktaCharactersStep(): CompiledStep {
  return {
    name: OKTA_CHARACTERS_STEP,
    kind: 'validate',
    tracesItself: true,
    exec(st) {
      const problems = characterProblems(st.profile);
      if (!problems.length) return;
      for (const p of problems) finding(st, 'validate.characters', OKTA_CHARACTERS_STEP, p.attribute, st.profile[p.attribute], undefined, p.message);
      quarantine(st, OKTA_CHARACTERS_STEP, problems.map((p) => p.message).join('; '));
      st.trace?.push({ step: OKTA_CHARACTERS_STEP, kind: 'validate', changed: {}, profile: newProfile(st.profile), outcome: 'quarantine' });
    },
  };
}

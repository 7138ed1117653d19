/**
 * `--scale-from-sample [FILE]` of `preflight` and `plan`: the sample file (default: the configured
 * `ldif` source, when that is the sample) read into the state connection's temp tables, for the
 * command to tally its records by stratum and print the forecast for the whole directory.
 */
import type { SourceConfig } from '../../directory/schema';
import { SampleScale } from '../../sample/forecast';
import type { StateStore } from '../../state/store';

/** The sample file a `--scale-from-sample` option names; null when the option needs a file and has none. */
export function sampleFileOf(option: string | boolean, source: SourceConfig): string | null {
  if (typeof option === 'string') return option;
  return source.type === 'ldif' ? source.path : null;
}

export const NO_SAMPLE_FILE =
  'ldap-okta-sync: --scale-from-sample needs the sample file (the LDIF `sample` wrote) when the source is not that file: --scale-from-sample FILE';

export function loadScale(file: string, state: StateStore): Promise<SampleScale> {
  return SampleScale.load(file, state.sampleWeights());
}

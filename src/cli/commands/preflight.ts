/**
 * `preflight`: before the first import, read the whole directory, run the transforms, look up in
 * Okta (read-only) the logins that would be created, and report the data quality: what a sync
 * would do, problems per type with examples, and with `--csv FILE` every problem row for a
 * spreadsheet. Writes nothing to Okta or to the state (opened read-only; a missing state file stays
 * missing).
 *
 * Exit code: 0 when no record would be quarantined, 6 when some would (see the report).
 */
import { existsSync, rmSync } from 'node:fs';
import { loadConfig } from '../../config/load';
import { CSV_HEADER, runPreflight } from '../../inspect/preflight';
import { CsvFileWriter } from '../../output/csv';
import { sampleForecastText } from '../../output/forecast';
import { formatPreflight, preflightJson } from '../../output/preflight';
import { startProgress } from '../../output/progress';
import { preflightForecastCounts, type SampleScale } from '../../sample/forecast';
import { readsOf } from '../../sync/mirror/refresh';
import { createAgent, makeLogger } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import { onTerminal, type Io } from '../io';
import { seenLimitsOf } from './plan';
import { loadScale, NO_SAMPLE_FILE, sampleFileOf } from './scale';

export interface PreflightOpts {
  config: string;
  json?: boolean;
  csv?: string;
  csvFixes?: boolean;
  examples?: number;
  /** A sample file, or true: the configured ldif source is the sample. */
  scaleFromSample?: string | boolean;
}

export async function cmdPreflight(opts: PreflightOpts, io: Io): Promise<ExitCode> {
  const examples = opts.examples ?? 5;
  if (!Number.isInteger(examples) || examples < 0) {
    io.err('ldap-okta-sync: --examples must be a whole number (0 or more)');
    return EXIT.USAGE;
  }
  const loaded = loadConfig(opts.config);
  const sampleFile = opts.scaleFromSample === undefined ? undefined : sampleFileOf(opts.scaleFromSample, loaded.config.source);
  if (sampleFile === null) {
    io.err(NO_SAMPLE_FILE);
    return EXIT.USAGE;
  }
  const progress = startProgress({ stream: io.stderr, enabled: onTerminal(io) && !opts.json });
  const log = makeLogger(loaded.config, progress.logStream);
  const stateExists = existsSync(loaded.config.state.path);
  const agent = createAgent(loaded, { readonly: true, log });
  // only reads reach Okta: the scan is handed the reads, not the oktaClient
  const oktaClient = agent.oktaClient;
  const okta = {
    ...readsOf(oktaClient),
    get requestCounts() {
      return oktaClient.requestCounts;
    },
  };
  let csv: CsvFileWriter | null = null;
  try {
    if (opts.csv) {
      try {
        csv = new CsvFileWriter(opts.csv, CSV_HEADER);
      } catch (e) {
        io.err(`ldap-okta-sync: cannot write ${opts.csv}: ${(e as Error).message}`);
        return EXIT.USAGE;
      }
    }
    const scale: SampleScale | null = sampleFile ? await loadScale(sampleFile, agent.state) : null;
    const report = await runPreflight(
      { config: agent.config, source: agent.source, state: agent.state, pipeline: agent.pipeline, okta, log },
      {
        examples,
        csv,
        csvFixes: !!opts.csvFixes,
        stateExists,
        onPage: (read, entriesRead) => {
          log.debug('preflight progress', { read });
          progress.update({ phase: 'plan', entriesRead, planned: read });
        },
        onRecord: scale?.onPreflightRecord,
      },
    ).finally(() => progress.stop());
    csv?.close();
    // what a first import would cost, from the outcomes scaled to the whole directory
    const forecast = scale?.forecast({
      counts: preflightForecastCounts,
      limits: seenLimitsOf(agent),
      share: agent.config.okta.rateLimitShare,
    });
    if (opts.json) io.out(preflightJson(report, forecast ? { forecast } : {}));
    else io.out(forecast ? [formatPreflight(report), ...sampleForecastText(forecast)].join('\n') : formatPreflight(report));
    return report.records.quarantine + report.records.rejected > 0 ? EXIT.QUARANTINED : EXIT.OK;
  } catch (e) {
    // a half-written CSV would read like a complete one
    if (csv) {
      csv.close();
      rmSync(csv.path, { force: true });
    }
    throw e;
  } finally {
    csv?.close();
    await agent.close();
  }
}

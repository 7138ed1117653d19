/**
 * Wiring: from a loaded configuration to the parts of a run (logger, state, directory source,
 * transform pipeline, Okta client). The only place that knows how the stages are put together.
 */
import type { LoadedConfig } from '../config/load';
import { ConfigError, formatIssue, formatPath } from '../config/load';
import type { Config } from '../config/schema';
import { createDirectorySource, type DirectorySource } from '../directory';
import { sourceAttributeList } from '../directory/attributes';
import { SdkOktaClient, type OktaClient } from '../okta/client';
import { hasReportsDir, reportsDirOf, RunReportFiles } from '../state/reports';
import { StateStore } from '../state/store';
import { compilePipeline, type Pipeline } from '../transform';
import { createLogger, type Logger } from '../util/log';
import type { Io } from './io';

export interface Agent {
  config: Config;
  log: Logger;
  state: StateStore;
  source: DirectorySource;
  pipeline: Pipeline;
  oktaClient: OktaClient;
  /** Where runs leave their reports (a read-write agent with its state on disk). */
  reports?: RunReportFiles;
  close(): Promise<void>;
}

export function makeLogger(config: Config, stream: NodeJS.WritableStream): Logger {
  return createLogger({ level: config.log.level, format: config.log.format, maskPii: config.log.maskPii, stream });
}

export function compile(loaded: LoadedConfig): Pipeline {
  const r = compilePipeline(loaded.config.transforms, { knownAttributes: sourceAttributeList(loaded.config.source), baseDir: loaded.baseDir });
  // config loading already compiled the transforms once; this cannot fail unless files changed since
  if (!r.ok) throw new ConfigError(r.errors.map((e) => ({ file: loaded.file, path: formatPath(['transforms', ...e.path]), message: e.message })));
  return r.pipeline;
}

/** The configuration's warnings, for a command that does not log (config validate, status, quarantine): on stderr. */
export function printConfigWarnings(loaded: Pick<LoadedConfig, 'warnings'>, io: Io): void {
  for (const w of loaded.warnings) io.err(`warning: ${formatIssue(w)}`);
}

export function createAgent(loaded: LoadedConfig, opts: { readonly: boolean; log: Logger; oktaClient?: OktaClient }): Agent {
  const { config } = loaded;
  const log = opts.log;
  for (const w of loaded.warnings) log.warn(formatIssue(w));
  const oktaClient =
    opts.oktaClient ??
    new SdkOktaClient(config.okta, {
      onRetry: (i) => log.debug('retrying Okta request', i),
      onRateWait: (bucket, ms, why) => log.info('waiting for Okta rate limit', { bucket, waitMs: Math.round(ms), why }),
    });
  const state = StateStore.open(config.state.path, { readonly: opts.readonly, notice: (m) => log.warn(m) });
  const pipeline = compile(loaded);
  const source = createDirectorySource(config.source, config.groups);
  const reports =
    !opts.readonly && hasReportsDir(config.state.path) ? new RunReportFiles(reportsDirOf(config.state.path), config.state.keepReportsDays) : undefined;
  return {
    config,
    log,
    state,
    source,
    pipeline,
    oktaClient,
    reports,
    async close() {
      await source.close().catch(() => undefined);
      await pipeline.close().catch(() => undefined);
      oktaClient.close();
      state.close();
    },
  };
}

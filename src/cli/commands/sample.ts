/**
 * `sample`: write a stratified, pseudonymised sample of the directory's users (and groups) as
 * LDIF, for a rehearsal in a preview org: the file loads into OpenLDAP (slapadd, ldapadd) and is an
 * `ldif` source for the agent. Reads the directory twice, writes nothing to the state (opened
 * read-only) and asks nothing of Okta. The file is written under a temporary name (mode 0600) and
 * renamed when complete.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { loadConfig, type LoadedConfig } from '../../config/load';
import { attributesToRead, userFilterOf } from '../../directory/attributes';
import { parseDn } from '../../directory/dn';
import { filterAttributes } from '../../directory/ldap/filter-match';
import { formatSampleSummary, sampleSummaryJson } from '../../output/sample';
import { runSample, SampleKey } from '../../sample';
import { STRUCTURAL_ATTRIBUTES } from '../../sample/attributes';
import { createAgent, makeLogger } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export interface SampleOpts {
  config: string;
  percent: string;
  keyFile: string;
  out: string;
  suffix?: string;
  keepDomain?: string[];
  keep?: string[];
  pseudonymize?: string[];
  json?: boolean;
}

/**
 * The configuration with the source reading also what a sample entry needs to load (object
 * classes, the attributes they require, what the user filter tests). The sample's policy (what is
 * written) follows the configuration as loaded.
 */
function readingForSample(loaded: LoadedConfig): LoadedConfig {
  const { source, groups } = loaded.config;
  const attributes = [...new Set([...attributesToRead(source), ...STRUCTURAL_ATTRIBUTES, ...filterAttributes(userFilterOf(source))])];
  return {
    ...loaded,
    config: {
      ...loaded.config,
      source: { ...source, users: { ...source.users, attributes } } as typeof source,
      groups: groups && { ...groups, attributes: [...new Set([...groups.attributes, ...STRUCTURAL_ATTRIBUTES])] },
    },
  };
}

export async function cmdSample(opts: SampleOpts, io: Io): Promise<ExitCode> {
  const percent = Number(opts.percent);
  if (!Number.isFinite(percent) || percent <= 0 || percent > 100) {
    io.err('ldap-okta-sync: --percent must be a number more than 0 and at most 100');
    return EXIT.USAGE;
  }
  if (opts.suffix !== undefined && !parseDn(opts.suffix)?.length) {
    io.err(`ldap-okta-sync: --suffix ${JSON.stringify(opts.suffix)} is not a DN (e.g. dc=preview,dc=test)`);
    return EXIT.USAGE;
  }
  let key: SampleKey;
  try {
    key = new SampleKey(Buffer.from(readFileSync(opts.keyFile, 'utf8').trim(), 'utf8'));
  } catch (e) {
    io.err(`ldap-okta-sync: --key-file ${opts.keyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return EXIT.USAGE;
  }
  const asLoaded = loadConfig(opts.config);
  const log = makeLogger(asLoaded.config, io.stderr);
  const stateExists = existsSync(asLoaded.config.state.path);
  const agent = createAgent(readingForSample(asLoaded), { readonly: true, log });
  const partial = `${opts.out}.partial`;
  let fd: number | null = null;
  try {
    try {
      fd = openSync(partial, 'w', 0o600);
    } catch (e) {
      io.err(`ldap-okta-sync: cannot write ${opts.out}: ${(e as Error).message}`);
      return EXIT.USAGE;
    }
    const out = fd;
    const summary = await runSample(
      { config: asLoaded.config, source: agent.source, state: agent.state, pipeline: agent.pipeline, log, stateExists },
      { percent, key, suffix: opts.suffix, keepDomains: opts.keepDomain, keep: opts.keep, pseudonymize: opts.pseudonymize },
      (text) => void writeSync(out, text),
    );
    closeSync(fd);
    fd = null;
    renameSync(partial, opts.out);
    io.out(opts.json ? sampleSummaryJson(summary, opts.out) : formatSampleSummary(summary, opts.out));
    return EXIT.OK;
  } finally {
    if (fd !== null) {
      closeSync(fd);
      rmSync(partial, { force: true });
    }
    await agent.close();
  }
}

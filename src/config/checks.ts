/**
 * Semantic checks that run after the schema accepted a configuration: what zod cannot see on its
 * own (transform expressions compile, cron expressions parse, files referenced exist). Each issue
 * carries the key path it is about.
 */
import { existsSync } from 'node:fs';
import type { Config, SourceConfig } from './schema';
import type { KeyPath } from './yaml-positions';
import { isValidCron } from '../daemon/cron';
import { compilePipeline } from '../transform';
import { sourceAttributeList } from '../directory/attributes';
import { checkFilterSyntax } from '../directory/ldap/filter-match';
import { checkGroupsConfig } from '../sync/groups';

function filtersOf(config: Config): [KeyPath, string][] {
  const out: [KeyPath, string][] = [];
  if (config.source.users.filter) out.push([['source', 'users', 'filter'], config.source.users.filter]);
  if (config.source.users.disabledFilter) out.push([['source', 'users', 'disabledFilter'], config.source.users.disabledFilter]);
  if (config.groups?.filter) out.push([['groups', 'filter'], config.groups.filter]);
  return out;
}

export interface CheckIssue {
  path: KeyPath;
  message: string;
}

/**
 * Compile the transforms (so a bad expression fails `config validate`, not the 3 a.m. run). Runs
 * even when other sections have schema errors, so every mistake is reported at once; without a
 * valid source section, attribute names cannot be checked.
 */
export function transformChecks(transforms: Config['transforms'], source: SourceConfig | undefined, baseDir: string): CheckIssue[] {
  const compiled = compilePipeline(transforms, { knownAttributes: source && sourceAttributeList(source), baseDir });
  if (compiled.ok) {
    void compiled.pipeline.close();
    return [];
  }
  return compiled.errors.map((e) => ({ path: ['transforms', ...e.path], message: e.message }));
}

/** Checks of a configuration the schema accepted (transforms excluded: see transformChecks). */
export function semanticChecks(config: Config): CheckIssue[] {
  const issues: CheckIssue[] = [];

  for (const key of ['full', 'incremental'] as const) {
    const expr = config.schedule[key];
    if (expr !== undefined && !isValidCron(expr)) issues.push({ path: ['schedule', key], message: `"${expr}" is not a valid cron expression` });
  }
  for (const [path, filter] of filtersOf(config)) {
    const problem = checkFilterSyntax(filter);
    if (problem) issues.push({ path, message: `not a valid LDAP filter: ${problem}` });
  }
  if (config.groups) issues.push(...checkGroupsConfig(config.groups));
  if (config.source.type === 'ldap' && config.source.flavor === 'ad' && config.source.pageSize > 1000) {
    issues.push({
      path: ['source', 'pageSize'],
      message: `Active Directory returns at most 1000 entries a page (MaxPageSize); ${config.source.pageSize} would be cut short`,
    });
  }
  if (config.source.type === 'ldap' && config.source.changeTracking.method === 'usn' && config.source.flavor !== 'ad') {
    issues.push({ path: ['source', 'changeTracking', 'method'], message: 'usn change tracking needs flavor: ad' });
  }
  if (config.source.type === 'ldif' && !existsSync(config.source.path)) {
    issues.push({ path: ['source', 'path'], message: `file ${config.source.path} does not exist` });
  }
  if (config.source.type === 'ldap') {
    const caFile = config.source.tls.caFile;
    if (caFile && !existsSync(caFile)) issues.push({ path: ['source', 'tls', 'caFile'], message: `file ${caFile} does not exist` });
    if (config.source.startTls && config.source.url.toLowerCase().startsWith('ldaps:')) {
      issues.push({ path: ['source', 'startTls'], message: 'startTls applies to ldap:// URLs; ldaps:// is already encrypted' });
    }
  }
  return issues;
}

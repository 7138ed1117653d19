/**
 * Runs every stage's semantic checks (what the schema cannot see: transform expressions compile,
 * cron expressions parse, files referenced exist, DN lists look like DN lists). The checks belong
 * to the stages that own the sections (their schema.ts, and transform/checks.ts); this file only
 * says which run on what. Each issue carries the key path it is about.
 */
import type { Config } from './schema';
import type { CheckIssue } from '../util/config-check';
import { checkSource, type SourceConfig } from '../directory/schema';
import { sourceAttributeList } from '../directory/attributes';
import { checkTransforms } from '../transform/checks';
import { checkGroups } from '../sync/groups/schema';
import { checkMetrics, checkSchedule } from '../daemon/schema';

/**
 * Compile the transforms (so a bad expression fails `config validate`, not the 3 a.m. run). Runs
 * even when other sections have schema errors, so every mistake is reported at once; without a
 * valid source section, attribute names cannot be checked.
 */
export function transformChecks(transforms: Config['transforms'], source: SourceConfig | undefined, baseDir: string): CheckIssue[] {
  return checkTransforms(transforms, { knownAttributes: source && sourceAttributeList(source), baseDir });
}

/** Checks of a configuration the schema accepted, relative paths resolved (transforms excluded: see transformChecks). */
export function semanticChecks(config: Config): CheckIssue[] {
  return [
    ...checkSchedule(config.schedule),
    ...checkMetrics(config.metrics),
    ...checkSource(config.source),
    ...(config.groups ? checkGroups(config.groups) : []),
  ];
}

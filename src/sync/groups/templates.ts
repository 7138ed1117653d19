/**
 * The Okta name and description of a directory group, from the `groups.name` and
 * `groups.description` templates, compiled once with the project's safe expression language
 * (src/transform/expr: nothing from YAML is evaluated as JavaScript). Pure.
 *
 * Templates may read the group attributes listed in `groups.attributes`, `$dn` and `$anchor`.
 * A name that is missing or empty, or longer than Okta allows (255 characters; descriptions 1,024),
 * is a reason to quarantine the group, never to write something else.
 *
 * Defaults (a key left out of the config): the name is `{cn}`; the description is `{description}`
 * when `description` is among `groups.attributes` (as in the default attributes), else there is no
 * description — a sysadmin who lists other attributes has not asked for one. A template that is
 * written out is checked as written: an attribute it reads that is not in `groups.attributes` is an
 * error, also for `{description}`. The default name needs `cn` among the attributes; when it is not,
 * the error says so (a group cannot do without a name).
 */
import type { GroupsConfig } from './schema';
import type { SourceGroup } from '../../directory/source';
import type { CompileEnv, ExprIssue } from '../../transform/expr/compile';
import type { EvalScope } from '../../transform/expr/scope';
import { compileTemplate, type CompiledTemplate } from '../../transform/expr/template';
import { toStr } from '../../transform/expr/values';
import { OKTA_GROUP_DESCRIPTION_MAX, OKTA_GROUP_NAME_MAX } from '../../okta/profile';

export interface GroupTemplateIssue {
  /** Key path from the config root, e.g. ['groups', 'name']. */
  path: (string | number)[];
  message: string;
}

export interface GroupTemplates {
  name: CompiledTemplate;
  /** null: the groups get no description. */
  description: CompiledTemplate | null;
}

export const DEFAULT_NAME_TEMPLATE = '{cn}';
export const DEFAULT_DESCRIPTION_TEMPLATE = '{description}';

type TemplateKeys = Pick<GroupsConfig, 'attributes' | 'name' | 'description'>;

/** The template sources in effect: as configured, or the defaults (see the file comment). */
export function groupTemplateSources(groups: TemplateKeys): { name: string; description: string | null } {
  const hasDescription = groups.attributes.some((a) => a.toLowerCase() === 'description');
  return {
    name: groups.name ?? DEFAULT_NAME_TEMPLATE,
    description: groups.description ?? (hasDescription ? DEFAULT_DESCRIPTION_TEMPLATE : null),
  };
}

export type GroupNaming = { ok: true; name: string; description: string | null } | { ok: false; reason: string };

function env(groups: Pick<GroupsConfig, 'attributes'>): CompileEnv {
  return {
    known: new Set(groups.attributes.map((a) => a.toLowerCase())),
    refs: new Set(),
    profileAttrs: new Set(), // a group has no profile being built: `profile.x` is an error
    rowColumns: null,
  };
}

function compileOne(groups: Pick<GroupsConfig, 'attributes'>, key: 'name' | 'description', src: string, issues: GroupTemplateIssue[]): CompiledTemplate {
  const found: ExprIssue[] = [];
  const t = compileTemplate(src, env(groups), found);
  for (const i of found) issues.push({ path: ['groups', key], message: `${i.message} (at column ${i.pos + 1} of "${src}")` });
  if (!found.length && t.kind === 'list') {
    issues.push({ path: ['groups', key], message: `"${src}" is multi-valued; an Okta group ${key} is one text: use join(…, ', ') or first(…)` });
  }
  return t;
}

/** Compile both templates; every problem is returned (empty when they are fine). */
export function compileGroupTemplates(groups: TemplateKeys): { templates: GroupTemplates; issues: GroupTemplateIssue[] } {
  const issues: GroupTemplateIssue[] = [];
  const src = groupTemplateSources(groups);
  const nameIssues: GroupTemplateIssue[] = [];
  const name = compileOne(groups, 'name', src.name, nameIssues);
  if (groups.name === undefined && nameIssues.length) {
    // the default name was not written by the sysadmin: say what it is and how to fix it
    issues.push({
      path: ['groups', 'name'],
      message: `the default name template "${DEFAULT_NAME_TEMPLATE}" reads cn, which is not in groups.attributes (${groups.attributes.join(', ') || 'empty'}): add cn to groups.attributes, or set groups.name`,
    });
  } else issues.push(...nameIssues);
  const description = src.description === null ? null : compileOne(groups, 'description', src.description, issues);
  return { templates: { name, description }, issues };
}

/**
 * For `config validate` (src/config/checks.ts): the problems of the `groups:` section that the
 * schema cannot see — name and description templates that do not compile, or read attributes not
 * in `groups.attributes`. Paths are from the config root.
 */
export function checkGroupsConfig(groups: GroupsConfig | undefined): GroupTemplateIssue[] {
  if (!groups) return [];
  return compileGroupTemplates(groups).issues;
}

function text(t: CompiledTemplate, scope: EvalScope): string | null {
  const s = toStr(t.ev(scope));
  return s === null || s.trim() === '' ? null : s;
}

/** The Okta name and description for a directory group, or why it cannot have one. */
export function nameGroup(t: GroupTemplates, g: SourceGroup, nowIso: string): GroupNaming {
  const scope: EvalScope = {
    record: { anchor: g.anchor, dn: g.dn, attributes: g.attributes, disabled: false },
    attrs: g.attributes,
    profile: {},
    row: null,
    nowIso,
  };
  let name: string | null;
  let description: string | null;
  try {
    name = text(t.name, scope);
    description = t.description ? text(t.description, scope) : null;
  } catch (e) {
    return { ok: false, reason: `name or description template failed: ${(e as Error).message}` };
  }
  if (name === null) return { ok: false, reason: `the name template "${t.name.source}" gives no value for this group` };
  if ([...name].length > OKTA_GROUP_NAME_MAX)
    return { ok: false, reason: `the group name "${name.slice(0, 60)}…" is longer than Okta allows (${OKTA_GROUP_NAME_MAX} characters)` };
  if (description !== null && [...description].length > OKTA_GROUP_DESCRIPTION_MAX) {
    return { ok: false, reason: `the group description is longer than Okta allows (${OKTA_GROUP_DESCRIPTION_MAX} characters)` };
  }
  return { ok: true, name, description };
}

/** How Okta compares group names (case-insensitively). */
export function groupNameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * The Okta name and description of a directory group, from the `groups.name` and
 * `groups.description` templates, compiled once with the project's safe expression language
 * (src/transform/expr: nothing from YAML is evaluated as JavaScript). Pure.
 *
 * Templates may read the group attributes listed in `groups.attributes`, `$dn` and `$anchor`.
 * A name that is missing or empty, or longer than Okta allows (255 characters; descriptions 1,024),
 * is a reason to quarantine the group, never to write something else.
 */
import type { GroupsConfig } from '../../config/schema';
import type { SourceGroup } from '../../directory/source';
import type { CompileEnv, ExprIssue } from '../../transform/expr/compile';
import type { EvalScope } from '../../transform/expr/scope';
import { compileTemplate, type CompiledTemplate } from '../../transform/expr/template';
import { toStr } from '../../transform/expr/values';

export const OKTA_GROUP_NAME_MAX = 255;
export const OKTA_GROUP_DESCRIPTION_MAX = 1024;

export interface GroupTemplateIssue {
  /** Key path from the config root, e.g. ['groups', 'name']. */
  path: (string | number)[];
  message: string;
}

export interface GroupTemplates {
  name: CompiledTemplate;
  description: CompiledTemplate;
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
export function compileGroupTemplates(groups: Pick<GroupsConfig, 'attributes' | 'name' | 'description'>): { templates: GroupTemplates; issues: GroupTemplateIssue[] } {
  const issues: GroupTemplateIssue[] = [];
  const name = compileOne(groups, 'name', groups.name, issues);
  const description = compileOne(groups, 'description', groups.description, issues);
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
    description = text(t.description, scope);
  } catch (e) {
    return { ok: false, reason: `name or description template failed: ${(e as Error).message}` };
  }
  if (name === null) return { ok: false, reason: `the name template "${t.name.source}" gives no value for this group` };
  if ([...name].length > OKTA_GROUP_NAME_MAX) return { ok: false, reason: `the group name "${name.slice(0, 60)}…" is longer than Okta allows (${OKTA_GROUP_NAME_MAX} characters)` };
  if (description !== null && [...description].length > OKTA_GROUP_DESCRIPTION_MAX) {
    return { ok: false, reason: `the group description is longer than Okta allows (${OKTA_GROUP_DESCRIPTION_MAX} characters)` };
  }
  return { ok: true, name, description };
}

/** How Okta compares group names (case-insensitively). */
export function groupNameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * GET /.well-known/okta-organization (`getWellknownOrgMetadata`, official spec): the org's id, its
 * authentication pipeline and its URL, without authentication (`security: []`). Clients use it to
 * learn which org a URL belongs to. The simulator's org id is fixed for its lifetime (option
 * `orgId`, else random), so two simulators are two orgs.
 */
import type { Handler } from '../http/types';

export const wellKnownOrg: Handler = (ctx, sim) => ({
  status: 200,
  body: { id: sim.orgId, pipeline: 'idx', _links: { organization: { href: ctx.baseUrl } } },
});

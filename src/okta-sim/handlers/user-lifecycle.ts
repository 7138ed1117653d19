/**
 * POST /api/v1/users/{id}/lifecycle/{op}. Bodies: activate/reactivate return a
 * `UserActivationToken` (`{}` when an email is sent, `{activationToken, activationUrl}` with
 * `sendEmail=false`; activate sends email by default, reactivate doesn't); deactivate returns an
 * empty body; suspend/unsuspend/unlock return `{}`.
 */
import type { LifecycleOp } from '../store/lifecycle';
import type { Handler } from '../http/types';
import { boolParam } from './params';

export function lifecycleHandler(op: LifecycleOp): Handler {
  return (ctx, sim) => {
    const sendEmailDefault = op === 'activate';
    const sendEmail = op === 'activate' || op === 'reactivate' || op === 'deactivate' ? boolParam(ctx.query, 'sendEmail', sendEmailDefault) : false;
    sim.store.users.transition(ctx.params[0], op);
    if (op === 'activate' || op === 'reactivate') {
      if (sendEmail) return { status: 200, body: {} };
      const token = sim.ids.activationToken();
      return { status: 200, body: { activationToken: token, activationUrl: `${ctx.baseUrl}/tokens/${token}/verify` } };
    }
    if (op === 'deactivate') return { status: 200 };
    return { status: 200, body: {} };
  };
}

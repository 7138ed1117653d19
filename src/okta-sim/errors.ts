/**
 * Okta-shaped API errors.
 *
 * Handlers and stores throw {@link OktaSimError}; the HTTP layer turns it into the exact body Okta
 * sends: `{errorCode, errorSummary, errorLink, errorId, errorCauses}` where `errorLink` equals the
 * code and `errorId` is a request-unique `oae…` id. Every factory below names the Okta code it uses;
 * codes and summaries come from Okta's error catalog (see /work/shared/okta/okta-api-facts.md §3).
 */

export interface ErrorCause {
  errorSummary: string;
}

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: ErrorCause[];
}

export class OktaSimError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly causes: string[] = [],
  ) {
    super(`${status} ${errorCode} ${errorSummary}`);
    this.name = 'OktaSimError';
  }

  toBody(errorId: string): OktaErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorLink: this.errorCode,
      errorId,
      errorCauses: this.causes.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/** One failed field: `field` names it in the summary, `message` is the text after `field: ` (or `cause` the whole cause text). */
export interface FieldProblem {
  field: string;
  message: string;
  cause?: string;
}

export const errors = {
  /** 400 E0000001 `Api validation failed: <first field>`, causes `<field>: <message>`. */
  validation(problems: FieldProblem[]): OktaSimError {
    const first = problems[0]?.field ?? 'request';
    return new OktaSimError(
      400,
      'E0000001',
      `Api validation failed: ${first}`,
      problems.map((p) => p.cause ?? `${p.field}: ${p.message}`),
    );
  },
  /** 400 E0000001 for a precondition that is not tied to a field (e.g. suspend a non-ACTIVE user). */
  precondition(subject: string, cause: string): OktaSimError {
    return new OktaSimError(400, 'E0000001', `Api validation failed: ${subject}`, [cause]);
  },
  alreadyExists(field: string): OktaSimError {
    return errors.validation([{ field, message: 'An object with this field already exists in the current organization' }]);
  },
  malformedBody(): OktaSimError {
    return new OktaSimError(400, 'E0000003', 'The request body was not well-formed.');
  },
  accessDenied(): OktaSimError {
    return new OktaSimError(403, 'E0000006', 'You do not have permission to perform the requested action');
  },
  /** 404 E0000007 `Not found: Resource not found: <key> (<kind>)`. */
  notFound(key: string, kind: 'User' | 'UserGroup' | 'UserSchema'): OktaSimError {
    return new OktaSimError(404, 'E0000007', `Not found: Resource not found: ${key} (${kind})`);
  },
  pathNotFound(): OktaSimError {
    return new OktaSimError(404, 'E0000008', 'The requested path was not found.');
  },
  internal(): OktaSimError {
    return new OktaSimError(500, 'E0000009', 'Internal Server Error');
  },
  invalidToken(): OktaSimError {
    return new OktaSimError(401, 'E0000011', 'Invalid token provided');
  },
  alreadyActive(): OktaSimError {
    return new OktaSimError(403, 'E0000016', 'Activation failed because the user is already active');
  },
  methodNotAllowed(): OktaSimError {
    return new OktaSimError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
  },
  invalidCursor(): OktaSimError {
    return new OktaSimError(400, 'E0000029', 'Invalid paging request. Ensure the pagination cursor has not been altered');
  },
  invalidDate(): OktaSimError {
    return new OktaSimError(
      400,
      'E0000030',
      "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00.",
    );
  },
  invalidFilter(cause?: string): OktaSimError {
    return new OktaSimError(400, 'E0000031', 'Bad request. Invalid filter parameter.', cause ? [cause] : []);
  },
  unlockNotAllowed(): OktaSimError {
    return new OktaSimError(403, 'E0000032', 'Unlock is not allowed for this user.');
  },
  searchAndFilter(): OktaSimError {
    return new OktaSimError(400, 'E0000033', "Bad request. Can't specify a search query and filter in the same request.");
  },
  wrongStatus(): OktaSimError {
    return new OktaSimError(403, 'E0000038', "This operation is not allowed in the user's current status.");
  },
  rateLimited(): OktaSimError {
    return new OktaSimError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
  },
  tooManyGroupTargets(): OktaSimError {
    return new OktaSimError(400, 'E0000093', 'Target count limit exceeded', ['The number of group targets is too large']);
  },
  stillActivating(): OktaSimError {
    return new OktaSimError(409, 'E0000112', 'Cannot update this user because they are still being activated. Please try again in a few minutes.');
  },
  expirePasswordWithoutActivation(): OktaSimError {
    const s = 'Could not create user. To create a user and expire their password immediately, `activate` must be true.';
    return new OktaSimError(400, 'E0000125', s, [s]);
  },
  expirePasswordWithoutPassword(): OktaSimError {
    const s = 'Could not create user. To create a user and expire their password immediately, a password must be specified.';
    return new OktaSimError(400, 'E0000124', s, [s]);
  },
};

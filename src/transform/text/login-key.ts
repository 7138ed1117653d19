/** Okta's login comparison key lives with the Okta vocabulary; the transform stage uses the same function. */
export { normalizeLogin as oktaLoginKey } from '../../okta/profile';

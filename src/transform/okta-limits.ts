/**
 * Length limits of Okta's base user profile (official spec `UserProfile`,
 * management-minimal 2026.06.3): characters, inclusive.
 */
export const OKTA_PROFILE_LIMITS: Readonly<Record<string, { min?: number; max: number }>> = {
  login: { min: 5, max: 100 },
  email: { min: 5, max: 100 },
  secondEmail: { max: 100 },
  firstName: { min: 1, max: 50 },
  lastName: { min: 1, max: 50 },
  city: { max: 128 },
  state: { max: 128 },
  countryCode: { max: 2 },
  zipCode: { max: 50 },
  streetAddress: { max: 1024 },
  postalAddress: { max: 4096 },
  mobilePhone: { max: 100 },
  primaryPhone: { max: 100 },
};

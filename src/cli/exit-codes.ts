/**
 * Exit codes of every command (documented in README.md and `ldap-okta-sync --help`).
 * Scripts and systemd can tell a configuration mistake from an unreachable directory from a run
 * that worked but left records in quarantine.
 */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  CONFIG: 3,
  DIRECTORY: 4,
  OKTA_AUTH: 5,
  QUARANTINED: 6,
  SAFEGUARD: 7,
  LOCKED: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_HELP = `Exit codes:
  0  ok
  1  unexpected internal error
  2  usage error (bad command line)
  3  configuration error (every problem is listed with file, line and key)
  4  directory unreachable, TLS failure or bind failure (state untouched)
  5  Okta authentication failure (bad or revoked API token) or Okta unreachable
  6  run completed, but some records are quarantined or some writes failed (see \`quarantine\`)
  7  run stopped by a safeguard before any write (override once with --allow-mass-change)
  8  another run holds the lock`;

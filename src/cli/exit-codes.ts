/**
 * Exit codes of every command: the one table. `ldap-okta-sync --help` prints it (EXIT_HELP) and
 * README.md repeats it; test/e2e/exit-codes.test.ts holds the three to the same codes and words.
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
  NOT_FOUND: 9,
  AMBIGUOUS: 10,
  INTERRUPTED: 11,
  STATE: 12,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each code means, as `--help` and README.md say it. */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'ok',
  1: 'unexpected internal error (--debug prints the stack)',
  2: 'usage error (bad command line)',
  3: "configuration error (every problem listed with file, line and key), or a state file that is not the agent's",
  4: 'directory error: unreachable, TLS, bind, base DN or search (the message says which; state untouched)',
  5: 'Okta authentication failure (bad or revoked API token) or Okta unreachable',
  6: 'run completed, but some records are quarantined or some writes failed (see `quarantine`)',
  7: 'run stopped by a safeguard before any write (override once with --allow-mass-change)',
  8: 'another run holds the lock',
  9: 'not found: `explain`: the key matches no user; `report`: no report for that run',
  10: '`explain`: the key matches several users',
  11: 'interrupted by a signal (SIGTERM, SIGINT): the writes in flight finished, the next run goes on',
  12: 'state database unusable: damaged, or its file or directory cannot be read or written',
};

export const EXIT_HELP = `Exit codes:\n${Object.entries(EXIT_MEANINGS)
  .map(([code, meaning]) => `  ${code.padEnd(3)} ${meaning}`)
  .join('\n')}`;

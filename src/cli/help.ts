/**
 * Texts and choices the command line shows before any command runs (help, option choices): kept
 * apart from the commands, so that parsing argv loads no command's module (main.ts loads a
 * command's module only when that command runs).
 */

export const EXPLAIN_HELP = `Exit codes of explain (besides the common ones):
  9   the key matches no user (in the directory or in the state)
  10  the key matches several users (listed; name one by its anchor or DN)`;

export const SAMPLE_HELP = `The key file holds a secret of at least 16 bytes (e.g. \`openssl rand -hex 32 > sample.key\`; keep it
private): the same key and directory give the same sample byte for byte; another key gives other pseudonyms.
Load the sample with slapadd, or ldapadd -x -e relax -D <root DN> -W -f FILE (relax keeps the anchors).
Forecast the whole migration from it: preflight / plan --scale-from-sample FILE.`;

export const QUARANTINE_SORTS = ['run', 'dn', 'step', 'since'] as const;
export type QuarantineSort = (typeof QUARANTINE_SORTS)[number];

import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Directories searched after PATH: the server binaries live in sbin, which a non-root PATH often lacks. */
const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
const cache = new Map<string, string>();

/**
 * Absolute path of an executable (slapd, slapadd, samba, samba-tool, openssl), searched in PATH and the
 * sbin directories. Throws with the install hint when it is missing.
 */
export function findBinary(name: string): string {
  const hit = cache.get(name);
  if (hit) return hit;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      cache.set(name, candidate);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error(
    `'${name}' is not installed (searched PATH and ${SBIN_DIRS.join(', ')}). ` +
      'Install the test packages: bash test/servers/ensure-packages.sh (list: test/servers/packages.txt).',
  );
}

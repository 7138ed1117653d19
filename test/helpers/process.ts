/**
 * Running the real `ldap-okta-sync` executable as a child process (for signals and exit codes).
 * The executable runs the compiled dist/; it is rebuilt first when a source file is newer.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A stack frame line as Node prints them: output a person should never see without --debug. */
export const STACK_FRAME = /\n\s+at .+[:(]\d+:\d+\)?/;
export const BIN = join(ROOT, 'bin', 'ldap-okta-sync');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * tsc never deletes output: a compiled file whose source was moved or deleted would still be
 * loaded (dist/sync/apply.js shadowing dist/sync/apply/index.js). Remove those after a rebuild.
 */
function removeOrphans(out: string, src: string): void {
  if (!existsSync(out)) return;
  for (const e of readdirSync(out, { withFileTypes: true })) {
    const p = join(out, e.name);
    if (e.isDirectory()) {
      if (existsSync(join(src, e.name))) removeOrphans(p, join(src, e.name));
      else rmSync(p, { recursive: true, force: true });
    } else if (/\.(js|d\.ts|js\.map)$/.test(e.name)) {
      const base = e.name.replace(/\.(js|d\.ts|js\.map)$/, '');
      if (!existsSync(join(src, `${base}.ts`)) && !existsSync(join(src, `${base}.js`))) rmSync(p, { force: true });
    }
  }
}

let built = false;
export function ensureBuilt(): void {
  if (built) return;
  const marker = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(marker) || statSync(marker).mtimeMs < newestMtime(join(ROOT, 'src'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'inherit' });
    removeOrphans(join(ROOT, 'dist'), join(ROOT, 'src'));
  }
  built = true;
}

export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves when the output matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * How the agent runs. `unprivileged`: when the test runner is root (CI), without the capabilities
 * that let root ignore file permissions (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH),
 * so that a permission the test sets up is met; still uid 0, so the checkout it runs from need not
 * be readable by another user (a clone under /root is not).
 */
export interface RunAs {
  unprivileged?: boolean;
}

const DAC_CAPS = '-dac_override,-dac_read_search';

/** The command line that runs the executable with `args` (built first) as `as` says. */
function agentCommand(args: string[], as: RunAs): [string, string[]] {
  ensureBuilt();
  return as.unprivileged && process.getuid?.() === 0
    ? ['setpriv', [`--inh-caps=${DAC_CAPS}`, `--bounding-set=${DAC_CAPS}`, '--', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
}

export function start(args: string[], env: NodeJS.ProcessEnv = {}, as: RunAs = {}): Running {
  const command = agentCommand(args, as);
  const child = spawn(command[0], command[1], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const t0 = Date.now();
        const poll = setInterval(() => {
          if (re.test(out)) {
            clearInterval(poll);
            resolve();
          } else if (Date.now() - t0 > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`timed out waiting for ${re} in output:\n${out}`));
          }
        }, 50);
      }),
  };
}

/** Run the executable to the end: exit code, stdout alone, and everything it printed (stdout + stderr). */
export async function runAgent(args: string[], env: NodeJS.ProcessEnv = {}, as: RunAs = {}): Promise<{ code: number | null; stdout: string; all: string }> {
  const [cmd, argv] = agentCommand(args, as);
  const r = await runToEnd(cmd, argv, { env: { ...process.env, ...env } });
  return { code: r.code, stdout: r.out, all: r.all };
}

/**
 * Any command to its end (its streams read to their end too), without blocking the event loop (an
 * in-process simulator must go on answering the command's requests, which a synchronous spawn would
 * prevent). The environment is the test's `process.env` (jest gives each test file its own copy,
 * which a spawn would not see). `all` is stdout and stderr in the order they came.
 */
export function runToEnd(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<{ code: number | null; out: string; err: string; all: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: process.env, ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let all = '';
    child.stdout.on('data', (d) => {
      out += d;
      all += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
      all += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err, all }));
  });
}

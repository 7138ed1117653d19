import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { sleep } from './ports';

/**
 * Starts a long-running server in its own session and process group (pgid == pid), stdout and stderr
 * appended to `logFile`, stdin closed. The child is unref'd and holds no pipe to this process, so it
 * survives the jest worker that started it (the run's globalTeardown stops what is left).
 */
export function spawnDaemon(command: string, args: string[], opts: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv }): ChildProcess {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    // an error here (ENOENT, EACCES) also shows up as exit: callers check isAlive()
    child.on('error', () => undefined);
    return child;
  } finally {
    closeSync(fd);
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** True while any process of the process group exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a process (NUL separators turned into spaces), or '' if it is gone. */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/**
 * Stops a daemon started with spawnDaemon: SIGTERM to the leader, waits up to `termTimeoutMs` for the
 * whole process group to go, then SIGKILL to the group. Resolves when nothing of it is left.
 */
export async function stopProcessGroup(pid: number, termTimeoutMs = 10000): Promise<void> {
  if (!groupAlive(pid) && !isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const deadline = Date.now() + termTimeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) && !groupAlive(pid)) return;
    if (!isAlive(pid)) {
      // leader gone, children lingering: give them a moment, then kill them
      await sleep(200);
      break;
    }
    await sleep(25);
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // nothing left
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // nothing left
  }
  const hard = Date.now() + 5000;
  while ((isAlive(pid) || groupAlive(pid)) && Date.now() < hard) await sleep(25);
}

/** The last `lines` lines of a log file ('' if it does not exist). */
export function tailFile(file: string, lines = 40): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n')
    .trimEnd();
}

/** Runs a command to completion, collecting its output; rejects with the output when it fails. */
export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else {
        const out = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out}`));
      }
    });
    // a command that exits without reading its input (slapadd -l, an early error) closes the pipe:
    // the exit code and stderr say what happened, the EPIPE on our side says nothing more
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(opts.input ?? '');
  });
}

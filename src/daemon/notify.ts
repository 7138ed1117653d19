/**
 * sd_notify(3): telling systemd (`Type=notify`) that the service is ready, alive (watchdog),
 * reloading or stopping, and a one-line status that `systemctl status` shows. The protocol is one
 * datagram of newline-separated `KEY=VALUE` lines sent to the AF_UNIX socket named by
 * `$NOTIFY_SOCKET`; without that variable (a run by hand, a test) every call is a no-op.
 *
 * How the socket is reached: Node has no AF_UNIX datagram sockets (`node:dgram` is UDP only,
 * `node:net` streams only), so this module uses `unix-dgram`, a small maintained native addon
 * (socket(AF_UNIX, SOCK_DGRAM) and sendmsg), and is its only importer. The alternatives are worse:
 * spawning `systemd-notify` per message makes a short-lived child the sender (it needs
 * NotifyAccess=all, and systemd drops a message whose sender exited before it was attributed to the
 * unit — a known race, fatal for READY=1 and WATCHDOG=1), and `sd-notify` binds libsystemd (its
 * headers are needed to build it). unix-dgram builds with the toolchain better-sqlite3 already
 * needs, and the datagrams come from the main process, so the unit keeps NotifyAccess=main.
 * Abstract-namespace sockets (`@…`) are not supported by unix-dgram: systemd itself always passes
 * a path (/run/systemd/notify); the agent logs a warning and does not notify otherwise.
 */
import { createSocket, type UnixDgramSocket } from 'unix-dgram';
import type { Logger } from '../util/log';

export interface Notifier {
  /** True when $NOTIFY_SOCKET names a socket messages are sent to. */
  readonly enabled: boolean;
  /** Interval at which to send WATCHDOG=1 (half of $WATCHDOG_USEC), when systemd expects it. */
  readonly watchdogIntervalMs: number | undefined;
  /** Send raw fields, e.g. { READY: '1', STATUS: '…' }; in one datagram, in this order. */
  send(fields: Record<string, string>): void;
  ready(status: string): void;
  status(text: string): void;
  reloading(): void;
  stopping(status: string): void;
  watchdog(): void;
  close(): void;
}

/** What a notifier reads from the environment systemd gives the service. */
export interface NotifyEnv {
  NOTIFY_SOCKET?: string;
  WATCHDOG_USEC?: string;
  WATCHDOG_PID?: string;
}

/** The watchdog interval systemd asks of this process (half its timeout), or undefined. */
export function watchdogInterval(env: NotifyEnv, pid = process.pid): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

/** One line, without the newlines that would split it into several fields. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').slice(0, 1000);
}

export function createNotifier(env: NotifyEnv = process.env, log?: Logger): Notifier {
  const path = env.NOTIFY_SOCKET;
  const watchdogIntervalMs = watchdogInterval(env);
  let socket: UnixDgramSocket | undefined;
  if (path && path.startsWith('@')) {
    log?.warn(`NOTIFY_SOCKET ${path} is an abstract socket, which this agent cannot reach: systemd is not notified`);
  } else if (path) {
    socket = createSocket('unix_dgram');
    // a failed send is logged once and never stops the agent: systemd notices what it did not get
    let warned = false;
    socket.on('error', (e: Error) => {
      if (!warned) log?.warn('cannot notify systemd', { socket: path, error: e.message });
      warned = true;
    });
  }
  const send = (fields: Record<string, string>) => {
    if (!socket || !path) return;
    const text = Object.entries(fields)
      .map(([k, v]) => `${k}=${oneLine(v)}`)
      .join('\n');
    const buf = Buffer.from(text, 'utf8');
    socket.send(buf, 0, buf.length, path);
  };
  return {
    enabled: socket !== undefined,
    watchdogIntervalMs: socket ? watchdogIntervalMs : undefined,
    send,
    ready: (status) => send({ READY: '1', STATUS: status }),
    status: (text) => send({ STATUS: text }),
    reloading: () => send({ RELOADING: '1', MONOTONIC_USEC: String(process.hrtime.bigint() / 1000n) }),
    stopping: (status) => send({ STOPPING: '1', STATUS: status }),
    watchdog: () => send({ WATCHDOG: '1' }),
    close: () => {
      socket?.close();
      socket = undefined;
    },
  };
}

/**
 * Sends WATCHDOG=1 every `intervalMs` while `healthy()` says so; returns the stop function. The
 * timer does not keep the process alive. A process whose event loop is stuck sends nothing either,
 * so systemd restarts it after WatchdogSec=.
 */
export function startWatchdog(notifier: Notifier, healthy: () => boolean): () => void {
  const every = notifier.watchdogIntervalMs;
  if (every === undefined) return () => {};
  const timer = setInterval(() => {
    if (healthy()) notifier.watchdog();
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}

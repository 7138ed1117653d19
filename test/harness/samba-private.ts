/**
 * A Samba AD DC of one test file's own, for what the run's shared DC must never go through: being
 * stopped and started again in the middle of a run, or replaced by a DC restored from a backup.
 * Provisioning costs what the shared DC's does (8-17 s measured, more on a loaded machine); it
 * listens on its own loopback address, so it runs next to the shared one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { makeSambaAd, type SambaAd } from './ad';
import { currentRunDir, unregisterServer } from './run-dir';
import { launchSambaAd, restoreSambaAdBackup, startSambaAdProcess } from './samba-ad';
import { stopProcessGroup } from './util/processes';

export interface PrivateSambaAd extends SambaAd {
  /** The running samba's process id (a new one after `start` or `restoreFromBackup`). */
  readonly pid: number;
  /** Stops samba (SIGTERM to its process group, as `systemctl stop` does); the DC's files stay. */
  halt(): Promise<void>;
  /** Starts samba again on the same address and files (after `halt`). */
  start(): Promise<void>;
  /**
   * Replaces the DC by one restored from an offline backup of it (`samba-tool domain backup
   * offline` + `restore`, as a new DC named `newServerName`: a new invocationId), on the same
   * address; the DC is halted first and the restored one started.
   */
  restoreFromBackup(newServerName: string): Promise<void>;
  /** Stops samba and removes the DC's files. */
  stop(): Promise<void>;
}

export async function startPrivateSambaAd(name: string): Promise<PrivateSambaAd> {
  const root = mkdtempSync(path.join(currentRunDir(), `samba-${name}-`));
  let dir = path.join(root, 'dc');
  const info = await startSambaAdProcess(dir, { restorable: true, private: true });
  let pid = info.pid;
  const halt = async () => {
    await stopProcessGroup(pid, 15000);
    unregisterServer(pid);
  };
  return {
    ...makeSambaAd(info),
    get pid() {
      return pid;
    },
    halt,
    async start() {
      pid = await launchSambaAd(dir, info.host, { private: true });
    },
    async restoreFromBackup(newServerName) {
      await halt();
      const restored = path.join(root, `restored-${newServerName.toLowerCase()}`);
      await restoreSambaAdBackup(dir, restored, info.host, newServerName);
      dir = restored;
      pid = await launchSambaAd(dir, info.host, { private: true });
    },
    async stop() {
      await halt();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

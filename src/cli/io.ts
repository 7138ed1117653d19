/**
 * Where commands print: stdout for results, stderr for logs and errors (injectable for tests).
 *
 * A reader that goes away (`plan | head`) closes the pipe: the next write fails with EPIPE. That
 * is not a failure of the command: later output is dropped, loops that print much stop early
 * ({@link closed}), and the command ends with its own exit code, without a stack trace.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Whether nobody reads `stream` any more (its pipe was closed): stop producing output for it. */
export function closed(stream: NodeJS.WritableStream): boolean {
  return (stream as { destroyed?: boolean }).destroyed === true;
}

/** A closed pipe ends the output, nothing else; any other stream error is a real one. */
function quietOnClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    throw e;
  });
}

/** The process's stdout and stderr. */
export function createProcessIo(): Io {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const write = (s: NodeJS.WriteStream, t: string) => {
    if (!closed(s)) s.write(t.endsWith('\n') ? t : t + '\n');
  };
  return {
    out: (t) => write(process.stdout, t),
    err: (t) => write(process.stderr, t),
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

/** Whether a person watches the command: its output and its messages both go to a terminal. */
export function onTerminal(io: Io): boolean {
  return Boolean((io.stdout as NodeJS.WriteStream).isTTY && (io.stderr as NodeJS.WriteStream).isTTY);
}

/** Where commands print: stdout for results, stderr for logs and errors (injectable for tests). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  stdout: process.stdout,
  stderr: process.stderr,
};

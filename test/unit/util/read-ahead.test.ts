import { readAhead } from '../../../src/util/read-ahead';

/** A source that records when each item was asked for and whether it was closed. */
function source(items: number, failAt?: number) {
  const log: string[] = [];
  async function* gen() {
    try {
      for (let i = 1; i <= items; i++) {
        log.push(`fetch ${i}`);
        await new Promise((r) => setImmediate(r));
        if (i === failAt) throw new Error(`page ${i} failed`);
        yield i;
      }
    } finally {
      log.push('closed');
    }
  }
  return { log, gen: gen() };
}

describe('readAhead', () => {
  it('fetches the next item while the consumer works on the current one, in order', async () => {
    const s = source(3);
    const seen: number[] = [];
    for await (const v of readAhead(s.gen)) {
      await new Promise((r) => setImmediate(r)); // the consumer's work on v
      seen.push(v);
      // while the consumer holds item v, item v+1 has been asked for already
      if (v < 3) expect(s.log).toContain(`fetch ${v + 1}`);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(s.log).toEqual(['fetch 1', 'fetch 2', 'fetch 3', 'closed']);
  });

  it('a failure of the early fetch reaches the consumer when it asks for that item, not before', async () => {
    const s = source(3, 2);
    const seen: number[] = [];
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(
        (async () => {
          for await (const v of readAhead(s.gen)) {
            await new Promise((r) => setTimeout(r, 5)); // the failure happens while item 1 is worked on
            seen.push(v);
          }
        })(),
      ).rejects.toThrow('page 2 failed');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(seen).toEqual([1]);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('a consumer that stops early closes the source after the early fetch settles', async () => {
    const s = source(5);
    for await (const v of readAhead(s.gen)) if (v === 2) break;
    expect(s.log).toEqual(['fetch 1', 'fetch 2', 'fetch 3', 'closed']);
  });
});

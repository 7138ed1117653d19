/**
 * Read one item ahead of the consumer: while it works on a page, the next one is already being
 * fetched (the directory server works on the next page while the agent plans this one, instead of
 * waiting for the agent's request). At most two items are held. A failure of the early fetch
 * reaches the consumer when it asks for that item, as it would have without read-ahead; a
 * consumer that stops early closes the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  let done = false;
  try {
    for (;;) {
      const r = await next;
      if (r.done) {
        done = true;
        return;
      }
      next = it.next();
      // settled by the `await` above in the next round; until then it must not count as unhandled
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    if (!done) {
      // wait for the early fetch so that the source is idle, then let it clean up
      await next.catch(() => undefined);
      await it.return?.();
    }
  }
}

/** Jest global teardown. Placeholder until the directory-server harness lands. */
export default async function globalTeardown(): Promise<void> {}

/** Jest global setup. Placeholder until the directory-server harness lands. */
export default async function globalSetup(): Promise<void> {}

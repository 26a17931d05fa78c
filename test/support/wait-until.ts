/** Waiting in tests for something another process does, without a fixed sleep that races it. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeoutMs` passes; returns how long it took, or -1 on timeout. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, stepMs = 25): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started >= timeoutMs) return -1;
    await sleep(stepMs);
  }
}

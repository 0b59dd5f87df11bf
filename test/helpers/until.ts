/**
 * Waits until `condition` holds, polling every 5 ms, or fails naming `what` after `timeoutMs` of wall
 * time. For waiting on real sockets to carry bytes that will come; never a timing assertion.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets the sockets run for `ms` of wall time: only before asserting that something did NOT arrive. */
export function quiet(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

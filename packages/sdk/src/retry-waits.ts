// The tracker's waits between retries. A background retry must not keep a
// process alive that is otherwise done (the same promise as the unref'ed flush
// interval), but a caller awaiting flush() or shutdown() does want those
// retries to finish, so while anyone awaits, the pending waits hold the process
// open. A shutdown deadline ends every wait at once.

export class RetryWaits {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; finish: () => void }>();
  private holders = 0;

  /** Resolves after `ms`, or as soon as `signal` aborts. Never rejects. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => entry.finish(), Math.max(0, ms)),
        finish: () => {
          clearTimeout(entry.timer);
          signal.removeEventListener('abort', entry.finish);
          this.pending.delete(entry);
          resolve();
        },
      };
      if (this.holders === 0) entry.timer.unref();
      signal.addEventListener('abort', entry.finish, { once: true });
      this.pending.add(entry);
    });
  }

  /** Someone awaits the outcome: keep the process alive for the waits. */
  hold(): void {
    this.holders += 1;
    for (const { timer } of this.pending) timer.ref();
  }

  release(): void {
    this.holders = Math.max(0, this.holders - 1);
    if (this.holders === 0) for (const { timer } of this.pending) timer.unref();
  }
}

// How many audits run at once. An audit reads an organization's whole log;
// several at once would share the CPU with every other request and hold
// several logs' worth of work in memory. A few run, a few more wait their
// turn, and beyond that a caller is told to come back later.
export class TooManyAuditsError extends Error {
  override readonly name = 'TooManyAuditsError';

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many audits are running; try again in ${retryAfterSeconds} s.`);
  }
}

export interface AuditGateOptions {
  /** Audits running at once. */
  readonly concurrent: number;
  /** Audits waiting for a turn; one more is refused. */
  readonly waiting: number;
  /** Suggested to a refused caller. */
  readonly retryAfterSeconds: number;
}

export const DEFAULT_AUDIT_GATE: AuditGateOptions = { concurrent: 2, waiting: 4, retryAfterSeconds: 10 };

export class AuditGate {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly options: AuditGateOptions = DEFAULT_AUDIT_GATE) {}

  async run<T>(audit: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrent) {
      if (this.queue.length >= this.options.waiting) throw new TooManyAuditsError(this.options.retryAfterSeconds);
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await audit();
    } finally {
      // The turn passes straight to the next waiter, so `running` stays the same.
      const next = this.queue.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

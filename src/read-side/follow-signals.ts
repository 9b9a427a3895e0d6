// Waiting on a subscription without leaving anything behind. Racing each
// event against a promise that only settles at shutdown keeps one reaction,
// holding that event, per race: a follower leaked memory per event. Here a
// sleep ends by its timer or by a wake-up and then drops both, and the next
// event is taken from a one-slot mailbox the subscription fills.

/** A sleep that anyone may cut short; nothing of it remains once it ends. */
export class Alarm {
  private wakeUp: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}

/** The next result of an async iterator, pulled one at a time; the alarm rings when it arrives. */
export class NextEvent<T> {
  private result: IteratorResult<T> | null = null;
  private failure: { readonly error: unknown } | null = null;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly alarm: Alarm,
  ) {}

  /** Asks the iterator for one more result. */
  pull(): void {
    this.iterator.next().then(
      (result) => {
        this.result = result;
        this.alarm.wake();
      },
      (error: unknown) => {
        this.failure = { error };
        this.alarm.wake();
      },
    );
  }

  get ready(): boolean {
    return this.result !== null || this.failure !== null;
  }

  /** The arrived result (null while none has), or the iterator's error thrown. */
  take(): IteratorResult<T> | null {
    if (this.failure) throw this.failure.error;
    const result = this.result;
    this.result = null;
    return result;
  }
}

// In-process "something was appended" signal: lets a live subscription wake at
// once on appends made through the same store instance instead of waiting for
// its next poll. Appends from other processes are still found by polling.

export class AppendSignal {
  private readonly listeners = new Set<() => void>();

  /** Registers a listener; returns the function that removes it. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}

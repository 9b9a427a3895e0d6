// Audits run a few at a time; a few more wait their turn; one more is told to
// come back later instead of slowing every other request down.
import { AuditGate, TooManyAuditsError } from '../../src/application/audit/audit-gate';

describe('the audit gate', () => {
  it('runs two at once, queues four, refuses the seventh with a retry delay, and lets the queue through in order', async () => {
    const gate = new AuditGate({ concurrent: 2, waiting: 4, retryAfterSeconds: 10 });
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const audits = Array.from({ length: 6 }, (_, index) =>
      gate.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(index);
            finish[index] = () => resolve(index);
          }),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    await expect(gate.run(async () => 'late')).rejects.toEqual(new TooManyAuditsError(10));
    finish[0]();
    await audits[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    for (const index of [1, 2, 3, 4, 5]) {
      await new Promise((resolve) => setImmediate(resolve));
      finish[index]();
      await audits[index];
    }
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });
});

// Cached quota checks: reused for a bounded time with their age brought up to
// date, shared by concurrent askers, never cached when they fail, and never
// used when the caller waits for its own write.
import { CachedQuotaChecks } from '../../src/application/usage/cached-quota-checks';
import type { QuotaCheck, ReadOptions } from '../../src/application/usage/usage-queries';
import { FixedClock } from '../support/fixed-clock';

function quotaCheck(used: number): QuotaCheck {
  return {
    organizationId: 'org_123',
    feature: 'OCR_SCAN',
    hasQuota: true,
    withinIncluded: true,
    used,
    included: 100,
    remaining: 100 - used,
    enforcement: 'soft',
    resetPeriod: 'MONTHLY',
    windowStart: '2026-11-01T00:00:00.000Z',
    windowEnd: '2026-12-01T00:00:00.000Z',
    freshness: { position: '7', caughtUpAt: '2026-11-15T12:00:00.000Z', ageMs: 0, includesRequestedPosition: true },
  };
}

describe('cached quota checks', () => {
  let monotonicMs: number;
  let clock: FixedClock;
  let reads: { organizationId: string; feature: string; options?: ReadOptions }[];
  let nextAnswer: () => Promise<QuotaCheck>;
  let checks: CachedQuotaChecks;

  beforeEach(() => {
    monotonicMs = 0;
    clock = new FixedClock(new Date('2026-11-15T12:00:00.000Z'));
    reads = [];
    let used = 0;
    nextAnswer = async () => quotaCheck(++used);
    const queries = { checkQuota: (organizationId: string, feature: string, options?: ReadOptions) => (reads.push({ organizationId, feature, options }), nextAnswer()) };
    checks = new CachedQuotaChecks(queries, clock, { maxAgeMs: 1_000, monotonicNow: () => monotonicMs });
  });

  it('answers from the cache within its age limit, with the age brought up to date', async () => {
    await checks.checkQuota('org_123', 'OCR_SCAN');
    monotonicMs += 400;
    clock.advance(400);
    const again = await checks.checkQuota('org_123', 'OCR_SCAN');
    expect(reads).toHaveLength(1);
    expect(again.used).toBe(1);
    expect(again.freshness.ageMs).toBe(400);
  });

  it('reads again once the answer is older than the limit', async () => {
    await checks.checkQuota('org_123', 'OCR_SCAN');
    monotonicMs += 1_001;
    expect((await checks.checkQuota('org_123', 'OCR_SCAN')).used).toBe(2);
  });

  it('keeps organizations and features apart', async () => {
    await checks.checkQuota('org_123', 'OCR_SCAN');
    await checks.checkQuota('org_123', 'API_CALL');
    await checks.checkQuota('org_456', 'OCR_SCAN');
    expect(reads.map((r) => `${r.organizationId}/${r.feature}`)).toEqual(['org_123/OCR_SCAN', 'org_123/API_CALL', 'org_456/OCR_SCAN']);
  });

  it('shares one read among concurrent askers', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => checks.checkQuota('org_123', 'OCR_SCAN')));
    expect(reads).toHaveLength(1);
    expect(new Set(answers.map((a) => a.used))).toEqual(new Set([1]));
  });

  it('reads afresh for a caller waiting for its own write', async () => {
    await checks.checkQuota('org_123', 'OCR_SCAN');
    await checks.checkQuota('org_123', 'OCR_SCAN', { waitForPosition: '9' });
    expect(reads[1].options).toEqual({ waitForPosition: '9' });
  });

  it('does not remember a failure', async () => {
    nextAnswer = async () => {
      throw new Error('organization unknown');
    };
    await expect(checks.checkQuota('org_123', 'OCR_SCAN')).rejects.toThrow('organization unknown');
    nextAnswer = async () => quotaCheck(5);
    await expect(checks.checkQuota('org_123', 'OCR_SCAN')).resolves.toMatchObject({ used: 5 });
  });
});

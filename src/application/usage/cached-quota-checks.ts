// Quota checks answered from a short-lived cache: a product that asks before every OCR
// scan or API call asks far more often than the answer changes. An answer is
// reused for at most `maxAgeMs`; concurrent askers of the same question share
// one read; its `freshness` still says which log position it reflects and how
// old that is, so nothing pretends to be newer than it is. A caller that
// passes `waitForPosition` (read-your-writes) always gets a fresh read.
import type { Clock } from '../ports/clock';
import type { QuotaCheck, ReadOptions, UsageQueries } from './usage-queries';

export interface QuotaChecks {
  checkQuota(organizationId: string, feature: string, options?: ReadOptions): Promise<QuotaCheck>;
}

export interface CachedQuotaChecksOptions {
  readonly maxAgeMs: number;
  /** Beyond this many cached answers, the oldest are forgotten. Default 10,000. */
  readonly maxEntries?: number;
  /** Monotonic milliseconds; tests may pass their own. */
  readonly monotonicNow?: () => number;
}

interface CachedAnswer {
  readonly answer: Promise<QuotaCheck>;
  readonly readAt: number;
}

export class CachedQuotaChecks implements QuotaChecks {
  private readonly answers = new Map<string, CachedAnswer>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly queries: Pick<UsageQueries, 'checkQuota'>,
    private readonly clock: Clock,
    private readonly options: CachedQuotaChecksOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.monotonicNow ?? (() => performance.now());
  }

  async checkQuota(organizationId: string, feature: string, options: ReadOptions = {}): Promise<QuotaCheck> {
    const key = `${organizationId}\u0000${feature}`;
    const cached = this.answers.get(key);
    if (options.waitForPosition === undefined && cached && this.now() - cached.readAt <= this.options.maxAgeMs) {
      return this.aged(await cached.answer);
    }
    const read: CachedAnswer = { answer: this.queries.checkQuota(organizationId, feature, options), readAt: this.now() };
    this.remember(key, read);
    try {
      return await read.answer;
    } catch (error) {
      // Failures (an unknown organization, an unreachable database) are asked again next time, not remembered.
      if (this.answers.get(key) === read) this.answers.delete(key);
      throw error;
    }
  }

  private remember(key: string, read: CachedAnswer): void {
    this.answers.delete(key);
    this.answers.set(key, read);
    // Map iteration follows insertion order, so the first key is the oldest answer.
    if (this.answers.size > this.maxEntries) this.answers.delete(this.answers.keys().next().value as string);
  }

  /** The same answer, its age brought up to date. */
  private aged(answer: QuotaCheck): QuotaCheck {
    const caughtUpAt = answer.freshness.caughtUpAt;
    if (caughtUpAt === null) return answer;
    const ageMs = Math.max(0, this.clock.now().getTime() - Date.parse(caughtUpAt));
    return { ...answer, freshness: { ...answer.freshness, ageMs } };
  }
}

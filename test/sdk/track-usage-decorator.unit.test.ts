// The @TrackUsage method decorator: it records after success only, and a
// decorated method returns and throws exactly what it would without it.
import { TrackUsage, UsageExtractionError, UsageFeature, type UsageRecorder } from '@tally/sdk';
import { RecordingRecorder } from './support/recording-recorder';

interface ScanReceiptDto {
  orgId: string;
  file: string;
}
interface ScanResult {
  fileSize: number;
  documentType: string;
}

/** The seed's example, unchanged but for where the organization comes from. */
class OcrService {
  constructor(readonly usageTracker: UsageRecorder) {}

  @TrackUsage(UsageFeature.OCR_SCAN, {
    extractOrgId: ([dto]) => dto.orgId,
    extractMetadata: (result) => ({ fileSize: result.fileSize, documentType: result.documentType }),
  })
  async scanReceipt(dto: ScanReceiptDto): Promise<ScanResult> {
    return this.performOcr(dto);
  }

  private async performOcr(dto: ScanReceiptDto): Promise<ScanResult> {
    if (dto.file === 'corrupt.pdf') throw new Error('unreadable file');
    return { fileSize: dto.file.length * 100, documentType: 'receipt' };
  }
}

let recorder: RecordingRecorder;
beforeEach(() => {
  recorder = new RecordingRecorder();
});

/** Lets promise callbacks attached to already-settled promises run. */
const promiseJobs = () => new Promise((resolve) => setImmediate(resolve));

describe('@TrackUsage', () => {
  it("records the seed's example after the scan succeeds, with the result's metadata", async () => {
    const service = new OcrService(recorder);
    await expect(service.scanReceipt({ orgId: 'org_123', file: 'a.pdf' })).resolves.toEqual({ fileSize: 500, documentType: 'receipt' });
    await promiseJobs();
    expect(recorder.events).toEqual([{ organizationId: 'org_123', feature: 'OCR_SCAN', metadata: { fileSize: 500, documentType: 'receipt' } }]);
  });

  it('passes a rejection through unchanged and records nothing', async () => {
    const service = new OcrService(recorder);
    await expect(service.scanReceipt({ orgId: 'org_123', file: 'corrupt.pdf' })).rejects.toThrow('unreadable file');
    await promiseJobs();
    expect(recorder.events).toEqual([]);
    expect(recorder.errors).toEqual([]);
  });

  it('rejects with the very error the method rejected with', async () => {
    const failure = new Error('quota service down');
    class Classifier {
      @TrackUsage(UsageFeature.AI_CLASSIFICATION, { tracker: recorder, extractOrgId: () => 'org_1' })
      async classify(): Promise<string> {
        throw failure;
      }
    }
    await expect(new Classifier().classify()).rejects.toBe(failure);
    await promiseJobs();
    expect(recorder.events).toEqual([]);
  });

  it('returns the very promise the method returned, and records only once it resolves', async () => {
    let resolveScan: (value: number) => void = () => undefined;
    const pending = new Promise<number>((resolve) => {
      resolveScan = resolve;
    });
    class Slow {
      @TrackUsage(UsageFeature.AI_CLASSIFICATION, { tracker: recorder, extractOrgId: () => 'org_1', quantity: (pages: number) => pages })
      classify(): Promise<number> {
        return pending;
      }
    }
    const returned = new Slow().classify();
    expect(returned).toBe(pending);
    await promiseJobs();
    expect(recorder.events).toEqual([]);
    resolveScan(4);
    await expect(returned).resolves.toBe(4);
    await promiseJobs();
    expect(recorder.events).toEqual([{ organizationId: 'org_1', feature: 'AI_CLASSIFICATION', quantity: 4 }]);
  });

  it('rethrows the very error a synchronous method threw and records nothing', () => {
    const failure = new RangeError('bad page');
    class Exporter {
      @TrackUsage(UsageFeature.PDF_EXPORT, { tracker: recorder, extractOrgId: ([orgId]: [string]) => orgId })
      export(_orgId: string): string {
        throw failure;
      }
    }
    let caught: unknown;
    try {
      new Exporter().export('org_1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(failure);
    expect(recorder.events).toEqual([]);
  });

  it('records a synchronous method right after it returns, with this and the arguments intact', () => {
    class Mailer {
      readonly prefix = 'sent:';
      @TrackUsage(UsageFeature.EMAIL_SENT, {
        tracker: recorder,
        extractOrgId: ([orgId]: [string, string[]]) => orgId,
        quantity: (_result: string, [, recipients]) => recipients.length,
        extractUserId: (_args, self: Mailer) => (self.prefix === 'sent:' ? 'user_1' : undefined),
      })
      send(_orgId: string, recipients: string[]): string {
        return `${this.prefix}${recipients.join(',')}`;
      }
    }
    expect(new Mailer().send('org_9', ['a@x', 'b@x'])).toBe('sent:a@x,b@x');
    expect(recorder.events).toEqual([{ organizationId: 'org_9', feature: 'EMAIL_SENT', quantity: 2, userId: 'user_1' }]);
  });

  it('records nothing when extractOrgId returns undefined', async () => {
    const service = new OcrService(recorder);
    await service.scanReceipt({ orgId: undefined as unknown as string, file: 'a.pdf' });
    await promiseJobs();
    expect(recorder.events).toEqual([]);
  });

  it('swallows extractor errors, reports them to the tracker, and leaves the result alone', async () => {
    class Fragile {
      constructor(readonly usageTracker: UsageRecorder) {}
      @TrackUsage(UsageFeature.SMS_SENT, {
        extractOrgId: () => 'org_1',
        extractMetadata: () => {
          throw new Error('metadata exploded');
        },
      })
      async send(): Promise<string> {
        return 'delivered';
      }
    }
    await expect(new Fragile(recorder).send()).resolves.toBe('delivered');
    await promiseJobs();
    expect(recorder.events).toEqual([]);
    expect(recorder.errors).toEqual([expect.any(UsageExtractionError)]);
    expect(recorder.errors[0]).toMatchObject({ feature: 'SMS_SENT', extractor: 'send: extractMetadata' });
  });

  it('leaves the result alone even when the tracker itself throws', () => {
    const explosive: UsageRecorder = {
      track: () => {
        throw new Error('tracker broken');
      },
      reportError: () => {
        throw new Error('reporting broken');
      },
    };
    class Syncer {
      @TrackUsage(UsageFeature.BANK_SYNC, { tracker: explosive, extractOrgId: () => 'org_1' })
      sync(): number {
        return 7;
      }
    }
    expect(new Syncer().sync()).toBe(7);
  });

  it('prefers the tracker given in the options over the instance property', async () => {
    const instanceRecorder = new RecordingRecorder();
    class Reports {
      constructor(readonly usageTracker: UsageRecorder) {}
      @TrackUsage(UsageFeature.CUSTOM_REPORT, { tracker: recorder, extractOrgId: () => 'org_1' })
      build(): string {
        return 'report';
      }
    }
    new Reports(instanceRecorder).build();
    expect(recorder.events).toHaveLength(1);
    expect(instanceRecorder.events).toEqual([]);
  });

  it('warns once, clearly, when there is no tracker, and records nothing', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      class Orphan {
        @TrackUsage(UsageFeature.WEBHOOK, { extractOrgId: () => 'org_1' })
        deliver(): string {
          return 'ok';
        }
      }
      const orphan = new Orphan();
      expect(orphan.deliver()).toBe('ok');
      expect(orphan.deliver()).toBe('ok');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/@TrackUsage\(WEBHOOK\) on deliver: no tracker/);
    } finally {
      warn.mockRestore();
    }
  });

  it('works on static methods', () => {
    class Storage {
      static usageTracker: UsageRecorder;
      @TrackUsage(UsageFeature.STORAGE_GB, { extractOrgId: ([orgId]: [string, number]) => orgId, quantity: (_result: void, [, gb]) => gb })
      static report(_orgId: string, _gb: number): void {}
    }
    Storage.usageTracker = recorder;
    Storage.report('org_1', 12);
    expect(recorder.events).toEqual([{ organizationId: 'org_1', feature: 'STORAGE_GB', quantity: 12 }]);
  });
});

// Delivers buffered usage when the application shuts down. Nest calls
// onApplicationShutdown after the HTTP server has closed, so every request's
// usage is in the buffer by then; with app.enableShutdownHooks() that includes
// SIGTERM from an orchestrator. What cannot be delivered within the deadline
// goes to the tracker's onError, never silently lost.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { UsageTracker } from '@tally/sdk';
import { TALLY_MODULE_OPTIONS, type TallyModuleOptions } from './tally-options.js';

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

@Injectable()
export class UsageTrackerShutdown implements OnApplicationShutdown {
  constructor(
    private readonly tracker: UsageTracker,
    @Inject(TALLY_MODULE_OPTIONS) private readonly options: TallyModuleOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracker.shutdown({ deadlineMs: this.options.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS });
  }
}

// Lets @TrackUsage record for the request being handled: it runs the handler,
// and everything the handler calls, in the request's usage scope. It records
// nothing itself and changes nothing about the response, so using it twice
// (globally and with @UseInterceptors) is harmless.
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { UsageTracker } from '@tally/sdk';
import type { Observable } from 'rxjs';
import { organizationOfRequest } from './organization-of-request.js';
import { TALLY_MODULE_OPTIONS, type TallyModuleOptions } from './tally-options.js';
import { runInUsageScope } from './usage-request-scope.js';

@Injectable()
export class UsageTrackingInterceptor implements NestInterceptor {
  constructor(
    private readonly tracker: UsageTracker,
    @Inject(TALLY_MODULE_OPTIONS) private readonly options: TallyModuleOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const scope = { context, recorder: this.tracker, extractOrgId: this.options.extractOrgId ?? organizationOfRequest };
    // Nest binds the handler's call to the async context in which handle() is
    // called, so calling it inside the scope carries the scope into the handler.
    return runInUsageScope(scope, () => next.handle());
  }
}

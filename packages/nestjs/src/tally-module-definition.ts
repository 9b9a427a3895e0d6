// forRoot() and forRootAsync() for TallyModule, from Nest's own
// ConfigurableModuleBuilder, so the async form takes what Nest users expect
// (imports, inject: [ConfigService], useFactory, useClass, useExisting). The
// extras decide whether the module is global and whether every route runs in
// a usage scope; both default to yes.
import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TALLY_MODULE_OPTIONS, type TallyModuleExtras, type TallyModuleOptions } from './tally-options.js';
import { UsageTrackingInterceptor } from './usage-tracking.interceptor.js';

const defaultExtras: Required<TallyModuleExtras> = { isGlobal: true, globalInterceptor: true };

export const {
  ConfigurableModuleClass: ConfigurableTallyModule,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TallyModuleOptions>({ optionsInjectionToken: TALLY_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setExtras<TallyModuleExtras>(defaultExtras, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal ?? defaultExtras.isGlobal,
    providers: [
      ...(definition.providers ?? []),
      ...((extras.globalInterceptor ?? defaultExtras.globalInterceptor) ? [{ provide: APP_INTERCEPTOR, useClass: UsageTrackingInterceptor }] : []),
    ],
  }))
  .build();

/** What TallyModule.forRoot() takes: the module options and its extras. */
export type TallyModuleForRootOptions = typeof OPTIONS_TYPE;
/** What TallyModule.forRootAsync() takes. */
export type TallyModuleForRootAsyncOptions = typeof ASYNC_OPTIONS_TYPE;

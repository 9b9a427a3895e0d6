// The application's root module: configuration from the environment, Tally
// configured from it, and the product's own authentication for every route.
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { TallyModule } from '@tally/nestjs';
import { ApiController } from './api/api.controller.js';
import { HeaderAuthGuard } from './auth/header-auth.guard.js';
import { BillingController } from './billing/billing.controller.js';
import { DocumentsService } from './documents/documents.service.js';
import { FileStorage } from './documents/file-storage.js';
import { OcrEngine } from './ocr/ocr-engine.js';
import { OcrService } from './ocr/ocr.service.js';
import { ReceiptsController } from './ocr/receipts.controller.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    TallyModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        baseUrl: config.getOrThrow<string>('TALLY_URL'),
        apiKey: config.getOrThrow<string>('TALLY_API_KEY'),
        tracking: { flushIntervalMs: Number(config.get<string>('TALLY_FLUSH_INTERVAL_MS') ?? 1000) },
      }),
    }),
  ],
  controllers: [ReceiptsController, ApiController, BillingController],
  providers: [OcrEngine, OcrService, FileStorage, DocumentsService, { provide: APP_GUARD, useClass: HeaderAuthGuard }],
})
export class AppModule {}

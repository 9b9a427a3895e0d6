// Quick Start step 2 and use case 1 ("OCR receipt scanning"), as written
// there: @TrackUsage on the service's methods.
import { Injectable } from '@nestjs/common';
import { TrackUsage } from '@tally/nestjs';
import { UsageFeature } from '@tally/nestjs';
import { OcrEngine } from './ocr-engine.js';

export interface ScanReceiptDto {
  readonly file: string;
}

@Injectable()
export class OcrService {
  constructor(private readonly ocrEngine: OcrEngine) {}

  @TrackUsage(UsageFeature.OCR_SCAN, {
    extractOrgId: (ctx) => ctx.switchToHttp().getRequest().user.orgId,
    extractMetadata: (ctx, result) => ({
      fileSize: result.fileSize,
      documentType: result.documentType,
    }),
  })
  async scanReceipt(dto: ScanReceiptDto) {
    // Your OCR logic here
    return await this.performOcr(dto);
  }

  // Use case 1 passes orgId but bills through the request's organization, the decorator's default.
  @TrackUsage(UsageFeature.OCR_SCAN)
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the signature of use case 1, kept as written
  async scanUploadedReceipt(file: Express.Multer.File, orgId: string) {
    const result = await this.ocrEngine.process(file);
    return result;
  }

  private async performOcr(dto: ScanReceiptDto) {
    return this.ocrEngine.process({ originalname: dto.file, size: dto.file.length * 1000 });
  }
}

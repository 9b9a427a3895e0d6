// Stands in for the product's OCR: it reads a receipt, or refuses a corrupt one.
import { Injectable, UnprocessableEntityException } from '@nestjs/common';

export interface OcrResult {
  readonly fileSize: number;
  readonly documentType: string;
}

@Injectable()
export class OcrEngine {
  async process(file: { originalname: string; size: number }): Promise<OcrResult> {
    await new Promise((resolve) => setImmediate(resolve));
    if (file.originalname.startsWith('corrupt')) throw new UnprocessableEntityException('unreadable file');
    return { fileSize: file.size, documentType: 'receipt' };
  }
}

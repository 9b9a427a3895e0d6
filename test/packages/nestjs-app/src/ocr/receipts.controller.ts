// Receipts arrive as a file name (Quick Start) or as an upload (use cases 1 and 3).
import { Body, Controller, Post, Req, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { AuthenticatedRequest } from '../auth/authenticated-request.js';
import { DocumentsService } from '../documents/documents.service.js';
import { OcrService, type ScanReceiptDto } from './ocr.service.js';

@Controller('receipts')
export class ReceiptsController {
  constructor(
    private readonly ocrService: OcrService,
    private readonly documentsService: DocumentsService,
  ) {}

  @Post('scan')
  scan(@Body() dto: ScanReceiptDto) {
    return this.ocrService.scanReceipt(dto);
  }

  @Post('upload')
  @UseInterceptors(FileInterceptor('file'))
  async upload(@UploadedFile() file: Express.Multer.File, @Req() req: AuthenticatedRequest) {
    await this.documentsService.uploadFile(file, req.user.orgId);
    return this.ocrService.scanUploadedReceipt(file, req.user.orgId);
  }
}

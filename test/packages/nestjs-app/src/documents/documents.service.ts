// Use case 3 ("storage-based billing"), as written there: the organization's
// total storage, tracked with UsageMeteringService after each upload.
import { Injectable } from '@nestjs/common';
import { UsageFeature, UsageMeteringService } from '@tally/nestjs';
import { FileStorage } from './file-storage.js';

@Injectable()
export class DocumentsService {
  constructor(
    private readonly storageService: FileStorage,
    private readonly usageService: UsageMeteringService,
  ) {}

  async uploadFile(file: Express.Multer.File, orgId: string) {
    await this.storageService.upload(file, orgId);

    // Track storage usage in GB
    const totalSizeGB = (await this.storageService.getTotalSize(orgId)) / 1024 ** 3;

    await this.usageService.trackUsage({
      organizationId: orgId,
      feature: UsageFeature.STORAGE_GB,
      quantity: Math.ceil(totalSizeGB),
    });
  }
}

// Stands in for the product's file storage: it remembers how much each organization stores.
import { Injectable } from '@nestjs/common';

@Injectable()
export class FileStorage {
  private readonly bytesByOrganization = new Map<string, number>();

  async upload(file: Express.Multer.File, orgId: string): Promise<void> {
    this.bytesByOrganization.set(orgId, (this.bytesByOrganization.get(orgId) ?? 0) + file.size);
  }

  async getTotalSize(orgId: string): Promise<number> {
    return this.bytesByOrganization.get(orgId) ?? 0;
  }
}

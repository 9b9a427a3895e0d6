// The read-model server (FerretDB here, MongoDB in production) does what the
// projections rely on: upserts with $inc and $max, and unique indexes.
import { randomUUID } from 'node:crypto';
import { MongoServerError } from 'mongodb';
import { connectMongo, type MongoConnection } from '../../src/read-side/mongo/mongo-connection';
import { stackSettings } from '../support/stack-settings';

describe('the MongoDB-wire read-model server', () => {
  let mongo: MongoConnection;
  const databaseName = `tally_stack_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    mongo = await connectMongo(stackSettings().mongodbUrl, databaseName);
  });

  afterAll(async () => {
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it('stores and finds a document', async () => {
    const usage = mongo.db.collection('usage');
    await usage.insertOne({ _id: 'org_1:OCR_SCAN' as never, totalQuantity: 1 });
    expect(await usage.findOne({ _id: 'org_1:OCR_SCAN' as never })).toEqual({
      _id: 'org_1:OCR_SCAN',
      totalQuantity: 1,
    });
  });

  it('increments a counter and keeps a peak with $inc and $max', async () => {
    const usage = mongo.db.collection('usage');
    await usage.updateOne(
      { _id: 'org_1:STORAGE_GB' as never },
      { $inc: { events: 1 }, $max: { peakQuantity: 7 } },
      { upsert: true },
    );
    await usage.updateOne(
      { _id: 'org_1:STORAGE_GB' as never },
      { $inc: { events: 2 }, $max: { peakQuantity: 3 } },
    );
    expect(await usage.findOne({ _id: 'org_1:STORAGE_GB' as never })).toEqual({
      _id: 'org_1:STORAGE_GB',
      events: 3,
      peakQuantity: 7,
    });
  });

  it('rejects a duplicate under a unique index', async () => {
    const keys = mongo.db.collection('idempotency_keys');
    await keys.createIndex({ organizationId: 1, key: 1 }, { unique: true });
    await keys.insertOne({ organizationId: 'org_1', key: 'evt-1' });
    await expect(keys.insertOne({ organizationId: 'org_1', key: 'evt-1' })).rejects.toThrow(MongoServerError);
    expect(await keys.countDocuments({ organizationId: 'org_1' })).toBe(1);
  });
});

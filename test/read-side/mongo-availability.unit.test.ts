// The read side reports an unreachable MongoDB through its port's error, so the
// HTTP layer answers 503 without knowing the driver.
import { MongoNetworkError, MongoNotConnectedError } from 'mongodb';
import { ReadModelsUnavailableError } from '../../src/application/ports/usage-read-models';
import { whileReachable } from '../../src/read-side/mongo/mongo-availability';

describe('reads while MongoDB is unreachable', () => {
  it('fail with ReadModelsUnavailableError, keeping the driver error as the cause', async () => {
    const refused = new MongoNetworkError('connection refused');
    const failure = whileReachable(() => Promise.reject(refused));
    await expect(failure).rejects.toBeInstanceOf(ReadModelsUnavailableError);
    await expect(failure).rejects.toMatchObject({ cause: refused });
    await expect(whileReachable(() => Promise.reject(new MongoNotConnectedError('client is not connected')))).rejects.toBeInstanceOf(ReadModelsUnavailableError);
  });

  it('pass other errors and answers through unchanged', async () => {
    const bug = new TypeError('not a function');
    await expect(whileReachable(() => Promise.reject(bug))).rejects.toBe(bug);
    await expect(whileReachable(() => Promise.resolve(42))).resolves.toBe(42);
  });
});

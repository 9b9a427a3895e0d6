// Event ids are UUID strings in the port and 16-byte blobs in the SQLite file:
// half the bytes of the text form in both the events table and its unique
// index, which measurably speeds up bulk appends.

const UUID_BYTES = 16;

/** Bytes of a UUID string already checked to be a UUID (see append-validation.ts). */
export function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

/** Canonical lowercase UUID string of 16 bytes. */
export function bytesToUuid(bytes: Uint8Array): string {
  if (bytes.length !== UUID_BYTES) throw new Error(`an event id has ${UUID_BYTES} bytes, got ${bytes.length}`);
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

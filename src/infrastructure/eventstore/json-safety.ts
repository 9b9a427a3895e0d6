// Guards the event log against values that JSON would silently change: the log
// is the audit trail, so what is read back must equal what was appended.
// Both adapters store event data and metadata as JSON.
import { EventDataNotJsonSafeError } from '../../application/ports/event-store';

// Deeper than any billing event; beyond it a structure is almost surely a cycle
// or a mistake, and recursion would risk the stack.
const MAX_DEPTH = 64;

/**
 * Throws EventDataNotJsonSafeError unless `value` is a plain object made of
 * plain objects, arrays, strings, finite numbers, booleans and null.
 * Object properties that are `undefined` are allowed: JSON drops them, which
 * reads back as the same optional field being absent.
 */
export function assertJsonSafeRecord(eventType: string, label: string, value: unknown): void {
  if (!isPlainObject(value)) {
    throw new EventDataNotJsonSafeError(eventType, label, `expected a plain object, got ${describe(value)}`);
  }
  checkObject(eventType, label, value, 0);
}

function checkValue(eventType: string, path: string, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new EventDataNotJsonSafeError(eventType, path, `${value} becomes null in JSON`);
      }
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        checkArray(eventType, path, value, depth + 1);
        return;
      }
      if (isPlainObject(value)) {
        checkObject(eventType, path, value, depth + 1);
        return;
      }
      throw new EventDataNotJsonSafeError(eventType, path, `${describe(value)} does not round-trip through JSON`);
    default:
      // undefined (in arrays), bigint, function, symbol
      throw new EventDataNotJsonSafeError(eventType, path, `${describe(value)} cannot be stored as JSON`);
  }
}

function checkObject(eventType: string, path: string, value: Record<string, unknown>, depth: number): void {
  guardDepth(eventType, path, depth);
  for (const key in value) {
    const property = value[key];
    if (property === undefined) continue;
    checkValue(eventType, `${path}.${key}`, property, depth);
  }
}

function checkArray(eventType: string, path: string, value: readonly unknown[], depth: number): void {
  guardDepth(eventType, path, depth);
  for (let index = 0; index < value.length; index++) {
    checkValue(eventType, `${path}[${index}]`, value[index], depth);
  }
}

function guardDepth(eventType: string, path: string, depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new EventDataNotJsonSafeError(eventType, path, `nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof constructorName === 'string' ? `a ${constructorName}` : 'an object';
  }
  return typeof value === 'bigint' ? 'a bigint' : `a ${typeof value}`;
}

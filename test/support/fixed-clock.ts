// A clock and an id generator that tests control.
import type { Clock, IdGenerator } from '../../src/application/ports/clock';

export class FixedClock implements Clock {
  constructor(private instant: Date = new Date('2026-11-15T12:00:00Z')) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(instant: Date | string): void {
    this.instant = new Date(instant);
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

export class SequentialIds implements IdGenerator {
  private next = 0;
  constructor(private readonly prefix = 'id') {}
  newId(): string {
    this.next += 1;
    return `${this.prefix}${String(this.next).padStart(6, '0')}`;
  }
}

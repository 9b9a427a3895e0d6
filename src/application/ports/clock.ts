// Time and ids are inputs: handlers receive them through these ports, so tests
// fix them and the domain never reads a clock or a random source.
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

export const systemClock: Clock = { now: () => new Date() };

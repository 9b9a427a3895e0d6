// Checks on option values, run while the command line is read: a value that can
// never work stops the command with one line naming the option and the value,
// before any store or service is opened. Instants follow the API's rule.
import { parseInstant } from '../domain/usage-validation';

type OptionValueParser<T> = (value: string) => T;

/** An instant such as `--as-of 2026-11-15T12:00:00Z`; kept as given, the command parses it again. */
export function instantValue(flag: string): OptionValueParser<string> {
  return (value) => {
    try {
      parseInstant(value, flag);
    } catch {
      throw new Error(`${flag} must be an ISO-8601 instant with a zone, e.g. 2026-11-15T12:00:00Z; got ${JSON.stringify(value)}`);
    }
    return value;
  };
}

export function positiveIntegerValue(flag: string): OptionValueParser<number> {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

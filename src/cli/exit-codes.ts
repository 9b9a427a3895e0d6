// The exit statuses of `tally`, as the README documents them for scripts.
export const exitCodes = {
  ok: 0,
  /** `tally audit` found a difference between the event log and what was billed or reported. */
  differencesFound: 1,
  /** Anything that stopped the command: a wrong command line, an unreachable service, bad input. */
  error: 2,
  /** A missing or invalid setting (sysexits' EX_CONFIG). */
  configurationError: 78,
} as const;

// A command line `tally` cannot run is answered with exit status 2 and one line
// on stderr naming what is wrong, so a script can tell it from exit status 1,
// an audit that found differences. Help asked for still exits 0; a bad setting
// still exits 78.
import { tally } from '../support/cli';

const usageErrors: Array<[string, string[], RegExp]> = [
  ['audit without --period', ['audit', '--org', 'org_demo'], /--period/],
  ['audit without any option', ['audit'], /--org/],
  ['an option without its value', ['audit', '--org', 'org_demo', '--period'], /--period/],
  ['an unknown option', ['audit', '--org', 'org_demo', '--period', '2026-11', '--jsn'], /--jsn/],
  ['an unknown command', ['audti', '--org', 'org_demo'], /audti/],
  ['an argument outside its choices', ['jobs', 'invoice-everyone'], /invoice-everyone/],
  ['a value its parser refuses', ['replay', '--batch-size', '0'], /--batch-size/],
  ['an argument too many', ['export', '--org', 'org_demo', 'extra'], /too many arguments/],
  ['usage without --as-of', ['usage', '--org', 'org_demo'], /--as-of/],
  ['no command at all', [], /command/],
  ['an unknown option and no command', ['--verbose'], /command|--verbose/],
  ['help for an unknown command', ['help', 'audti'], /command/],
];

describe('a command line tally cannot run', () => {
  it.each(usageErrors)('%s: exits 2 with one line on stderr', (_case, args, names) => {
    const result = tally(args, {});
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tally/);
    expect(lines[0]).toMatch(names);
  }, 60_000);
});

describe('what is not a usage error keeps its own exit status', () => {
  it('help asked for goes to stdout and exits 0', () => {
    const result = tally(['audit', '--help'], {});
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('--period <yyyy-mm>');
  }, 60_000);

  it('a bad setting exits 78 with one line naming the variable', () => {
    const result = tally(['audit', '--org', 'org_demo', '--period', '2026-11'], { MONGODB_URL: 'postgres://127.0.0.1' });
    expect(result.status).toBe(78);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tally: invalid configuration: MONGODB_URL/);
  }, 60_000);
});

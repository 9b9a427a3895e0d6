// The operator commands' settings file: it fills only what the environment does
// not set, `.data/tally.env` in the current folder is read when it exists,
// TALLY_ENV_FILE names another or (empty) none, and a named file that is
// missing is a configuration error rather than a silent fallback.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applySettingsFile } from '../../src/cli/settings-file';
import { ConfigurationError } from '../../src/infrastructure/config/environment';

describe('the settings file of the operator commands', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tally-settings-'));
  mkdirSync(join(folder, '.data'));
  writeFileSync(join(folder, '.data', 'tally.env'), '# written by make demo\nMONGODB_DATABASE="tally_demo"\nMONGODB_URL=mongodb://127.0.0.1:37017\n');
  writeFileSync(join(folder, 'other.env'), 'MONGODB_DATABASE=tally_other\n');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads .data/tally.env in the current folder, and the environment wins', () => {
    const env: NodeJS.ProcessEnv = { MONGODB_URL: 'mongodb://db.internal:27017' };
    expect(applySettingsFile(env, folder)).toBe('.data/tally.env');
    expect(env).toEqual({ MONGODB_URL: 'mongodb://db.internal:27017', MONGODB_DATABASE: 'tally_demo' });
  });

  it('reads nothing when there is no file and none is named', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(applySettingsFile(env, join(folder, '.data'))).toBeUndefined();
    expect(env).toEqual({});
  });

  it('reads the file TALLY_ENV_FILE names instead', () => {
    const env: NodeJS.ProcessEnv = { TALLY_ENV_FILE: 'other.env' };
    expect(applySettingsFile(env, folder)).toBe('other.env');
    expect(env.MONGODB_DATABASE).toBe('tally_other');
    expect(env.MONGODB_URL).toBeUndefined();
  });

  it('reads none when TALLY_ENV_FILE is empty', () => {
    const env: NodeJS.ProcessEnv = { TALLY_ENV_FILE: '' };
    expect(applySettingsFile(env, folder)).toBeUndefined();
    expect(env).toEqual({ TALLY_ENV_FILE: '' });
  });

  it('refuses a named file that does not exist', () => {
    expect(() => applySettingsFile({ TALLY_ENV_FILE: 'missing.env' }, folder)).toThrow(ConfigurationError);
    expect(() => applySettingsFile({ TALLY_ENV_FILE: 'missing.env' }, folder)).toThrow('TALLY_ENV_FILE: missing.env does not exist');
  });
});

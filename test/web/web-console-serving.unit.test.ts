// How `tally serve` serves the built web console: hashed assets cached for a
// year, index.html revalidated and locked down by a content security policy,
// files compressed, anything else left to the API exactly as before, and a
// missing build answered with how to make one instead of breaking anything.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { webConsole } from '../../src/infrastructure/http/web-console';

const ASSET = '/assets/index-Bwl2_xyL.js';

/** The console in front of a stand-in for the API's not-found answer, as create-app mounts it. */
function appServing(directory: string) {
  const app = express();
  app.use(webConsole(directory));
  app.use((req, res) => {
    res.status(404).type('application/problem+json').send(JSON.stringify({ status: 404, detail: `There is no route ${req.method} ${req.path}.` }));
  });
  return app;
}

describe('the web console served by tally serve', () => {
  let built: string;

  beforeAll(() => {
    built = mkdtempSync(join(tmpdir(), 'tally-web-console-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), `<!doctype html><title>Tally console</title><script type="module" src="${ASSET}"></script>`);
    // Large and repetitive, as a real bundle is: worth compressing.
    writeFileSync(join(built, ASSET), 'export const usage = 1;\n'.repeat(2_000));
    writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });

  afterAll(() => rmSync(built, { recursive: true, force: true }));

  it('answers / with index.html, revalidated on every load and limited to its own origin', async () => {
    const answer = await request(appServing(built)).get('/');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['referrer-policy']).toBe('no-referrer');
    expect(answer.text).toContain(ASSET);
  });

  it('caches hashed assets for a year without revalidation, and compresses them', async () => {
    const answer = await request(appServing(built)).get(ASSET).set('Accept-Encoding', 'gzip');
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.text).toContain('export const usage = 1;');
  });

  it('revalidates files whose names carry no hash', async () => {
    const answer = await request(appServing(built)).get('/favicon.svg');
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-cache');
  });

  it('leaves every other path, and every other method, to the API untouched', async () => {
    const app = appServing(built);
    for (const [method, path] of [
      ['get', '/nowhere'],
      ['get', '/assets/index-missing0.js'],
      ['get', '/assets'],
      ['post', '/'],
      ['delete', ASSET],
    ] as const) {
      const answer = await request(app)[method](path).set('Accept-Encoding', 'gzip');
      expect([method, path, answer.status, answer.headers['content-type']]).toEqual([method, path, 404, 'application/problem+json; charset=utf-8']);
      expect([path, answer.headers.vary, answer.headers['content-encoding']]).toEqual([path, undefined, undefined]);
    }
  });

  it('says how to build the console when it is not built, and the API still answers', async () => {
    const app = appServing(join(built, 'not-built'));
    const home = await request(app).get('/');
    expect(home.status).toBe(404);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.text).toContain('npm run build');
    const api = await request(app).get('/api/usage/org_123');
    expect([api.status, api.headers['content-type']]).toEqual([404, 'application/problem+json; charset=utf-8']);
  });
});

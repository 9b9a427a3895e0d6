// The web console, served by `tally serve` at `/` from its built folder
// (web/dist, built by `npm run build`). Vite names every asset by a hash of its
// content, so assets are cached for a year and never revalidated; index.html,
// which names the current assets, is revalidated on every load. Only requests
// no API route answered get here, and a path that is not a console file falls
// through to the API's 404, so the API answers exactly as without a console.
// Without a build, `/` says how to make one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compression from 'compression';
import express, { Router, type Request, type Response } from 'express';

export const WEB_CONSOLE_DIRECTORY = join(__dirname, '..', '..', '..', 'web', 'dist');

const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

// The console's own files only: no inline script or style, and the key it holds never leaves for another origin.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tally console not built</title></head>
<body><h1>The Tally console is not built</h1>
<p>Build it with <code>npm run build</code> (or only the console with <code>npm run build:web</code>); this server serves it from then on.
The API works without it: see <a href="/openapi.json">/openapi.json</a>.</p></body></html>
`;

function setConsoleHeaders(res: Response, path: string): void {
  res.locals.servedFromWebConsole = true;
  // One metrics label for every console file, however many hashed names there are.
  res.locals.routeTemplate = '/ (web console)';
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (HASHED_ASSET.test(path)) {
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    return;
  }
  res.setHeader('Cache-Control', 'no-cache');
  if (path.endsWith('.html')) {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Referrer-Policy', 'no-referrer');
  }
}

export function webConsole(directory: string = WEB_CONSOLE_DIRECTORY): Router {
  const router = Router();
  // Compress console files only, so API answers keep exactly their headers.
  router.use(compression({ filter: (req: Request, res: Response) => res.locals.servedFromWebConsole === true && compression.filter(req, res) }));
  router.use(express.static(directory, { index: 'index.html', redirect: false, dotfiles: 'ignore', cacheControl: false, setHeaders: setConsoleHeaders }));
  router.get('/', (_req, res, next) => {
    if (existsSync(join(directory, 'index.html'))) return next();
    res.status(404).type('html').setHeader('Cache-Control', 'no-store').send(NOT_BUILT_PAGE);
  });
  return router;
}

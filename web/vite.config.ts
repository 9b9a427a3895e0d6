// Builds the console into web/dist: index.html plus content-hashed files under
// assets/, which `tally serve` may cache forever because a change renames them.
import { defineConfig } from 'vite';

export default defineConfig({
  // JSX compiles to Preact's automatic runtime; no framework plugin is needed for a production build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    // The whole console is small enough for one entry chunk; charts load with the pages that draw them.
    chunkSizeWarningLimit: 400,
  },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:3000', '/openapi.json': 'http://127.0.0.1:3000', '/readyz': 'http://127.0.0.1:3000' } },
});

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

/** Prints what a browser downloads for each page, raw and gzipped (the API serves it gzipped). */
const sizes = (): Plugin => ({
  name: 'intake-sizes',
  writeBundle(_options, bundle) {
    const totals = new Map<string, { raw: number; gzip: number }>();
    for (const file of Object.values(bundle)) {
      const bytes = Buffer.from(file.type === 'chunk' ? file.code : file.source);
      const page = file.fileName.includes('docs') || file.fileName.includes('openapi') ? 'docs' : 'console';
      const total = totals.get(page) ?? { raw: 0, gzip: 0 };
      totals.set(page, { raw: total.raw + bytes.length, gzip: total.gzip + gzipSync(bytes).length });
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    for (const [page, { raw, gzip }] of totals) {
      const what = page === 'docs' ? 'docs (Swagger UI + openapi.json)' : 'console';
      console.log(`${what}: ${kb(raw)}, ${kb(gzip)} gzipped`);
    }
  },
});

/**
 * The web console and the API reference, built into console/dist. The API function serves that
 * folder itself (functions/api/static-files.ts): /console is index.html, /docs is docs.html, and
 * every asset lives under /console/assets/ with a content hash in its name.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [preact(), sizes()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The OpenAPI document is emitted as a file of its own, not inlined.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        docs: fileURLToPath(new URL('docs.html', import.meta.url)),
      },
    },
  },
});

import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { precompressed, vendorServiceWorker } from './vite-vendor-sw.ts';

/**
 * The vendors' phone app (`/vendeur/`), built after the dashboard into the same `dist/`. Its
 * reopen offline must be usable within a second on a slow phone, and what it costs is start-up
 * (compiling and running the JavaScript), not data. So:
 * - Preact (`preact/compat`) stands in for React here only: the same components, a tenth of
 *   react-dom's code to compile and run;
 * - ONE classic script (IIFE, no ES modules) and one CSS file. Chrome compiles a classic script
 *   that a service worker stores during its install and keeps the code with it (V8's code cache),
 *   so every later opening starts without compiling; it does nothing of the kind for module
 *   scripts, which were compiled again on each opening.
 */
export default defineConfig({
  plugins: [react(), tailwindcss(), vendorServiceWorker(), classicScript(), precompressed()],
  resolve: {
    alias: [
      { find: /^react$/, replacement: 'preact/compat' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    cssCodeSplit: false,
    modulePreload: false,
    rollupOptions: {
      input: { vendeur: fileURLToPath(new URL('vendeur/index.html', import.meta.url)) },
      output: { format: 'iife' },
    },
  },
});

/** The page loads the bundle as a classic deferred script (Vite writes `type="module"`). */
function classicScript(): Plugin {
  return {
    name: 'gapal-vendor-classic-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        const classic = html.replace(/<script type="module" crossorigin src=/g, '<script defer src=');
        if (classic === html) throw new Error('vendor entry script not found in vendeur/index.html');
        return classic;
      },
    },
  };
}

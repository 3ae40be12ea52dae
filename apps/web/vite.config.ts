import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompressed } from './vite-vendor-sw.ts';

/**
 * The managers' dashboard. The vendors' phone app (`/vendeur/`) is built apart, into the same
 * `dist/`, by `vite.vendor.config.ts` (`npm run build` runs both): it shares source files with the
 * dashboard but no output file.
 */
export default defineConfig({
  plugins: [react(), tailwindcss(), precompressed()],
  server: { proxy: { '/api': 'http://localhost:3000' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      input: { main: fileURLToPath(new URL('index.html', import.meta.url)) },
    },
  },
});

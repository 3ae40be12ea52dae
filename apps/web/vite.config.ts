import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { vendorServiceWorker } from './vite-vendor-sw.ts';

export default defineConfig({
  plugins: [react(), tailwindcss(), vendorServiceWorker()],
  server: { proxy: { '/api': 'http://localhost:3000' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      // The dashboard and the vendors' phone app (`/vendeur/`) share code but not their shells.
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        vendeur: fileURLToPath(new URL('vendeur/index.html', import.meta.url)),
      },
    },
  },
});

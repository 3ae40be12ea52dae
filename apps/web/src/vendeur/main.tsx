import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import fr from 'zod/v4/locales/fr.js';
import { VendorApp } from './app.tsx';
import { registerServiceWorker } from './pwa.ts';
import '../index.css';

z.config(fr());
// The server's CSP has no 'unsafe-eval': zod must not probe `new Function`.
z.config({ jitless: true });

registerServiceWorker();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <VendorApp />
    </StrictMode>,
  );
}

import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import fr from 'zod/v4/locales/fr.js';
import { App } from './app.tsx';
import { getLocale } from './lib/i18n.ts';
import { queryClient } from './lib/query-client.ts';
import './index.css';

// Client-side checks with the shared schemas speak French, like the server's own messages.
z.config(fr());
// The server's CSP has no 'unsafe-eval': zod must not probe `new Function` (a CSP violation).
z.config({ jitless: true });
document.documentElement.lang = getLocale();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}

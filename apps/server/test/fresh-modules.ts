import { vi } from 'vitest';

// The server's test files share worker processes (`isolate: false` in vitest.config.ts), which
// keeps what is costly to load (Fastify, PGlite's compiled WebAssembly, the drivers) loaded from
// one file to the next. Our own modules start afresh for each file, as in a process of its own:
// no module state (caches, counters, settings) carries over from the file before.
vi.resetModules();

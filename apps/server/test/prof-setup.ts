import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { afterAll, expect } from 'vitest';

const g = globalThis as any;
if (!g.__profSession) {
  g.__profSession = new Session();
  g.__profSession.connect();
  await g.__profSession.post('Profiler.enable');
  await g.__profSession.post('Profiler.setSamplingInterval', { interval: 1000 });
}
await g.__profSession.post('Profiler.start');
const cpu0 = process.cpuUsage();
const file = expect.getState().testPath ?? 'x';
afterAll(async () => {
  const { profile } = await g.__profSession.post('Profiler.stop');
  const c = process.cpuUsage(cpu0);
  const name = (globalThis as any).__vitest_worker__?.filepath ?? String(Math.random());
  writeFileSync(`/tmp/prof3/${name.replace(/\W+/g, '_')}.cpuprofile`, JSON.stringify(profile));
  writeFileSync(
    `/tmp/prof3/${name.replace(/\W+/g, '_')}.cpu`,
    JSON.stringify({ name, user: c.user / 1e6, sys: c.system / 1e6 }),
  );
});

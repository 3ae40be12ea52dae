import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, openApiTypes } from './openapi-document.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const USAGE = `usage:
  npm run lint:openapi            lint the document with Redocly (redocly.yaml at the root)
  npm run openapi -- json FILE    write the document
  npm run openapi -- types FILE   write TypeScript types for it (openapi-typescript)`;

async function main([command, file]: string[]): Promise<number> {
  if (command === 'lint') {
    const dir = mkdtempSync(path.join(tmpdir(), 'gapal-openapi-'));
    try {
      const documentFile = path.join(dir, 'openapi.json');
      writeFileSync(documentFile, JSON.stringify(await buildOpenApiDocument(), null, 2));
      const redocly = path.join(ROOT, 'node_modules', '.bin', 'redocly');
      const config = path.join(ROOT, 'redocly.yaml');
      const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
      const run = spawnSync(redocly, ['lint', documentFile, '--config', config], { stdio: 'inherit', env });
      return run.status ?? 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if ((command === 'json' || command === 'types') && file) {
    const document = await buildOpenApiDocument();
    // npm runs the script at the root: resolve FILE against where the user typed it.
    const target = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
    const text = command === 'json' ? `${JSON.stringify(document, null, 2)}\n` : await openApiTypes(document);
    writeFileSync(target, text);
    console.log(`Written: ${target}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { csv, person } from './support/population.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'openmes-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as an operator runs it, on an embedded database in a temp dir (the engine is not what is tested here). */
async function openmes(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENMES_DATA_DIR: join(dir, 'data'), OPENMES_MODE: 'development' };
  delete env.DATABASE_URL;
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
}

// Each command is a process that migrates an embedded database first: slow on a loaded machine.
describe('openmes import population', { timeout: 240_000 }, () => {
  it('imports a file, prints counts only, and says when a file was already imported', async () => {
    const rows = [person(1, { email: 'a@example.org' }), person(2), { ...person(3), birthName: '' }];
    const file = join(dir, 'pop.txt');
    writeFileSync(file, `${csv(rows).join('\n')}\n`);
    const report = join(dir, 'rejects.ndjson');
    const first = await openmes('import', 'population', file, '--format', 'csv', '--report', report, '--batch', '2');
    expect(first.stdout).toMatch(/^created 2, existing 0, rejected 1, lines 4, \d+ rows\/s\n$/);
    expect(first.stderr).toContain(`rejected lines reported in ${report}`);
    for (const out of [first.stdout, first.stderr]) {
      expect(out).not.toContain('DUPONT');
      expect(out).not.toContain(person(1).ins);
    }
    expect(readFileSync(report, 'utf8')).toContain('"line":4');
    const again = await openmes('import', 'population', file, '--format', 'csv', '--report', report);
    expect(again.stdout).toMatch(/^already imported .*nothing changed; created 2, existing 0, rejected 1, lines 4\n$/);
  });

  it('explains its usage and refuses a file whose format it cannot tell', async () => {
    await expect(openmes('import', 'people')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: openmes import population FILE') });
    const file = join(dir, 'pop.txt');
    await expect(openmes('import', 'population', file)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--format ndjson|csv') });
  });
});

/**
 * Copies the DSFR static assets (CSS, fonts, icons, favicons) from
 * node_modules/@codegouvfr/react-dsfr/dsfr to web/public/dsfr, like the library's
 * `copy-dsfr-to-public` script does for Vite projects, but:
 *   - without rewriting index.html and without patching node_modules
 *     (the library's `only-include-used-icons` edits files inside node_modules);
 *   - copying exactly the files referenced by dsfr.min.css and icons.min.css.
 *
 * Called from web/vite.config.ts (`config` hook), so `vite build` / `vite` need no
 * pre-hook. Can also be run by hand: `npx tsx web/scripts/copy-dsfr.ts`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CSS_ENTRIES = ['dsfr.min.css', join('utility', 'icons', 'icons.min.css')];
const EXTRA_DIRS = ['favicon'];

export function reactDsfrPackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@codegouvfr/react-dsfr/package.json'));
}

/** "<react-dsfr version>+dsfr.<@gouvfr/dsfr version>", used for cache busting and up-to-date checks. */
export function dsfrAssetsVersion(packageDir = reactDsfrPackageDir()): string {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
    devDependencies?: Record<string, string>;
  };
  return `${pkg.version}+dsfr.${pkg.devDependencies?.['@gouvfr/dsfr'] ?? 'unknown'}`;
}

/** Relative paths (from the dsfr dist dir) of the files a CSS file references with url(). */
export function cssReferencedFiles(css: string, cssRelativePath: string): string[] {
  const found = new Set<string>();
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
    const ref = match[2]?.split(/[?#]/)[0];
    if (!ref || ref.startsWith('data:') || /^[a-z]+:/i.test(ref) || ref.startsWith('/')) continue;
    const target = normalize(join(dirname(cssRelativePath), ref));
    if (!target.startsWith(`..${sep}`)) found.add(target);
  }
  return [...found];
}

function copyFile(srcRoot: string, destRoot: string, rel: string): void {
  const dest = join(destRoot, rel);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(join(srcRoot, rel), dest);
}

/** Copies the assets into `<publicDir>/dsfr` unless already up to date. Returns the destination. */
export function copyDsfrToPublic(publicDir: string, options: { force?: boolean; log?: (m: string) => void } = {}): string {
  const packageDir = reactDsfrPackageDir();
  const srcRoot = join(packageDir, 'dsfr');
  const destRoot = join(publicDir, 'dsfr');
  const version = dsfrAssetsVersion(packageDir);
  const versionFile = join(destRoot, 'version.txt');

  if (!options.force && existsSync(versionFile) && readFileSync(versionFile, 'utf8') === version) {
    return destRoot;
  }
  rmSync(destRoot, { recursive: true, force: true });
  mkdirSync(destRoot, { recursive: true });

  let count = 0;
  for (const cssRel of CSS_ENTRIES) {
    copyFile(srcRoot, destRoot, cssRel);
    count++;
    const css = readFileSync(join(srcRoot, cssRel), 'utf8');
    for (const rel of cssReferencedFiles(css, cssRel)) {
      if (!existsSync(join(srcRoot, rel))) continue;
      copyFile(srcRoot, destRoot, rel);
      count++;
    }
  }
  for (const dir of EXTRA_DIRS) {
    for (const name of readdirSync(join(srcRoot, dir))) {
      copyFile(srcRoot, destRoot, join(dir, name));
      count++;
    }
  }
  // Generated content: never commit it.
  writeFileSync(join(destRoot, '.gitignore'), '*\n');
  writeFileSync(versionFile, version);
  options.log?.(`DSFR ${version}: ${count} files copied to ${relative(process.cwd(), destRoot) || destRoot}`);
  return destRoot;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  copyDsfrToPublic(join(webDir, 'public'), { force: process.argv.includes('--force'), log: console.log });
}

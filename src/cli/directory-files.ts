import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DirectorySource } from '../services/import-professionals.ts';
import { readLines, sha256OfFile } from './population-files.ts';

/**
 * The directory extract as a lazily read source of lines. Recent extracts are UTF-8, older ones
 * Latin-1 (DOMAIN.md): the first MiB decides — bytes that are not valid UTF-8 mean Latin-1.
 */
export async function openDirectoryFile(path: string): Promise<DirectorySource> {
  const sha256 = await sha256OfFile(path);
  const encoding = await guessEncoding(path);
  return { name: basename(path), sha256, lines: readLines(path, encoding) };
}

async function guessEncoding(path: string): Promise<'utf8' | 'latin1'> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    // stream: true — a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, bytesRead), { stream: true });
    return 'utf8';
  } catch {
    return 'latin1';
  } finally {
    await file.close();
  }
}

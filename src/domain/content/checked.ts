import { Buffer } from 'node:buffer';
import type { ValidationIssue } from '../validation-issue.ts';

/** Outcome of one format check: the format's details, or why the bytes are refused. */
export type Checked<D> = { ok: true; details: D } | { ok: false; issues: ValidationIssue[] };

/** A Buffer view on the same memory (no copy), for native indexOf / toString / isUtf8. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

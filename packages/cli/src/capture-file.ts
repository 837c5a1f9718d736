/**
 * The `capture.json` of a recorded capture: found next to the trace files (a directory given, or
 * the one directory all files come from), never read as a trace itself (`DIR/*` matches it).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type CaptureManifest } from '@strace-gaps/phases';
import { CAPTURE_FILE, parseCaptureManifest } from '@strace-gaps/phases/internal';
import type { Input } from './inputs.js';

export interface CaptureLookup {
  /** The inputs without the manifest. */
  readonly inputs: Input[];
  readonly manifest: CaptureManifest | null;
  /** A manifest that is there but cannot be used, and why (said on stderr; the traces are read anyway). */
  readonly problem: { readonly file: string; readonly why: string } | null;
}

export function findCapture(inputs: readonly Input[], cwd: string): CaptureLookup {
  const traces = inputs.filter((i) => i.kind === 'stdin' || basename(i.path) !== CAPTURE_FILE);
  const files = traces.filter((i) => i.kind === 'file');
  const dirs = new Set(files.map((i) => dirname(resolve(cwd, i.path))));
  // stdin, or files from several directories, are not one recording.
  if (files.length === 0 || files.length !== traces.length || dirs.size !== 1) return { inputs: traces, manifest: null, problem: null };
  const dir = [...dirs][0] as string;
  const shown = join(dirname(files[0]!.path), CAPTURE_FILE);
  let text: string;
  try {
    text = readFileSync(join(dir, CAPTURE_FILE), 'utf8');
  } catch {
    return { inputs: traces, manifest: null, problem: null };
  }
  const parsed = parseCaptureManifest(text);
  if ('problem' in parsed) return { inputs: traces, manifest: null, problem: { file: shown, why: parsed.problem } };
  return { inputs: traces, manifest: parsed.manifest, problem: null };
}

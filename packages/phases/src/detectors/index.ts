import type { PhaseDetector } from '../detector.js';
import { envDump } from './env-dump.js';
import { execPhases } from './exec.js';
import { repeatedFiles } from './repeat.js';
import { runtimeInit } from './runtime-init.js';
import { supervisorStart } from './supervisor-start.js';
import { waits } from './wait.js';

export { envDump, execPhases, repeatedFiles, runtimeInit, supervisorStart, waits };
export { isServiceLink } from './service-links.js';

/** The detectors every analysis runs (fresh instances for each). */
export function builtinDetectors(): PhaseDetector<unknown>[] {
  return [runtimeInit(), envDump(), supervisorStart(), execPhases(), repeatedFiles(), waits()];
}

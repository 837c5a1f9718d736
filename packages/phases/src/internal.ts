/**
 * The analysis's machinery that the CLI uses and a library user does not need: `record`'s
 * manifest, the timeline lanes of the HTML report, the words of a diff, and small readers of
 * call arguments. `@strace-gaps/phases/internal`: no promise of stability; the public API is
 * index.ts.
 */
export { CAPTURE_FILE, captureEndText, captureLines, captureSummary, captureTargetText, captureUntil, captureWarnings, parseCaptureManifest, shellWord } from './capture.js';
export type { CaptureEnd, CaptureManifest, CaptureTarget } from './capture.js';
export { buildLanes } from './timeline.js';
export type { Lane, LaneOptions } from './timeline.js';
export { measureText, roleOf, signed } from './diff.js';
export { simpleOpenArgs } from './paths.js';
export type { SimpleOpenArgs } from './paths.js';
export { isServiceLink } from './detectors/index.js';

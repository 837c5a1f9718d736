/**
 * The young generation of a worker thread's heap.
 *
 * A read makes short-lived objects at a high rate, so V8 grows its young generation up to the
 * default limit (two semi-spaces of 16 MB on this kind of machine). Semi-spaces of 8 MB cost no
 * time and keep about 16 MB per thread off the peak RSS (docs/performance.md, "The young
 * generation"). A worker thread gets that as a resource limit; the main thread's is fixed when
 * Node starts (`--max-semi-space-size`), and the CLI leaves it to Node.
 */

/**
 * `resourceLimits.maxYoungGenerationSizeMb`: V8 sizes the young generation as three semi-spaces
 * (two, and as much again for large objects).
 */
export const WORKER_YOUNG_GENERATION_MB = 3 * 8;

/** The resource limits of a worker thread: none when the user sized the young generation themselves. */
export function workerResourceLimits(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): { maxYoungGenerationSizeMb: number } | undefined {
  const options = [...execArgv, ...nodeOptions.split(/\s+/)];
  const sized = options.some((o) => /^--(?:max|min)[-_]semi[-_]space[-_]size\b/.test(o) || /^--semi[-_]space[-_]growth[-_]factor\b/.test(o));
  return sized ? undefined : { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
}

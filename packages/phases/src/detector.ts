/**
 * The detector API. A detector watches each task's calls as they stream past (one watcher per
 * task, created when the task first appears) and may look at the whole set once it is read. It
 * reports phases and findings through its context; it must keep only what it needs (counts, the
 * first and last lines of a run), never the events themselves.
 */
import type { Call, Finding, Gap, LineRef, Phase } from './model.js';
import type { Task } from './task.js';

/** What a detector can do and ask. */
export interface DetectorContext {
  phase(p: Phase): void;
  finding(f: Finding): void;
  /** A call's first line, to cite as evidence. */
  ref(call: Call): LineRef;
}

/** Watches one task. */
export interface TaskWatcher {
  /** Every call of the task, in order. */
  call(call: Call): void;
  /**
   * The task ended: exited or was killed (`at` and `line` are its `+++ exited …` / `+++ killed …`
   * line's time and citation), or its input ended (both `null`: its last call is its end).
   */
  end?(at: number | null, line: LineRef | null): void;
}

/** The whole set, once read. */
export interface SetView {
  readonly tasks: readonly Task[];
  /**
   * Can times of different inputs be compared? Not for `-r`-only `-ff` files, where each file's
   * clock starts at 0: a detector must then not relate the times of two processes.
   */
  readonly aligned: boolean;
  /** The longest blocking calls the analysis kept (its waiting gaps, limited as `top` and `pids` say). */
  readonly waits: readonly Gap[];
}

export interface PhaseDetector {
  /** Names the detector; its phases carry their own `kind`. */
  readonly id: string;
  /** A watcher for this task, or `null` when the detector does not need to see it. */
  watch(task: Task, ctx: DetectorContext): TaskWatcher | null;
  /** Called once after every input is read. */
  finish?(set: SetView, ctx: DetectorContext): void;
  /**
   * For an analysis split across worker threads (each reads some of the inputs with its own
   * detector instances): what this instance gathered across tasks, as data a structured clone
   * can carry (`null` when it keeps nothing between tasks). Phases it already reported through
   * its context travel with the analysis.
   */
  state?(): unknown;
  /**
   * Folds in another instance's {@link state}; called in input order, as if this instance had
   * watched those tasks itself. A detector without `state` and `merge` keeps an analysis on one
   * thread.
   */
  merge?(state: unknown): void;
}

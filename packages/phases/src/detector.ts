/**
 * The detector API. A detector watches each task's calls as they stream past (one watcher per
 * task, created when the task first appears) and may look at the whole set once it is read. It
 * reports phases and findings through its context; it must keep only what it needs (counts, the
 * first and last lines of a run), never the events themselves. What it needs across tasks (the
 * execs of a kind of program, say) it keeps through its context too, as facts that `finish` gets
 * in the order they were seen: the watchers hold per-task state only, and the analysis holds the
 * rest, so a detector is the same whether one analysis reads a set or several read its parts.
 */
import type { Call, Finding, Gap, LineRef, Phase } from './model.js';
import type { Task } from './task.js';

/** What a detector can do and ask; `Fact` is what it keeps for {@link PhaseDetector.finish}. */
export interface DetectorContext<Fact = never> {
  phase(p: Phase): void;
  finding(f: Finding): void;
  /** A call's first line, to cite as evidence. */
  ref(call: Call): LineRef;
  /**
   * Keeps a fact about the set for `finish`, after the facts kept before it (input order, then
   * line order). Plain data (numbers, strings, line references, arrays and objects of them): the
   * analysis holds it, and hands it on with its phases when it is itself one part of a set.
   */
  keep(fact: Fact): void;
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

export interface PhaseDetector<Fact = never> {
  /** Names the detector; its phases carry their own `kind`. */
  readonly id: string;
  /** A watcher for this task, or `null` when the detector does not need to see it. */
  watch(task: Task, ctx: DetectorContext<Fact>): TaskWatcher | null;
  /** Called once after every input is read, with the facts its watchers kept, in order. */
  finish?(set: SetView, ctx: DetectorContext<Fact>, facts: readonly Fact[]): void;
}

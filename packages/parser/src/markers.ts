/**
 * The fixed pieces of strace's line grammar that more than one reader looks for: the markers of a
 * split call and the character codes the scanners compare against.
 */

/** What ends the first half of a call another line interrupted: `read(3,  <unfinished ...>`. */
export const UNFINISHED = '<unfinished ...>';
/** What ends a call strace let go of (`strace -p` detached). */
export const DETACHED = '<detached ...>';
/** What opens the second half: `<... read resumed>`. */
export const RESUMED_OPEN = '<... ';
export const RESUMED_CLOSE = ' resumed>';

export const SPACE = 32;
export const DOT = 46;
export const COLON = 58;

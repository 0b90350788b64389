/**
 * One-line editing for the filter and export prompts, as a pure function of (line, keypress). Ink hands its input
 * handler whole chunks of plain text: over SSH, on a slow link, or from tmux send-keys, "7001\r" or three
 * backspaces ("\x7f\x7f\x7f") arrive as ONE event with no key flag set. A text field that inserted the chunk as is
 * would put DEL and CR into the filter; here every code point of a chunk is applied in order, so a chunk edits
 * exactly as the same keys typed slowly would. Control characters never enter the value.
 */

export interface LineState {
  value: string;
  /** Cursor position in code points, 0..length. */
  cursor: number;
}

/** The subset of Ink's Key the editor looks at. */
export interface EditKey {
  return?: boolean;
  escape?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  home?: boolean;
  end?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export interface EditResult {
  line: LineState;
  /** Enter was pressed (what followed it in the same chunk is dropped). */
  submit: boolean;
}

export function lineState(value: string): LineState {
  return { value, cursor: Array.from(value).length };
}

function splice(line: LineState, from: number, to: number, insert: string[] = []): LineState {
  const cps = Array.from(line.value);
  cps.splice(from, to - from, ...insert);
  return { value: cps.join(''), cursor: from + insert.length };
}

function deleteBack(line: LineState): LineState {
  return line.cursor === 0 ? line : splice(line, line.cursor - 1, line.cursor);
}

/** Ctrl-W: the word before the cursor and the spaces after it, as in a shell. */
function deleteWord(line: LineState): LineState {
  const cps = Array.from(line.value);
  let i = line.cursor;
  while (i > 0 && cps[i - 1] === ' ') i--;
  while (i > 0 && cps[i - 1] !== ' ') i--;
  return splice(line, i, line.cursor);
}

/** C0, DEL and C1 never enter the line (the same set the terminal escaping rule treats as controls). */
function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

export function applyKey(line: LineState, input: string, key: EditKey): EditResult {
  const n = Array.from(line.value).length;
  const done = (l: LineState, submit = false): EditResult => ({ line: l, submit });
  if (key.return) return done(line, true);
  if (key.escape || key.tab || key.upArrow || key.downArrow) return done(line);
  if (key.leftArrow) return done({ ...line, cursor: Math.max(0, line.cursor - 1) });
  if (key.rightArrow) return done({ ...line, cursor: Math.min(n, line.cursor + 1) });
  if (key.home) return done({ ...line, cursor: 0 });
  if (key.end) return done({ ...line, cursor: n });
  // Ink names DEL (0x7f, what most terminals send for Backspace) "delete" and BS (0x08) "backspace": both erase
  // to the left, as in a shell.
  if (key.backspace || key.delete) return done(deleteBack(line));
  if (key.ctrl) {
    switch (input) {
      case 'u':
        return done(splice(line, 0, line.cursor));
      case 'w':
        return done(deleteWord(line));
      case 'a':
        return done({ ...line, cursor: 0 });
      case 'e':
        return done({ ...line, cursor: n });
      case 'k':
        return done(splice(line, line.cursor, n));
      default:
        return done(line);
    }
  }
  if (key.meta) return done(line);
  let cur = line;
  let run: string[] = [];
  const flush = () => {
    if (run.length) cur = splice(cur, cur.cursor, cur.cursor, run);
    run = [];
  };
  for (const ch of input) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\r' || ch === '\n') {
      flush();
      return done(cur, true);
    }
    if (cp === 0x7f || cp === 0x08) {
      flush();
      cur = deleteBack(cur);
    } else if (cp === 0x15) {
      flush();
      cur = splice(cur, 0, cur.cursor);
    } else if (cp === 0x17) {
      flush();
      cur = deleteWord(cur);
    } else if (!isControl(cp)) run.push(ch);
  }
  flush();
  return done(cur);
}

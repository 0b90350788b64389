import React from 'react';
import { escapeControl } from '../escape.js';
import { fit, type Line } from '../format.js';
import type { LineState } from '../line-edit.js';
import { Lines } from './Lines.js';

export interface LineInputProps {
  line: LineState;
  width: number;
  placeholder?: string;
}

/**
 * A one-line text field: only the drawing. The App edits the line (line-edit.ts) from its own input handler, so
 * keys typed the instant a prompt opens are not lost while this component mounts.
 */
export function LineInput({ line, width: w, placeholder }: LineInputProps): React.JSX.Element {
  const width = Math.max(1, w);
  let segs: Line;
  if (line.value === '' && placeholder) {
    const p = Array.from(placeholder);
    segs = [{ text: p[0] ?? ' ', inverse: true }, { text: fit(p.slice(1).join(''), width - 1), dim: true }];
  } else {
    const cps = Array.from(line.value);
    const before = escapeControl(cps.slice(0, line.cursor).join(''));
    const at = line.cursor < cps.length ? escapeControl(cps[line.cursor]!) : ' ';
    const after = escapeControl(cps.slice(line.cursor + 1).join(''));
    // Keep the cursor in view: when the line is wider than the field, show its end up to the cursor.
    const b = Array.from(before);
    const room = width - Array.from(at).length;
    const shownBefore = b.length > room ? '…' + b.slice(b.length - room + 1).join('') : before;
    segs = [{ text: shownBefore }, { text: at, inverse: true }, { text: after }];
  }
  return <Lines lines={[segs]} height={1} width={width} />;
}

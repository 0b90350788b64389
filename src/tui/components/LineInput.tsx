import React, { useRef, useState } from 'react';
import { useInput } from 'ink';
import { escapeControl } from '../escape.js';
import { fit, type Line } from '../format.js';
import { applyKey, lineState, type LineState } from '../line-edit.js';
import { Lines } from './Lines.js';

export interface LineInputProps {
  defaultValue: string;
  width: number;
  placeholder?: string;
  onChange?: (value: string) => void;
  onSubmit: (value: string) => void;
}

/**
 * A one-line text field over the pure editor in line-edit.ts (chunked input edits like typed keys). Escape is left
 * to the caller. Remount it (React key) to start over from a new default value.
 */
export function LineInput(props: LineInputProps): React.JSX.Element {
  const [line, setLine] = useState<LineState>(() => lineState(props.defaultValue));
  // Ink may deliver several events in one tick (text, then an arrow key): each must see the previous one's result.
  const ref = useRef(line);
  useInput((input, key) => {
    const before = ref.current;
    const r = applyKey(before, input, key);
    ref.current = r.line;
    if (r.line !== before) setLine(r.line);
    if (r.line.value !== before.value) props.onChange?.(r.line.value);
    if (r.submit) props.onSubmit(r.line.value);
  });

  const width = Math.max(1, props.width);
  let segs: Line;
  if (line.value === '' && props.placeholder) {
    const p = Array.from(props.placeholder);
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

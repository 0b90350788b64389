import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/tui/escape.js';

describe('escapeControl', () => {
  it.each([
    ['plain ascii', 'vcse.example.com', 'vcse.example.com'],
    ['OSC title + clear screen', '\x1b]0;pwned\x07\x1b[2J', '\\x1b]0;pwned\\x07\\x1b[2J'],
    ['NUL, TAB, LF, DEL', 'a\x00b\tc\nd\x7f', 'a\\x00b\\x09c\\x0ad\\x7f'],
    ['C1 CSI (U+009B) and NEL', 'x\u009b2Jy\u0085', 'x\\x9b2Jy\\x85'],
    ['bidi override', 'evil\u202Egnp.exe', 'evil\\u{202e}gnp.exe'],
    ['bidi isolates and marks', '\u2066a\u2069\u200f\u061c', '\\u{2066}a\\u{2069}\\u{200f}\\u{061c}'],
    ['lone surrogate', 'a\ud800b', 'a\\u{d800}b'],
    ['non-ASCII text kept', 'Zürich 東京 😀', 'Zürich 東京 😀'],
  ])('%s', (_name, input, want) => {
    expect(escapeControl(input)).toBe(want);
  });

  it('leaves no byte a terminal would interpret', () => {
    let all = '';
    for (let c = 0; c < 0xa0; c++) all += String.fromCharCode(c);
    // eslint-disable-next-line no-control-regex
    expect(escapeControl(all)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });
});

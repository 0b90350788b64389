import { describe, expect, it } from 'vitest';
import { applyKey, lineState, type EditKey, type LineState } from '../../src/tui/line-edit.js';

/** Feeds events as Ink delivers them: [input, key flags]. */
function run(start: string, ...events: [string, EditKey?][]): { line: LineState; submitted?: string } {
  let line = lineState(start);
  for (const [input, key] of events) {
    const r = applyKey(line, input, key ?? {});
    line = r.line;
    if (r.submit) return { line, submitted: line.value };
  }
  return { line };
}

describe('line editor', () => {
  it.each([
    // {in, want}: chunks as they arrive over a slow link or from tmux send-keys, with no key flags set
    { name: 'three DELs in one chunk', start: 'port 443', events: [['\x7f\x7f\x7f']], want: 'port ', submitted: undefined },
    { name: 'text then CR in one chunk submits', start: 'port ', events: [['7001\r']], want: 'port 7001', submitted: 'port 7001' },
    { name: 'text after CR is dropped', start: '', events: [['bad\rq']], want: 'bad', submitted: 'bad' },
    { name: 'BS erases too', start: 'ab', events: [['\b']], want: 'a', submitted: undefined },
    { name: 'Ctrl-U in a chunk clears before the cursor', start: 'x', events: [['ab\x15cd']], want: 'cd', submitted: undefined },
    { name: 'Ctrl-W in a chunk erases a word', start: 'sni vpn ', events: [['\x17']], want: 'sni ', submitted: undefined },
    { name: 'controls never enter the value', start: '', events: [['a\x07\x1b\x9b\tb']], want: 'ab', submitted: undefined },
  ] as { name: string; start: string; events: [string, EditKey?][]; want: string; submitted?: string }[])(
    '$name',
    ({ start, events, want, submitted }) => {
      const r = run(start, ...events);
      expect(r.line.value).toBe(want);
      expect(r.submitted).toBe(submitted);
    },
  );

  it('single keys with Ink flags: DEL (named delete), arrows, Home/End, Enter', () => {
    const r = run(
      'vcse.pem',
      ['', { delete: true }],
      ['', { leftArrow: true }],
      ['', { leftArrow: true }],
      ['X'],
      ['', { home: true }],
      ['/'],
      ['', { end: true }],
      ['Z'],
      ['', { return: true }],
    );
    expect(r.submitted).toBe('/vcse.XpeZ');
  });

  it('the cursor counts code points: a non-BMP character is one step', () => {
    const r = run('a😀b', ['', { leftArrow: true }], ['', { backspace: true }]);
    expect(r.line).toEqual({ value: 'ab', cursor: 1 });
  });

  it('ctrl letters edit and are not inserted', () => {
    expect(run('abc def', ['w', { ctrl: true }]).line.value).toBe('abc ');
    expect(run('abc', ['a', { ctrl: true }], ['k', { ctrl: true }]).line.value).toBe('');
    expect(run('abc', ['x', { ctrl: true }]).line.value).toBe('abc');
  });
});

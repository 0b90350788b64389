import { describe, expect, it } from 'vitest';
import { expandHome } from '../../src/tui/export.js';

describe('expandHome (the export prompt)', () => {
  it.each([
    ['~', { path: '/home/eng' }],
    ['~/x.pem', { path: '/home/eng/x.pem' }],
    ['  ~/certs/a b.pem ', { path: '/home/eng/certs/a b.pem' }],
    ['/tmp/~/x.pem', { path: '/tmp/~/x.pem' }],
    ['x~.pem', { path: 'x~.pem' }],
    ['out/x.pem', { path: 'out/x.pem' }],
  ])('%j', (typed, want) => {
    expect(expandHome(typed, '/home/eng')).toEqual(want);
  });
  it('refuses ~user instead of creating a folder of that name', () => {
    expect(expandHome('~root/x.pem', '/home/eng')).toEqual({ error: '~root: only ~ and ~/ are expanded; give the full path' });
  });
});

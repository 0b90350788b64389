/**
 * CRYPTO stream reassembly, table-driven (gopacket TestReorder style): frames as (offset, bytes) in arrival order,
 * and the bytes handed on, in order, once.
 */
import { describe, expect, it } from 'vitest';
import { CryptoStream, type CryptoBudget } from '../../src/quic/crypto-stream.js';

const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

function run(frames: [number, string][], limit = 1 << 20) {
  const budget: CryptoBudget = { held: 0, limit, hit: false };
  const s = new CryptoStream(budget);
  const out: string[] = [];
  for (const [off, data] of frames) s.push(off, text(data), (d) => out.push(Buffer.from(d).toString('latin1')));
  return { out: out.join(''), pieces: out, budget, next: s.next, held: s.held };
}

describe('CryptoStream', () => {
  const cases: { name: string; in: [number, string][]; want: string }[] = [
    { name: 'in order', in: [[0, 'abc'], [3, 'def']], want: 'abcdef' },
    { name: 'reversed', in: [[6, 'ghi'], [3, 'def'], [0, 'abc']], want: 'abcdefghi' },
    { name: 'duplicated', in: [[0, 'abc'], [0, 'abc'], [3, 'def'], [3, 'def']], want: 'abcdef' },
    { name: 'overlapping', in: [[0, 'abcd'], [2, 'cdef'], [5, 'fg']], want: 'abcdefg' },
    { name: 'a waiting frame overtaken by a longer one', in: [[4, 'ef'], [0, 'abcdefgh'], [8, 'i']], want: 'abcdefghi' },
    { name: 'a gap never filled', in: [[0, 'ab'], [5, 'fg']], want: 'ab' },
    { name: 'empty frames', in: [[0, ''], [0, 'ab'], [2, '']], want: 'ab' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = run(c.in);
      expect(r.out).toBe(c.want);
      expect(r.next).toBe(c.want.length);
    });
  }

  it('gives the held bytes back to the budget once delivered', () => {
    const r = run([[3, 'def'], [6, 'ghi'], [0, 'abc']]);
    expect(r.budget.held).toBe(0);
    expect(r.held).toBe(0);
  });

  it('drops frames past the budget and says so; in-order data is never held', () => {
    const r = run([[0, 'ab'], [10, 'xxxxx'], [20, 'yyyyy'], [2, 'cd']], 8);
    expect(r.out).toBe('abcd');
    expect(r.budget.hit).toBe(true);
    expect(r.budget.held).toBe(5);
    const ok = run([[0, 'abcdefghijklmnop']], 1);
    expect(ok.out).toBe('abcdefghijklmnop');
    expect(ok.budget.hit).toBe(false);
  });
});

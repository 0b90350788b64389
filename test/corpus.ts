/** The reference corpus beside the project (../shared/corpus) and its EXPECTED.tsv, for the tests that use them. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_ROOT = resolve(__dirname, '../../shared/corpus');

export interface ExpectedRow {
  /** Path under the corpus root. */
  file: string;
  /** Certificates tshark extracted. */
  count: number;
  /** SHA-256 of each, as tshark listed them. */
  hashes: string[];
}

/** EXPECTED.tsv (tshark's extraction): a header line, then file, count and a space-separated SHA-256 list. */
export function expectedRows(): ExpectedRow[] {
  return readFileSync(join(CORPUS_ROOT, 'EXPECTED.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      const [file, count, hashes] = l.split('\t');
      return { file: file!, count: Number(count), hashes: (hashes ?? '').trim().split(/\s+/).filter(Boolean) };
    });
}

/** The SHA-256 list of EXPECTED.tsv by file. */
export function expectedByFile(): Map<string, string[]> {
  return new Map(expectedRows().map((r) => [r.file, r.hashes]));
}

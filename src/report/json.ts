import type { ScanResult } from '../model.js';

/** `scan --json`: one JSON document, the contract of DESIGN.md (field names stable). */
export function renderJson(r: ScanResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

// The TUI shows wire strings through the same single escaping rule as the text report.
export { escapeTerminal as escapeControl } from '../report/escape.js';

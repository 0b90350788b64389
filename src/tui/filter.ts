// The TUI's `/` filter is the same language as `--filter`: one implementation, in src/report.
export { compileFilter, type CompiledFilter, type CertLookup, type HandshakePredicate } from '../report/filter.js';

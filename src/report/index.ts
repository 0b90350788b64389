export { escapeTerminal } from './escape.js';
export { sanitizeFileName } from './sanitize.js';
export {
  compileFilter, formatFilterError, filterErrorCaret, filterFieldLines, FILTER_FIELDS, worstSeverity, worstVerdictSeverity, SEVERITY_RANK,
  type CompiledFilter, type CertLookup, type FilterField,
} from './filter.js';
export { planExport, writeExport, ensureDir, pemToDer, derToPem, type ExportFile, type ExportOptions, type ExportOutcome } from './export.js';
export { renderText, renderHandshakeText, renderCapturesText, renderTallyText, newTally, tallyHandshake, handshakeTitle, shortTime, BADGE, paint, type TextOptions, type Tally } from './text.js';
export { renderJson, JsonStreamWriter, handshakeJson } from './json.js';
export { renderCaListText } from './ca-list-text.js';
export { ZeekLogWriter, SSL_FIELDS, X509_FIELDS, type ZeekLines, type ZeekOptions } from './zeek.js';
export { ecsEvent, ECS_VERSION } from './ecs.js';
export { ndjsonHandshake, ndjsonCaptures, type NdjsonOptions } from './ndjson.js';
export { COMPARE_FINDING_CODES, compareFindingLines, type CompareFindingCode } from './compare-codes.js';
export { compareHandshakes, DEFAULT_WINDOW_S, type Comparison, type ComparePair, type CompareFinding, type ChainDifference, type PairMatch, type PairResult } from './compare.js';
export { renderCompareText } from './compare-text.js';

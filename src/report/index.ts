export { escapeTerminal } from './escape.js';
export { sanitizeFileName } from './sanitize.js';
export { parseFilter, matchFilter, worstSeverity, type ParsedFilter } from './filter.js';
export { planExport, writeExport, pemToDer, derToPem, type ExportFile, type ExportOptions, type ExportOutcome } from './export.js';
export { renderText, handshakeTitle, shortTime, BADGE, type TextOptions } from './text.js';
export { renderJson } from './json.js';

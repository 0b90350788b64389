export { CaptureParser } from './parser.js';
export { readCapture } from './read.js';
export { linkTypeName } from './link-types.js';
export { describeBadMagic, guessFormat, isCaptureMagic } from './magic.js';
export {
  CaptureError,
  type CaptureEndInfo,
  type CaptureFormat,
  type CaptureReadResult,
  type CaptureRecord,
  type CaptureSink,
  type ReadCaptureOptions,
} from './types.js';

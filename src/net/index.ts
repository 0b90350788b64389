export { NetDecoder, MAX_ENCAP_DEPTH } from './decoder.js';
export { FragmentTable, FRAGMENT_TIMEOUT_S } from './fragments.js';
export type { Packet } from './types.js';

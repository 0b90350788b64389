/**
 * A decoded transport-layer packet. NetDecoder reuses ONE object for every packet: `src`, `dst` and `payload` are
 * views valid only until the next decode() call. Copy what you keep.
 */
export interface Packet {
  kind: 'tcp' | 'udp';
  frame: number;
  ts: number;
  ipVersion: 4 | 6;
  /** 4 or 16 address bytes. */
  src: Uint8Array;
  dst: Uint8Array;
  sport: number;
  dport: number;
  /** TCP only (0 for UDP). */
  seq: number;
  ack: number;
  /** TCP flag bits: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10. */
  flags: number;
  payload: Uint8Array;
  /** Payload bytes the snaplen cut off (0 when the whole payload was captured). */
  missingBytes: number;
}

/**
 * The QUIC versions whose Initial packets can be read: each has its own Initial salt (RFC 9001 §5.2, RFC 9369
 * §3.3.1), HKDF label prefix ("quic key" / "quicv2 key", RFC 9369 §3.3.2) and numbering of the long-header packet
 * types (RFC 9369 §3.2 renumbers them). Only the salt and the labels differ: header protection, AEAD and frames are
 * the same.
 */

export type PacketType = 'initial' | '0rtt' | 'handshake' | 'retry';

export interface QuicVersion {
  readonly number: number;
  /** As reported on the handshake: "QUIC v1", "QUIC v2". */
  readonly name: string;
  readonly salt: Uint8Array;
  /** Prefix of the packet-protection labels: `${prefix} key`, `${prefix} iv`, `${prefix} hp`. */
  readonly labelPrefix: 'quic' | 'quicv2';
  /** Packet type by the two type bits of the first byte. */
  readonly types: readonly [PacketType, PacketType, PacketType, PacketType];
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const V1_TYPES = ['initial', '0rtt', 'handshake', 'retry'] as const;
const V2_TYPES = ['retry', 'initial', '0rtt', 'handshake'] as const;

const LIST: readonly QuicVersion[] = [
  { number: 0x00000001, name: 'QUIC v1', salt: hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'), labelPrefix: 'quic', types: V1_TYPES },
  { number: 0x6b3343cf, name: 'QUIC v2', salt: hex('0dede3def700a6db819381be6e269dcbf9bd2ed9'), labelPrefix: 'quicv2', types: V2_TYPES },
  // draft-ietf-quic-v2-01..-10 (what ngtcp2 0.12, Debian 12's, calls "v2draft"): v2's types and labels with an
  // earlier salt.
  { number: 0x709a50c4, name: 'QUIC v2 draft', salt: hex('a707c203a59b47184a1d62ca570406ea7ae3e5d3'), labelPrefix: 'quicv2', types: V2_TYPES },
];

const BY_NUMBER = new Map(LIST.map((v) => [v.number, v]));

export function quicVersion(n: number): QuicVersion | undefined {
  return BY_NUMBER.get(n);
}

/** "QUIC v1", or the number in hex for a version this tool does not read (a Version Negotiation list). */
export function quicVersionName(n: number): string {
  return BY_NUMBER.get(n)?.name ?? `0x${n.toString(16).padStart(8, '0')}`;
}

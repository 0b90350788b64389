/**
 * Every resource limit in one place (DESIGN.md, error policy). Hitting one is a note on the object it
 * concerns, never a crash. Values are chosen so that a real handshake (chains up to a few hundred KiB, such
 * as the 10,000-SAN certificate in Zeek's tls-fragmented-handshake trace) always fits.
 */
export const LIMITS = {
  /** Read size for capture files: sequential reads of 128 KiB, measured cheaper than 4 MiB ones (src/capture/read.ts). */
  readChunkBytes: 128 * 1024,
  /** A single capture record larger than this is treated as corruption (pcap snaplen is at most 256 KiB). */
  maxRecordBytes: 16 * 1024 * 1024,
  /** Out-of-order bytes buffered per TCP flow direction before the flow is given up. */
  tcpBufferedBytesPerDirection: 4 * 1024 * 1024,
  /** Out-of-order segments held per direction. */
  tcpSegmentsPerDirection: 4096,
  /**
   * Peer acknowledgments past a hole in a TCP direction before the hole is declared lost from the capture (a
   * capture may record the ACK before the data it acknowledges; the data usually follows within a few packets).
   */
  tcpAckPatience: 8,
  /** TCP/UDP flows tracked at once; the oldest idle ones are evicted past this. */
  flowsInProgress: 200_000,
  /** Pending IPv4/IPv6 fragment reassemblies at once. */
  ipFragmentSets: 4096,
  /** Largest reassembled IP datagram. */
  ipDatagramBytes: 65_535 + 1024,
  /** Largest TLS handshake message accepted (the TLS length field allows 16 MiB). */
  tlsHandshakeMessageBytes: 2 * 1024 * 1024,
  /** Plaintext bytes scanned for the start of TLS after a STARTTLS-style prefix. */
  tlsResyncWindowBytes: 64 * 1024,
  /** Certificates per chain. */
  certificatesPerChain: 64,
  /** Handshakes per flow (renegotiations, STARTTLS restarts). */
  handshakesPerFlow: 16,
  /**
   * TLS <= 1.2 without keys: records looked at after a completed handshake for an encrypted renegotiation (IIS
   * and VPN gateways renegotiate for the client certificate right after the client's first request). Only when a
   * key provider is configured (the CLI always has one: --keylog, SSLKEYLOGFILE or pcapng-embedded secrets).
   */
  tlsRenegotiationWatchRecords: 16,
  /** QUIC: CRYPTO data held out of order, and Handshake packets waiting for their keys, per connection (each). */
  quicCryptoBufferedBytes: 1024 * 1024,
  /** Notes kept per object; further ones are counted, not stored. */
  notesPerObject: 32,
  /** Chain building: longest path tried and most candidate paths explored per leaf (cross-signed meshes). */
  chainMaxDepth: 12,
  chainMaxPaths: 64,
  /** Largest certificate file (or directory entry) read by `--ca` and `certshark check`. */
  certificateFileBytes: 32 * 1024 * 1024,
  /** Files read from one `--ca` directory. */
  certificateDirFiles: 10_000,
  /**
   * Capture consistency (src/trust/consistency.ts): server names plus server addresses tracked per capture, leaf
   * certificates kept per name or address, handshake ids and server addresses listed per certificate. Past these,
   * handshakes are counted, not listed, so memory stays bounded however long the capture.
   */
  consistencyKeys: 20_000,
  consistencyVariantsPerKey: 16,
  consistencyIdsPerVariant: 20,
  consistencyServersPerVariant: 8,
} as const;

/** The texts `--help` prints. */
import { VERSION } from '../session.js';

export const HELP = `certshark ${VERSION}: TLS certificates out of packet captures, and why a peer would or would not trust them

usage:
  certshark [CAPTURE|-] [options]            interactive view on a terminal, else the text report
  certshark scan CAPTURE... [--json]         report every handshake, chain and verdict
  certshark export CAPTURE --out DIR [--der] [--chains] [--sni NAME] [--handshake N] [--filter EXPR]
  certshark check CERT_FILE... [--host NAME] [--role server|client] [--json]

options:
  --ca PATH              add trusted CAs: PEM/DER file, PEM bundle, PKCS#7 (.p7b) or a folder (repeatable)
  --system-ca            add the operating system's CA store
  --no-public-roots      trust only what --ca / --system-ca give
  --keylog FILE          NSS key log (also SSLKEYLOGFILE) to decrypt TLS 1.3 certificates
  --profile NAME         web (default), anyconnect, expressway
  --at WHEN              judge validity at: capture (default), now, or an ISO date
  --host NAME            name to check the server certificate against (default: the SNI)
  --filter EXPR          only handshakes matching, e.g. "port 7001", "sni vpn", "bad", "not ok"
  --fail-on LEVEL        exit 3 when a handshake has a verdict of LEVEL (error or warning), or a capture
                         a finding of it (the same server presenting different certificates)
  --json                 one JSON document on stdout
  --verbose              list every verdict, also the ok ones
  --no-color             no colours (also NO_COLOR)
  -h, --help             this text;  -V, --version  the version

CAPTURE is a pcap or pcapng file, gzip-compressed or not, or - for standard input (tcpdump -w - | certshark -).
`;

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
  --public-roots FILE    the public root store to use instead of the bundled Mozilla list (a PEM bundle, e.g.
                         Chrome's or Microsoft's roots): what chains to it is "public" for the client-EKU sunset
  --keylog FILE          NSS key log (also SSLKEYLOGFILE) to decrypt TLS 1.3 certificates
  --profile NAME         web (default), anyconnect, expressway
  --expressway-version V the Expressway release whose certificate rules apply (X15.5, 15.5, X15.4, X14.3.2...;
                         default X15.5: role EKU per certificate store; X15.4 and earlier: both EKUs on one
                         certificate); implies --profile expressway
  --server-eku-upload    with --expressway-version X15.4: the Expressway-E runs with
                         EnableServerEkuUpload: On, so its certificate may lack clientAuth
  --at WHEN              judge validity at: capture (default), now, or an ISO date
  --host NAME            name to check the server certificate against (default: the SNI)
  --filter EXPR          only handshakes matching, e.g. "port 7001", "sni vpn", "bad", "not ok"
  --fail-on LEVEL        exit 3 when a handshake has a verdict of LEVEL (error or warning)
  --json                 one JSON document on stdout
  --verbose              list every verdict, also the ok ones
  --no-color             no colours (also NO_COLOR)
  -h, --help             this text;  -V, --version  the version

CAPTURE is a pcap or pcapng file, gzip-compressed or not, or - for standard input (tcpdump -w - | certshark -).
`;

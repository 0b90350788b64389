/** The texts `--help` prints. */
import { VERSION } from '../session.js';

export const HELP = `certshark ${VERSION}: TLS certificates out of packet captures, and why a peer would or would not trust them

usage:
  certshark [CAPTURE|-] [options]            interactive view on a terminal, else the text report
  certshark scan CAPTURE... [--json]         report every handshake, chain and verdict
  certshark export CAPTURE --out DIR [--der] [--chains] [--sni NAME] [--handshake N] [--filter EXPR]
  certshark check CERT_FILE... [--host NAME] [--role server|client] [--json]
  certshark check CERT_FILE --auth-pattern REGEX [--username-format FORMAT]
                                             the Expressway's Client certificate testing, offline
  certshark check --ca-list FILE|DIR [--capture CAPTURE]... [CERT_FILE...]
                                             lint a trusted CA list; with captures, what their chains need

options:
  --ca PATH              add trusted CAs: PEM/DER file, PEM bundle, PKCS#7 (.p7b) or a folder (repeatable)
  --system-ca            add the operating system's CA store
  --no-public-roots      trust only what --ca / --system-ca give
  --keylog FILE          NSS key log (also SSLKEYLOGFILE) to decrypt TLS 1.3 certificates
  --profile NAME         web (default), anyconnect, expressway
  --at WHEN              judge validity at: capture (default), now, or an ISO date
  --host NAME            name to check the server certificate against (default: the SNI)
  --filter EXPR          only handshakes matching, e.g. "port 7001", "sni vpn", "bad", "not ok"
  --ca-list PATH         (check) the trusted CA list to lint, as uploaded to an Expressway, ASA, FTD or MX:
                         PEM bundle, folder or PKCS#7
  --capture CAPTURE      (check --ca-list) a capture whose chains the list must trust (repeatable); --role
                         server or client looks at that side's chains only
  --auth-pattern REGEX   (check) a certificate-based authentication regex in PHP syntax, e.g.
                         '/Subject:.*CN=(?<captureCommonName>[^,\\n]+)/', applied to the certificate as the
                         Expressway decodes it (the certificate is judged as a client certificate)
  --username-format FMT  (check --auth-pattern) the username, groups between #, e.g. #captureCommonName#
  --fail-on LEVEL        exit 3 when a handshake has a verdict of LEVEL (error or warning), or a capture
                         a finding of it (the same server presenting different certificates)
  --json                 one JSON document on stdout
  --verbose              list every verdict, also the ok ones
  --no-color             no colours (also NO_COLOR)
  -h, --help             this text;  -V, --version  the version

CAPTURE is a pcap or pcapng file, gzip-compressed or not, or - for standard input (tcpdump -w - | certshark -).
`;

/** The texts `--help` prints: the overview, and one per command (`certshark scan --help`). */
import { VERSION } from '../session.js';
import { compareFindingLines, DEFAULT_WINDOW_S, filterFieldLines } from '../report/index.js';

const TRUST_OPTIONS = `trust options (scan, export, the view, check):
  --ca PATH              add trusted CAs: PEM/DER file, PEM bundle, PKCS#7 (.p7b) or a folder (repeatable)
  --system-ca            add the operating system's CA store
  --no-public-roots      trust only what --ca / --system-ca give
  --public-roots FILE    the public root store to use instead of the bundled Mozilla list (a PEM bundle, e.g.
                         Chrome's or Microsoft's roots): what chains to it is "public" for the client-EKU sunset
  --profile NAME         web (default), anyconnect, expressway
  --expressway-version V the Expressway release whose certificate rules apply (X15.5, 15.5, X15.4, X14.3.2...;
                         default X15.5: role EKU per certificate store; X15.4 and earlier: both EKUs on one
                         certificate); implies --profile expressway
  --server-eku-upload    with --expressway-version X15.4: the Expressway-E runs with
                         EnableServerEkuUpload: On, so its certificate may lack clientAuth
  --at WHEN              judge validity at: capture (default), now, or an ISO date
  --host NAME            name to check the server certificate against (default: the SNI)
`;

const INPUT_OPTIONS = `input:
  CAPTURE                a pcap or pcapng file, gzip-compressed or not; - for standard input; a folder: the
                         captures in it (found by their first bytes, whatever their names), in name order
  -r FILE                the same as CAPTURE (tshark's spelling)
  -i IFACE               capture live from an interface (through dumpcap, else tcpdump)
  -f BPF                 capture filter for -i, passed to the capture tool unchanged ('tcp port 7001')
  -w FILE                also keep the raw capture read (from -i or a pipe) in FILE; never overwrites
  -c N                   stop after N packets
  -a duration:SECONDS    stop after SECONDS (also -a packets:N)
  -D                     list the interfaces -i can capture on
  --keylog FILE          NSS key log (also SSLKEYLOGFILE) to decrypt TLS 1.3 certificates
`;

const SELECT_OPTIONS = `selection:
  --filter EXPR, -Y EXPR only handshakes matching, e.g. "port 7001", "sni vpn", "bad", "not ok"
`;

const EXIT_CODES = `exit codes:
  0  ran (also: q in the view, or the reader of the output went away, as with | head)
  2  bad usage or unreadable input (one line on stderr)
  3  --fail-on hit
  130  stopped with Ctrl-C (what was read so far is reported); 129 and 143: ended by a hang-up or SIGTERM
`;

export const HELP = `certshark ${VERSION}: TLS certificates out of packet captures, and why a peer would or would not trust them

usage:
  certshark [CAPTURE|-] [options]            interactive view on a terminal, else the text report
  certshark -i IFACE [-f BPF] [-w FILE]      the same, capturing live
  certshark scan CAPTURE... [--json]         report every handshake, chain and verdict
  certshark scan CAPTURE --format ecs|ndjson|zeek   the same for Elasticsearch, jq and log shippers, Zeek tools
  certshark export CAPTURE --out DIR         write the certificates and chains as PEM or DER files
  certshark check CERT_FILE...               judge certificate files without a capture
  certshark compare CAPTURE_A CAPTURE_B      pair the handshakes of two captures of one path (A client side)
  certshark COMMAND --help                   the options of one command
  certshark help filter                      the display filter's grammar and fields

${INPUT_OPTIONS}
${SELECT_OPTIONS}
${TRUST_OPTIONS}
output:
  --no-color             no colours (also NO_COLOR); bold and reverse video stay
  -h, --help             this text;  -V, --version  the version

Live: certshark -i eth0 -f 'tcp port 7001' -w zone.pcapng, or from another host:
  ssh root@expe tcpdump -U -w - port 7001 | certshark -
(-U makes tcpdump write each packet as it is captured instead of when its buffer fills.)

${EXIT_CODES}`;

export const SCAN_HELP = `usage: certshark scan CAPTURE|FOLDER... [options]
       certshark scan -i IFACE [-f BPF] [-w FILE] [-c N] [-a duration:SECONDS] [options]

Reports every TLS handshake of the captures: peers, SNI, version, cipher, the chains each side sent, alerts, and
the trust verdicts. Handshakes are written as they finish (completion order, not id order: sort by id if you need
it), so memory stays flat on large captures and a live capture shows them as they happen.

output:
  --json                 one JSON document: {certshark, handshakes[], certificates[], captures[]}
  --format FORMAT        text (default), json (= --json), or for pipelines, a line per handshake as it finishes:
                         ndjson  certshark's model, certificates inline; a last line of type "capture" each
                         ecs     Elastic Common Schema 8.12 events; verdicts under certshark.*
                         zeek    ssl.log and x509.log in Zeek's log format (with --log-dir), verdicts in
                                 added fields
  --log-dir DIR          where --format zeek writes ssl.log and x509.log (created if needed)
  --overwrite            replace ssl.log and x509.log already in --log-dir (else: exit 2)
  --pem                  with --format ndjson: include each certificate's PEM
  --verbose, -v          list every verdict, also the ok ones
  --fail-on LEVEL        exit 3 when a handshake has a verdict of LEVEL (error or warning), or a capture a
                         finding of it (the same server presenting different certificates); a capture cut
                         short counts as a warning
  --no-color             no colours (also NO_COLOR)
  --jobs N, -j N         capture files read at once, one per thread (default: one per core); the output is
                         the same whatever N, in the order of the files
  --no-progress, -q      no progress line on a terminal's stderr during a long scan of files

${INPUT_OPTIONS}
${SELECT_OPTIONS}
${TRUST_OPTIONS}
${EXIT_CODES}`;

export const EXPORT_HELP = `usage: certshark export CAPTURE|FOLDER... --out DIR [options]

Writes the certificates of the selected handshakes into DIR (created if needed), one file per certificate named
after the handshake and the certificate, or with --chains one PEM bundle per distinct chain. Existing files are
never overwritten: an identical file is kept, a different one gets a new name.

options:
  --out DIR, -o DIR      the folder to write into (required)
  --der                  DER files instead of PEM (single certificates only)
  --chains               one PEM bundle per distinct chain, leaf first, as the peer sent it
  --sni NAME             only handshakes whose SNI is NAME
  --handshake N          only handshake number N (repeatable, or N,M)
  --filter EXPR, -Y EXPR only handshakes matching EXPR (see certshark --help)
  --keylog FILE          NSS key log to decrypt TLS 1.3 certificates
  --jobs N, -j N         capture files read at once (default: one per core)
  --no-progress, -q      no progress line on a terminal's stderr

${TRUST_OPTIONS}
${EXIT_CODES}`;

export const CHECK_HELP = `usage: certshark check CERT_FILE... [options]
       certshark check CERT_FILE --auth-pattern REGEX [--username-format FORMAT]
       certshark check --ca-list FILE|DIR [--capture CAPTURE]... [CERT_FILE...]

Judges certificate files as a peer would, without a capture: the files' certificates are the chain (leaf first, any
order), completed from the trusted CAs. Validity is judged now unless --at says otherwise.

options:
  --role ROLE            judge as the certificate of a server (default) or a client
  --host NAME            the name the certificate must be valid for
  --json                 the verdicts as JSON
  --verbose, -v          list every verdict, also the ok ones
  --fail-on LEVEL        exit 3 when a verdict of LEVEL (error or warning) is found
  --ca-list PATH         the trusted CA list to lint, as uploaded to an Expressway, ASA, FTD or MX:
                         PEM bundle, folder or PKCS#7
  --capture CAPTURE      (with --ca-list) a capture whose chains the list must trust (repeatable); --role
                         server or client looks at that side's chains only
  --auth-pattern REGEX   a certificate-based authentication regex in PHP syntax, e.g.
                         '/Subject:.*CN=(?<captureCommonName>[^,\\n]+)/', applied to the certificate as the
                         Expressway decodes it (the certificate is judged as a client certificate): the
                         Expressway's Maintenance > Security > Client certificate testing, offline
  --username-format FMT  (with --auth-pattern) the username, groups between #, e.g. #captureCommonName#

${TRUST_OPTIONS}
${EXIT_CODES}`;

export const COMPARE_HELP = `usage: certshark compare CAPTURE_A CAPTURE_B [options]

Two captures of one path taken at the same time: A nearer the client (Expressway-C, the AnyConnect user), B nearer
the server (Expressway-E, the headend). Pairs the handshakes seen at both points: by the ClientHello random when the
same TLS session passed both (addresses and ports may differ through NAT), else by name (SNI, else server port) and
time within the window, on B's clock corrected by the offset the random-matched pairs show. Each pair is same or
changed (which chain, which certificate); a handshake seen at one end only is only-a or only-b with the likely
reason. Findings over all pairs:
${compareFindingLines()}
Every verdict of scan still applies to each side's handshakes. On a terminal both captures open in the interactive
view as one list, with a Seen column (A=B#5 same, B=A#1 CHANGED, A only); piped or with --json, the report.

options:
  --swap                 the captures were given the other way round (B first)
  --window SECONDS       how far apart (after the clock correction) two handshakes paired by name may be;
                         default ${DEFAULT_WINDOW_S}
  --json                 one JSON document: {certshark, window, clockOffset, pairs[] (a, b handshake ids, match:
                         client-random or sni-time, result: same, changed, only-a, only-b), findings[],
                         captures[] (a, b), handshakes[], certificates[]}
  --verbose, -v          list every verdict, also the ok ones
  --fail-on LEVEL        exit 3 when a finding or a handshake's verdict is of LEVEL (error or warning)
  --filter EXPR, -Y EXPR only handshakes matching, on both sides
  --keylog FILE          NSS key log to decrypt TLS 1.3 certificates (both captures)

${TRUST_OPTIONS}
${EXIT_CODES}`;

export const FILTER_HELP = (): string => `The display filter (--filter EXPR, -Y EXPR, and / in the interactive view) selects handshakes.

  terms:      port 7001   ip 10.77.0.0/24   sni vpn   cn Example   code missing-intermediate
              bad  warn  ok  info  alert  mtls  tcp  udp  dtls  quic  encrypted   or any word (free text)
  fields:     ip.addr == 10.77.0.1   tcp.port in {443 7001}   tls.handshake.extensions_server_name contains "vpn"
  operators:  == != < <= > >= (eq ne lt le gt ge)  contains  matches "regex"  in {…}
  logic:      and &&   or ||   not !   ( )     terms side by side are ANDed; not > and > or

fields:
${filterFieldLines().map((l) => `  ${l}`).join('\n')}
`;

/** The help text of a command, or the overview. */
export function helpFor(command: string | undefined): string {
  switch (command) {
    case 'scan':
      return SCAN_HELP;
    case 'export':
      return EXPORT_HELP;
    case 'check':
      return CHECK_HELP;
    case 'compare':
      return COMPARE_HELP;
    case 'filter':
      return FILTER_HELP();
    default:
      return HELP;
  }
}

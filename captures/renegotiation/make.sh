#!/usr/bin/env bash
# TLS 1.2 renegotiation asking for the client certificate (the IIS / VPN gateway pattern): the first handshake is
# server-only; after the client's first application data the server sends HelloRequest and, in the renegotiation,
# a CertificateRequest. The renegotiation travels encrypted under the first handshake's keys, so the client
# certificate is only visible with the key log.
#
# Records real Node.js tls sessions (OpenSSL underneath) over TCP on 127.0.0.1 with tcpdump on lo, one per suite:
#   renegotiation-gcm.pcap  ECDHE-RSA-AES128-GCM-SHA256 (AEAD)
#   renegotiation-cbc.pcap  ECDHE-RSA-AES128-SHA        (CBC + HMAC-SHA1; OpenSSL negotiates encrypt_then_mac)
# next to each the client's key log (<name>.keys, throwaway secrets from Node's 'keylog' event), the public lab
# certificates (pki/*.pem; the keys are deleted) and expected.json (SHA-256 of each certificate's DER, in the
# order each side sends them).
#
# Needs root (tcpdump), openssl, tcpdump and node (>= 20). Each run makes new certificates and captures.
#   captures/renegotiation/make.sh
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d /tmp/certshark-reneg.XXXXXX)
CAP_PID=
cleanup() {
  local rc=$?
  [[ -n $CAP_PID ]] && kill -INT "$CAP_PID" 2>/dev/null || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in openssl tcpdump node; do
  command -v "$tool" >/dev/null || { echo "make.sh: $tool is required" >&2; exit 2; }
done

say() { printf '== %s\n' "$*" >&2; }

# --- lab PKI: root CA > server leaf (iis.example.test), root CA > client certificate (user) ---------------------
PKI=$HERE/pki
mkdir -p "$PKI"
rm -f "$PKI"/*.pem
cd "$WORK"
cat >ext.cnf <<'EOF'
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:iis.example.test
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:user@example.test
authorityKeyIdentifier = keyid
EOF
say "lab PKI"
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 -sha256 \
  -subj '/O=certshark lab/CN=Renegotiation Lab Root CA' \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/O=certshark lab/CN=iis.example.test' 2>/dev/null
openssl x509 -req -in server.csr -CA root.pem -CAkey root.key -CAcreateserial -out server.pem -days 825 -sha256 \
  -extfile ext.cnf -extensions server 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr \
  -subj '/O=certshark lab/CN=user@example.test' 2>/dev/null
openssl x509 -req -in client.csr -CA root.pem -CAkey root.key -CAcreateserial -out client.pem -days 825 -sha256 \
  -extfile ext.cnf -extensions client 2>/dev/null
cp root.pem "$PKI/root-ca.pem"; cp server.pem "$PKI/iis.pem"; cp client.pem "$PKI/user.pem"

# --- one session: tls.Server that renegotiates with requestCert, tls client with a certificate ------------------
cat >session.mjs <<'EOF'
import { constants } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as tls from 'node:tls';

const [port, cipher, keylogFile] = process.argv.slice(2);
const read = (f) => readFileSync(f, 'utf8');
const common = {
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.2',
  ciphers: cipher,
  // Like IIS: the renegotiation is a full handshake, not a resumption (which would skip the CertificateRequest).
  secureOptions: constants.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION,
};
writeFileSync(keylogFile, '');
const server = tls.createServer({
  ...common,
  key: read('server.key'),
  cert: read('server.pem') + read('root.pem'), // the chain as sent: leaf, then the root
  sessionIdContext: 'certshark-lab',
});
server.on('secureConnection', (s) => {
  s.once('data', () => {
    s.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
      if (err) { console.error('renegotiate:', err.message); process.exit(1); }
      const peer = s.getPeerCertificate();
      s.end(`hello ${peer.subject?.CN ?? 'nobody'}\n`);
    });
  });
  s.on('error', (e) => { console.error('server:', e.message); process.exit(1); });
});
server.listen(Number(port), '127.0.0.1', () => {
  const c = tls.connect({
    ...common,
    host: '127.0.0.1',
    port: Number(port),
    servername: 'iis.example.test',
    ca: read('root.pem'),
    key: read('client.key'),
    cert: read('client.pem'),
  });
  c.on('keylog', (line) => appendFileSync(keylogFile, line));
  c.on('secureConnect', () => c.write('GET /secure/ HTTP/1.1\r\nHost: iis.example.test\r\n\r\n'));
  let got = '';
  c.on('data', (d) => { got += d; });
  c.on('end', () => {
    if (!got.includes('hello user@example.test')) { console.error('unexpected answer:', got); process.exit(1); }
    c.end();
    server.close();
  });
  c.on('error', (e) => { console.error('client:', e.message); process.exit(1); });
});
setTimeout(() => { console.error('session timed out'); process.exit(1); }, 10_000).unref();
EOF

record() {
  local name=$1 port=$2 cipher=$3
  say "$name: $cipher on 127.0.0.1:$port"
  local pcap=$HERE/$name.pcap log=$WORK/$name.tcpdump.log
  rm -f "$pcap"
  # --immediate-mode: without it libpcap hands packets over per ring block (1 s timeout) and a SIGINT before the
  # block is delivered loses them.
  tcpdump -i lo -U --immediate-mode -s 0 -n -Z root -w "$pcap" "tcp port $port" >"$log" 2>&1 &
  CAP_PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$log" 2>/dev/null && break; sleep 0.05; done
  grep -q 'listening on' "$log" || { echo "tcpdump did not start: $(cat "$log")" >&2; exit 1; }
  sleep 1
  node session.mjs "$port" "$cipher" "$HERE/$name.keys"
  sleep 1
  kill -INT "$CAP_PID"; wait "$CAP_PID" 2>/dev/null || true; CAP_PID=
  grep -q '^0 packets captured' "$log" && { echo "$name: nothing captured: $(cat "$log")" >&2; exit 1; }
  chmod 644 "$pcap" "$HERE/$name.keys"
  [[ $(grep -c '^CLIENT_RANDOM ' "$HERE/$name.keys") -eq 2 ]] || { echo "$name: expected two CLIENT_RANDOM lines" >&2; exit 1; }
}
record renegotiation-gcm 44301 ECDHE-RSA-AES128-GCM-SHA256
record renegotiation-cbc 44302 ECDHE-RSA-AES128-SHA

# --- expected.json --------------------------------------------------------------------------------------------
sha() { openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }
ROOT=$(sha root.pem) SERVER=$(sha server.pem) CLIENT=$(sha client.pem)
cat >"$HERE/expected.json" <<EOF
{
  "description": "TLS 1.2 on 127.0.0.1, SNI iis.example.test. First handshake: server-only, the server sends leaf then root. After the client's first request the server renegotiates (HelloRequest) and asks for a client certificate; the client sends its certificate (and the root, which OpenSSL adds from the client's CA store) inside the encrypted renegotiation. Resumption on renegotiation is off, so the renegotiation is a full handshake.",
  "captures": {
    "renegotiation-gcm.pcap": { "keylog": "renegotiation-gcm.keys", "port": 44301, "cipher": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
    "renegotiation-cbc.pcap": { "keylog": "renegotiation-cbc.keys", "port": 44302, "cipher": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" }
  },
  "serverChain": ["$SERVER", "$ROOT"],
  "clientChain": ["$CLIENT", "$ROOT"],
  "certificates": {
    "$SERVER": "pki/iis.pem",
    "$ROOT": "pki/root-ca.pem",
    "$CLIENT": "pki/user.pem"
  }
}
EOF
# Cross-check with tshark given the same key log: certificates of frames 1 (first handshake) and 2-3 (renegotiation).
if command -v tshark >/dev/null; then
  for name in renegotiation-gcm renegotiation-cbc; do
    got=$(tshark -r "$HERE/$name.pcap" -o "tls.keylog_file:$HERE/$name.keys" -Y 'tls.handshake.type == 11' \
      -T fields -e tls.handshake.certificate 2>/dev/null | tr ',\t' '\n\n' | grep -v '^$' |
      while read -r hex; do printf '%s' "$hex" | xxd -r -p | openssl dgst -sha256 -r | cut -d' ' -f1; done | tr '\n' ' ')
    want="$SERVER $ROOT $SERVER $ROOT $CLIENT $ROOT "
    [[ $got == "$want" ]] || { echo "$name: tshark sees [$got], expected [$want]" >&2; exit 1; }
  done
  say "tshark agrees"
fi
say "done: $(ls "$HERE")"

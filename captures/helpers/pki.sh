# shellcheck shell=bash
# Lab PKI for the scenario captures, sourced by captures/make.sh.
# Keys are written to $KEYS (a temp dir removed on exit); public certificates to $PKI (committed).
# Validity is relative to the moment the script runs, so "expired" means expired when the capture was made.

SUBJ_BASE="/C=US/O=Example Test Lab"

# ext_file NAME CONTENT...: writes an openssl extension section [v3] to $KEYS/NAME.ext
ext_file() {
  local name=$1; shift
  { echo "[v3]"; printf '%s\n' "$@"; } >"$KEYS/$name.ext"
}

# new_key NAME ALG: rsa2048 | rsa4096 | rsa1024 | p256
new_key() {
  local name=$1 alg=$2
  case $alg in
    rsa*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${alg#rsa}" -out "$KEYS/$name.key" 2>/dev/null ;;
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
            -out "$KEYS/$name.key" ;;
  esac
}

# self_signed NAME ALG CN DAYS EXT_LINES...
self_signed() {
  local name=$1 alg=$2 cn=$3 days=$4; shift 4
  new_key "$name" "$alg"
  ext_file "$name" "$@"
  # req takes extensions only from its config file, so the [v3] section goes there
  { printf '[req]\ndistinguished_name=dn\n[dn]\n'; cat "$KEYS/$name.ext"; } >"$KEYS/$name.req.cnf"
  openssl req -new -x509 -key "$KEYS/$name.key" -subj "$SUBJ_BASE/CN=$cn" -days "$days" -sha256 \
    -set_serial "0x$(openssl rand -hex 8)" -config "$KEYS/$name.req.cnf" -extensions v3 -out "$PKI/$name.pem"
}

# issue NAME ALG CN ISSUER DAYS DIGEST EXT_LINES...   (issued by $PKI/ISSUER.pem with $KEYS/ISSUER.key)
issue() {
  local name=$1 alg=$2 cn=$3 issuer=$4 days=$5 digest=$6; shift 6
  new_key "$name" "$alg"
  ext_file "$name" "$@" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid"
  openssl req -new -key "$KEYS/$name.key" -subj "$SUBJ_BASE/CN=$cn" -config "$KEYS/req.cnf" -out "$KEYS/$name.csr"
  openssl x509 -req -in "$KEYS/$name.csr" -CA "$PKI/$issuer.pem" -CAkey "$KEYS/$issuer.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days "$days" "-$digest" -extfile "$KEYS/$name.ext" -extensions v3 \
    -out "$PKI/$name.pem" 2>/dev/null
}

# ca_config DIR: a minimal `openssl ca` configuration whose database lives in DIR
ca_config() {
  local db=$1
  cat >"$db/ca.cnf" <<EOF
[ca]
default_ca = lab
[lab]
database = $db/index.txt
serial = $db/serial
new_certs_dir = $db
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
countryName = optional
organizationName = optional
commonName = supplied
EOF
}

# issue_dated NAME ALG CN ISSUER START END EXT_LINES...  (START/END as `date -d` expressions)
# openssl 3.0's x509 has no -not_before/-not_after, so these go through `openssl ca -startdate/-enddate`.
issue_dated() {
  local name=$1 alg=$2 cn=$3 issuer=$4 start end; start=$(date -u -d "$5" +%y%m%d%H%M%SZ); end=$(date -u -d "$6" +%y%m%d%H%M%SZ)
  shift 6
  new_key "$name" "$alg"
  ext_file "$name" "$@" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid"
  local db="$KEYS/ca-$name"; mkdir -p "$db"; : >"$db/index.txt"; openssl rand -hex 8 >"$db/serial"
  ca_config "$db"
  openssl req -new -key "$KEYS/$name.key" -subj "$SUBJ_BASE/CN=$cn" -config "$KEYS/req.cnf" -out "$KEYS/$name.csr"
  openssl ca -batch -notext -config "$db/ca.cnf" -cert "$PKI/$issuer.pem" -keyfile "$KEYS/$issuer.key" \
    -startdate "$start" -enddate "$end" -extfile "$KEYS/$name.ext" -extensions v3 \
    -in "$KEYS/$name.csr" -out "$PKI/$name.pem" 2>/dev/null
}

# self_signed_dated NAME ALG CN START END EXT_LINES...  (a root whose validity began in the past)
self_signed_dated() {
  local name=$1 alg=$2 cn=$3 start end; start=$(date -u -d "$4" +%y%m%d%H%M%SZ); end=$(date -u -d "$5" +%y%m%d%H%M%SZ)
  shift 5
  new_key "$name" "$alg"
  ext_file "$name" "$@"
  local db="$KEYS/ca-$name"; mkdir -p "$db"; : >"$db/index.txt"; openssl rand -hex 8 >"$db/serial"
  ca_config "$db"
  openssl req -new -key "$KEYS/$name.key" -subj "$SUBJ_BASE/CN=$cn" -config "$KEYS/req.cnf" -out "$KEYS/$name.csr"
  openssl ca -batch -notext -selfsign -config "$db/ca.cnf" -keyfile "$KEYS/$name.key" \
    -startdate "$start" -enddate "$end" -extfile "$KEYS/$name.ext" -extensions v3 \
    -in "$KEYS/$name.csr" -out "$PKI/$name.pem" 2>/dev/null
}

CA_EXT=("basicConstraints=critical,CA:true" "keyUsage=critical,keyCertSign,cRLSign" "subjectKeyIdentifier=hash")
LEAF_KU="keyUsage=critical,digitalSignature,keyEncipherment"
EKU_BOTH="extendedKeyUsage=serverAuth,clientAuth"
EKU_SERVER="extendedKeyUsage=serverAuth"
EKU_CLIENT="extendedKeyUsage=clientAuth"
LEAF_BC="basicConstraints=critical,CA:false"

build_pki() {
  printf '[req]\ndistinguished_name=dn\n[dn]\n' >"$KEYS/req.cnf"
  # RSA hierarchy: root > issuing CA > leaves (the usual enterprise CA behind Expressway and ASA certificates)
  self_signed root-ca rsa2048 "Example Test Root CA" 3650 "${CA_EXT[@]}"
  issue issuing-ca rsa2048 "Example Test Issuing CA" root-ca 1825 sha256 \
    "basicConstraints=critical,CA:true,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"

  # Expressway traversal zone peers: both need serverAuth AND clientAuth (each is client and server of the zone)
  issue expe rsa2048 expe.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_BOTH" \
    "subjectAltName=DNS:expe.example.test"
  issue expc rsa2048 expc.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_BOTH" \
    "subjectAltName=DNS:expc.example.test"
  issue expc-serverauth-only rsa2048 expc.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:expc.example.test"
  # Expressway-E cluster certificate: CN = cluster FQDN, SANs = cluster name and every peer
  issue expe-cluster rsa2048 expe-cluster.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_BOTH" \
    "subjectAltName=DNS:expe-cluster.example.test,DNS:expe1.example.test,DNS:expe2.example.test"

  # ASA: self-signed identity certificate (issuer = subject, as `crypto ca enroll` with `enrollment self`)
  self_signed asa-selfsigned rsa2048 vpn.example.test 365 "$LEAF_KU" "subjectAltName=DNS:vpn.example.test"
  # ASA certificate issued for another FQDN than the one users connect to
  issue asa-wrong-name rsa2048 asa-old.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:asa-old.example.test"
  # AnyConnect DTLS: a 4096-bit key and many SANs so the Certificate message must fragment at a small MTU
  issue vpn-dtls rsa4096 vpn.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:vpn.example.test,DNS:vpn1.example.test,DNS:vpn2.example.test,DNS:vpn3.example.test,DNS:vpn-dr.example.test,DNS:remote.example.test,DNS:sslvpn.example.test"

  # validity relative to the capture time
  issue_dated expired rsa2048 expired.example.test issuing-ca "-395 days" "-30 days" "$LEAF_BC" "$LEAF_KU" \
    "$EKU_SERVER" "subjectAltName=DNS:expired.example.test"
  issue_dated not-yet-valid rsa2048 future.example.test issuing-ca "+30 days" "+395 days" "$LEAF_BC" "$LEAF_KU" \
    "$EKU_SERVER" "subjectAltName=DNS:future.example.test"

  # TLS 1.3 web server (ECDSA key under the RSA CA) and a user certificate for mutual TLS 1.3
  issue www p256 www.example.test issuing-ca 365 sha256 "$LEAF_BC" "keyUsage=critical,digitalSignature" \
    "$EKU_SERVER" "subjectAltName=DNS:www.example.test"
  issue user1 p256 user1.example.test issuing-ca 365 sha256 "$LEAF_BC" "keyUsage=critical,digitalSignature" \
    "$EKU_CLIENT" "subjectAltName=email:user1@example.test"

  # SIP-TLS (CUCM), SMTP and PostgreSQL servers
  issue cucm rsa2048 cucm.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_BOTH" \
    "subjectAltName=DNS:cucm.example.test"
  issue mail rsa2048 mail.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:mail.example.test"
  issue db rsa2048 db.example.test issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:db.example.test"

  # Second RSA hierarchy with two intermediates: root 2 > policy CA > issuing CA 2 > leaf
  self_signed root2-ca rsa2048 "Example Test Root CA 2" 3650 "${CA_EXT[@]}"
  issue policy-ca rsa2048 "Example Test Policy CA" root2-ca 1825 sha256 \
    "basicConstraints=critical,CA:true,pathlen:1" "keyUsage=critical,keyCertSign,cRLSign"
  issue issuing2-ca rsa2048 "Example Test Issuing CA 2" policy-ca 1825 sha256 \
    "basicConstraints=critical,CA:true,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
  issue order rsa2048 order.example.test issuing2-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:order.example.test"

  # ECDSA P-256 hierarchy
  self_signed ecdsa-root-ca p256 "Example Test ECDSA Root CA" 3650 "${CA_EXT[@]}"
  issue ecdsa-issuing-ca p256 "Example Test ECDSA Issuing CA" ecdsa-root-ca 1825 sha256 \
    "basicConstraints=critical,CA:true,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
  issue ecdsa p256 ecdsa.example.test ecdsa-issuing-ca 365 sha256 "$LEAF_BC" "keyUsage=critical,digitalSignature" \
    "$EKU_SERVER" "subjectAltName=DNS:ecdsa.example.test"

  # legacy device: RSA-1024 key, SHA-1 signature
  issue legacy-rsa1024-sha1 rsa1024 legacy.example.test issuing-ca 365 sha1 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:legacy.example.test"

  # bundles used by the peers (chains as sent, trust stores)
  cat "$PKI/root-ca.pem" "$PKI/issuing-ca.pem" >"$KEYS/trust-root-issuing.pem"
  cp "$PKI/issuing-ca.pem" "$KEYS/chain-issuing.pem"
  cat "$PKI/policy-ca.pem" "$PKI/issuing2-ca.pem" "$PKI/root2-ca.pem" >"$KEYS/chain-out-of-order.pem"
  cp "$PKI/ecdsa-issuing-ca.pem" "$KEYS/chain-ecdsa.pem"
}

# The 2026 scenarios (Expressway X15.5 certificate stores, the public client-EKU sunset) have a hierarchy of their
# own, so they can be added to the committed set (`make.sh --add`) without regenerating the other captures.
PKI_2026=(lab26-root-ca lab26-issuing-ca expe-server-store expc-client-store public-root-ca public-ca-g1
  public-tls-ca-g2 expe-public expc-public-2026 expc-public-renewed)

build_pki_2026() {
  printf '[req]\ndistinguished_name=dn\n[dn]\n' >"$KEYS/req.cnf"
  # The lab's private enterprise CA (private PKI is not touched by the public CAs' policies).
  self_signed lab26-root-ca rsa2048 "Example Test Root CA 2026" 3650 "${CA_EXT[@]}"
  issue lab26-issuing-ca rsa2048 "Example Test Issuing CA 2026" lab26-root-ca 1825 sha256 \
    "basicConstraints=critical,CA:true,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
  # Expressway X15.5 (CSCwr73373): the Expressway-E presents the certificate of its server certificate store
  # (serverAuth only), the Expressway-C that of its client certificate store (clientAuth only).
  issue expe-server-store rsa2048 expe.example.test lab26-issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:expe.example.test"
  issue expc-client-store rsa2048 expc.example.test lab26-issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_CLIENT" \
    "subjectAltName=DNS:expc.example.test"

  # A public-CA-like hierarchy (the tests name its root with --public-roots). G1 is the older multi-purpose
  # intermediate (no EKU constraint); G2 the dedicated TLS server intermediate that Chrome Root Program Policy v1.8
  # requires of every new intermediate from 2026-06-15 (serverAuth only). Dates are relative to the run; make.sh
  # refuses to build them before 2026-10-15, so that G2 and the renewed leaf fall after the cut-offs.
  local SUBJ_BASE="/C=US/O=Example Public Trust"
  self_signed_dated public-root-ca rsa2048 "Example Public Root CA" "-7 years" "+13 years" "${CA_EXT[@]}"
  issue_dated public-ca-g1 rsa2048 "Example Public CA G1" public-root-ca "-4 years" "+6 years" \
    "basicConstraints=critical,CA:true,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
  issue_dated public-tls-ca-g2 rsa2048 "Example Public TLS CA G2" public-root-ca "-150 days" "+7 years" \
    "basicConstraints=critical,CA:true,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign" "$EKU_SERVER"
  # Leaves live at most 398 days, as public TLS certificates do. The Expressway-E's and the Expressway-C's
  # certificates of early 2026 still carry both EKUs; the Expressway-C's renewal comes from G2 without clientAuth.
  SUBJ_BASE="/C=US/O=Example Test Lab"
  issue_dated expe-public rsa2048 expe.example.test public-ca-g1 "-200 days" "+198 days" "$LEAF_BC" "$LEAF_KU" \
    "$EKU_BOTH" "subjectAltName=DNS:expe.example.test"
  issue_dated expc-public-2026 rsa2048 expc.example.test public-ca-g1 "-330 days" "+68 days" "$LEAF_BC" "$LEAF_KU" \
    "$EKU_BOTH" "subjectAltName=DNS:expc.example.test"
  issue_dated expc-public-renewed rsa2048 expc.example.test public-tls-ca-g2 "-20 days" "+378 days" "$LEAF_BC" \
    "$LEAF_KU" "$EKU_SERVER" "subjectAltName=DNS:expc.example.test"

  cp "$PKI/lab26-issuing-ca.pem" "$KEYS/chain-lab26.pem"
  cp "$PKI/public-ca-g1.pem" "$KEYS/chain-public-g1.pem"
  cp "$PKI/public-tls-ca-g2.pem" "$KEYS/chain-public-g2.pem"
}

# The QUIC scenarios have a hierarchy of their own too (`make.sh --add quic`). ngtcp2's gtlsclient sends the host
# name it connects to as SNI (its --sni option is not used by the GnuTLS build), and only a name that resolves
# without editing /etc/hosts will do on the loopback: localhost.
PKI_QUIC=(quic-root-ca quic-issuing-ca quic-h3 quic-user)

build_pki_quic() {
  printf '[req]\ndistinguished_name=dn\n[dn]\n' >"$KEYS/req.cnf"
  self_signed quic-root-ca p256 "Example Test QUIC Root CA" 3650 "${CA_EXT[@]}"
  issue quic-issuing-ca p256 "Example Test QUIC Issuing CA" quic-root-ca 1825 sha256 \
    "basicConstraints=critical,CA:true,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign"
  issue quic-h3 rsa2048 localhost quic-issuing-ca 365 sha256 "$LEAF_BC" "$LEAF_KU" "$EKU_SERVER" \
    "subjectAltName=DNS:localhost"
  issue quic-user p256 "QUIC Test User" quic-issuing-ca 365 sha256 "$LEAF_BC" "keyUsage=critical,digitalSignature" \
    "$EKU_CLIENT"
  cat "$PKI/quic-h3.pem" "$PKI/quic-issuing-ca.pem" >"$KEYS/quic-h3-chain.pem"
  cat "$PKI/quic-user.pem" "$PKI/quic-issuing-ca.pem" >"$KEYS/quic-user-chain.pem"
}

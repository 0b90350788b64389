#!/usr/bin/env bash
# Regenerates the capture pairs of `certshark compare` in captures/compare/: for each scenario a client, a device in
# the middle and a server in three network namespaces (client 10.79.1.1 | middle 10.79.1.2, 10.79.2.1 | server
# 10.79.2.2), recorded with tcpdump on both sides of the middle at once: <name>.a.pcap on the client's side (A),
# <name>.b.pcap on the server's side (B). The client connects to the server's address; iptables REDIRECT in the
# middle hands the connection to the middle device (middle.mjs), which connects on from its own address: the
# addresses and ports differ between A and B, as through NAT.
#
#   relay        TCP relay: the TLS session is end to end
#   resign       TLS inspection re-signing with its own CA: the client (trusting the real root only) refuses it
#   reoriginate  terminates and re-originates with the real certificate; one name is answered by the middle only
#
# Needs root, openssl 3, tcpdump, iproute2, iptables, node. Writes the PKI (public certificates only) to pki/.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
mkdir -p "$OUT/pki"
WORK=$(mktemp -d /tmp/certshark-compare.XXXXXX)
NS_C=cshk-cc-$$ NS_M=cshk-cm-$$ NS_S=cshk-cs-$$
C4=10.79.1.1 MC4=10.79.1.2 MS4=10.79.2.1 S4=10.79.2.2
BG_PIDS=()

cleanup() {
  local rc=$?
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for ns in "$NS_C" "$NS_M" "$NS_S"; do ip netns del "$ns" 2>/dev/null || true; done
  if [[ $rc -ne 0 && -n ${KEEP_LOGS:-} ]]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in openssl tcpdump ip iptables node; do
  command -v "$tool" >/dev/null || { echo "make.sh: $tool is required" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "make.sh: needs root (network namespaces)" >&2; exit 2; }

say() { printf '== %s\n' "$*" >&2; }
inC() { ip netns exec "$NS_C" "$@"; }
inM() { ip netns exec "$NS_M" "$@"; }
inS() { ip netns exec "$NS_S" "$@"; }

# --- PKI: the server's real chain (root, issuing CA, leaf) and an inspection CA with its forged leaf -------------
K=$WORK/keys P=$OUT/pki
mkdir -p "$K"
SUBJ="/C=US/O=Example Test Lab"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$K/$1.key" 2>/dev/null; }
ca() { # NAME CN [ISSUER]
  key "$1"
  printf '[req]\ndistinguished_name=dn\n[dn]\n[v3]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' >"$K/$1.cnf"
  if [[ -z ${3:-} ]]; then
    openssl req -new -x509 -key "$K/$1.key" -subj "$2" -days 3650 -config "$K/$1.cnf" -extensions v3 -out "$P/$1.pem"
  else
    openssl req -new -key "$K/$1.key" -subj "$2" -config "$K/$1.cnf" -out "$K/$1.csr"
    printf '[v3]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$K/$1.ext"
    openssl x509 -req -in "$K/$1.csr" -CA "$P/$3.pem" -CAkey "$K/$3.key" -set_serial "0x$(openssl rand -hex 8)" \
      -days 3650 -extfile "$K/$1.ext" -extensions v3 -out "$P/$1.pem" 2>/dev/null
  fi
}
leaf() { # NAME CN ISSUER
  key "$1"
  printf '[req]\ndistinguished_name=dn\n[dn]\n' >"$K/req.cnf"
  openssl req -new -key "$K/$1.key" -subj "$2" -config "$K/req.cnf" -out "$K/$1.csr"
  printf '[v3]\nbasicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:expe.example.test,DNS:www.example.test,DNS:blocked.example.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$K/$1.ext"
  openssl x509 -req -in "$K/$1.csr" -CA "$P/$3.pem" -CAkey "$K/$3.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 825 -extfile "$K/$1.ext" -extensions v3 -out "$P/$1.pem" 2>/dev/null
}
say PKI
ca root-ca "$SUBJ/CN=Example Path Root CA"
ca issuing-ca "$SUBJ/CN=Example Path Issuing CA" root-ca
leaf server "$SUBJ/CN=expe.example.test" issuing-ca
ca inspection-ca "/C=US/O=Example Firewall/CN=Example Firewall Inspection CA"
leaf inspection-leaf "$SUBJ/CN=expe.example.test" inspection-ca
# The middle device reads its files from one folder (keys stay in the temp dir).
cp "$P"/*.pem "$K"/
cat "$P/root-ca.pem" "$P/inspection-ca.pem" >"$K/client-trust.pem"

# --- network -------------------------------------------------------------------------------------------------
say network
ip netns add "$NS_C"; ip netns add "$NS_M"; ip netns add "$NS_S"
ip link add vc0 netns "$NS_C" type veth peer name vmc0 netns "$NS_M"
ip link add vms0 netns "$NS_M" type veth peer name vs0 netns "$NS_S"
inC ip addr add "$C4/24" dev vc0; inM ip addr add "$MC4/24" dev vmc0
inM ip addr add "$MS4/24" dev vms0; inS ip addr add "$S4/24" dev vs0
for ns in "$NS_C" "$NS_M" "$NS_S"; do ip netns exec "$ns" ip link set lo up; done
inC ip link set vc0 up; inM ip link set vmc0 up; inM ip link set vms0 up; inS ip link set vs0 up
for pair in "$NS_C vc0" "$NS_M vmc0" "$NS_M vms0" "$NS_S vs0"; do
  set -- $pair; ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
done
inC ip route add 10.79.2.0/24 via "$MC4"
inS ip route add 10.79.1.0/24 via "$MS4"
# The client's TLS connections to the server's ports go to the middle device instead (a transparent proxy).
inM iptables -t nat -A PREROUTING -i vmc0 -p tcp -m multiport --dports 443,7001 -j REDIRECT --to-ports 17000
inC ping -c1 -W2 "$MC4" >/dev/null 2>&1 || true
inS ping -c1 -W2 "$MS4" >/dev/null 2>&1 || true
sleep 0.3

CAPS=()
cap_start() { # FILE IFACE
  local log=$WORK/$(basename "$1").log
  rm -f "$1"
  ip netns exec "$NS_M" tcpdump -i "$2" -U --immediate-mode -Z root -n -w "$1" "tcp port 443 or tcp port 7001" >"$log" 2>&1 &
  CAPS+=("$!"); BG_PIDS+=("$!")
  for _ in $(seq 100); do grep -q 'listening on' "$log" 2>/dev/null && return 0; sleep 0.05; done
  echo "capture did not start: $(cat "$log")" >&2; return 1
}
cap_stop() {
  sleep 0.5
  for p in "${CAPS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${CAPS[@]}"; do wait "$p" 2>/dev/null || true; done
  CAPS=()
  chmod 644 "$OUT"/*.pcap
}
wait_port() { # NS PORT
  for _ in $(seq 200); do [[ $(ip netns exec "$1" ss -Hltn "sport = :$2" | wc -l) -ge 1 ]] && return 0; sleep 0.02; done
  echo "nothing listens on $2" >&2; return 1
}

# scenario NAME MODE [NAMES]: the server answers on 7001 (twice) and 443; the client connects three times, one after
# the other, trusting the real root only on 7001 (-verify_return_error: a forged chain ends with an unknown_ca
# alert); NAMES adds connections on 7001 that the middle answers itself.
scenario() {
  local name=$1 mode=$2 extra=${3:-}
  say "$name ($mode)"
  local n7=2 n4=1 total=2
  [[ -n $extra ]] && total=$((total + 1))
  cap_start "$OUT/$name.a.pcap" vmc0
  cap_start "$OUT/$name.b.pcap" vms0
  ip netns exec "$NS_S" timeout 30 openssl s_server -accept 7001 -naccept $n7 -quiet -rev -tls1_2 -cert "$P/server.pem" -key "$K/server.key" \
    -cert_chain "$P/issuing-ca.pem" </dev/null >"$WORK/$name.s7.log" 2>&1 & BG_PIDS+=("$!"); local s7=$!
  ip netns exec "$NS_S" timeout 30 openssl s_server -accept 443 -naccept $n4 -quiet -rev -tls1_2 -cert "$P/server.pem" -key "$K/server.key" \
    -cert_chain "$P/issuing-ca.pem" </dev/null >"$WORK/$name.s4.log" 2>&1 & BG_PIDS+=("$!"); local s4=$!
  wait_port "$NS_S" 7001; wait_port "$NS_S" 443
  ip netns exec "$NS_M" timeout 30 node "$HERE/middle.mjs" "$mode" 17000 "$S4" 7001 "$K" "$total" >"$WORK/$name.m.log" 2>&1 &
  BG_PIDS+=("$!"); local mid=$!
  wait_port "$NS_M" 17000
  # The relay and the proxies connect on to 7001; the 443 handshake goes through a second middle on its own port.
  inM iptables -t nat -I PREROUTING 1 -i vmc0 -p tcp --dport 443 -j REDIRECT --to-ports 17443
  ip netns exec "$NS_M" timeout 30 node "$HERE/middle.mjs" "$mode" 17443 "$S4" 443 "$K" 1 >"$WORK/$name.m4.log" 2>&1 &
  BG_PIDS+=("$!"); local mid4=$!
  wait_port "$NS_M" 17443
  local sni
  # Each client sends a line and waits for the echo (s_server -rev), so data crosses the middle both ways and no
  # session is torn down mid-handshake.
  cli() { { printf 'traversal zone keep-alive\n'; sleep 0.4; } | inC timeout 20 openssl s_client "$@" >>"$WORK/$name.c.log" 2>&1 || true; }
  for sni in expe.example.test expe.example.test; do
    cli -connect "$S4:7001" -tls1_2 -servername "$sni" -CAfile "$P/root-ca.pem" -verify_return_error
    sleep 0.3
  done
  # This client also trusts the inspection CA (a managed laptop whose policy allows inspection): its handshake
  # through the re-signing proxy completes.
  cli -connect "$S4:443" -tls1_2 -servername www.example.test -CAfile "$K/client-trust.pem" -verify_return_error
  for sni in $extra; do
    sleep 0.3
    cli -connect "$S4:7001" -tls1_2 -servername "$sni" -CAfile "$P/root-ca.pem" -verify_return_error
  done
  # A middle whose client went away before it connected on leaves the server waiting: end the servers.
  wait "$mid" 2>/dev/null || true; wait "$mid4" 2>/dev/null || true
  sleep 0.3
  kill "$s7" "$s4" 2>/dev/null || true; wait "$s7" "$s4" 2>/dev/null || true
  inM iptables -t nat -D PREROUTING 1
  cap_stop
}

scenario relay relay
scenario resign resign
scenario reoriginate reoriginate blocked.example.test
rm -f "$OUT/pki/"*.key
say "done: $(ls "$OUT"/*.pcap | wc -l) captures in $OUT"

#!/usr/bin/env bash
# Regenerates every scenario capture in captures/ from scratch: a lab PKI (captures/pki/*.pem, public certificates
# only), real openssl / Python TLS peers in two network namespaces joined by a veth pair, recorded with tcpdump or
# dumpcap, and one <name>.expected.json per capture, checked against tshark.
#
# Needs root, openssl (3.x), tcpdump (>= 4.99 for LINUX_SLL2), dumpcap + tshark (Debian: tshark), iproute2, ethtool,
# iptables (for real packet loss in many-handshakes), python3, and for quic ngtcp2's GnuTLS examples (Debian:
# ngtcp2-server, ngtcp2-client). Takes one to two minutes.
#
#   captures/make.sh            all scenarios, written into captures/
#   captures/make.sh NAME...    only these (e.g. dtls12 many_handshakes), written into a new folder under /tmp (or
#                               $CAPTURES_OUT): each run makes a new PKI, so a partial run must not mix with the set
#   captures/make.sh --add [NAME...]
#                               the scenarios with a PKI of their own (the 2026 ones: traversal_two_stores,
#                               traversal_public_ca_renewal; and quic), written into captures/: only their
#                               certificates are made anew, the rest of the set is left as it is
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ADD=
if [[ ${1:-} == --add ]]; then ADD=1; shift; fi
if [[ $# -eq 0 || -n $ADD ]]; then OUT=$HERE
else OUT=${CAPTURES_OUT:-$(mktemp -d /tmp/certshark-captures-partial.XXXXXX)}; fi
mkdir -p "$OUT"
PKI=$OUT/pki
HELPERS=$HERE/helpers
WORK=$(mktemp -d /tmp/certshark-captures.XXXXXX)
KEYS=$WORK/keys
LOG=$WORK/log
NS_C=cshk-c-$$   # client side ("Expressway-C", AnyConnect user), 10.77.0.1
NS_S=cshk-s-$$   # server side ("Expressway-E", ASA, CUCM), 10.77.0.2
VC=vc0 VS=vs0
C4=10.77.0.1 S4=10.77.0.2 C6=fd77::1 S6=fd77::2
BG_PIDS=()

cleanup() {
  local rc=$?
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$NS_C" 2>/dev/null || true
  ip netns del "$NS_S" 2>/dev/null || true
  if [[ $rc -ne 0 && -n ${KEEP_LOGS:-} ]]; then echo "logs kept in $LOG" >&2; rm -rf "$KEYS"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in openssl tcpdump dumpcap tshark ip ethtool iptables python3 ss; do
  command -v "$tool" >/dev/null || { echo "make.sh: $tool is required" >&2; exit 2; }
done
[[ $(id -u) -eq 0 ]] || { echo "make.sh: needs root (network namespaces)" >&2; exit 2; }

mkdir -p "$KEYS" "$LOG" "$PKI"
# shellcheck source=helpers/pki.sh
source "$HELPERS/pki.sh"
[[ -n $ADD ]] || rm -f "$PKI"/*.pem

say() { printf '== %s\n' "$*" >&2; }
inC() { ip netns exec "$NS_C" "$@"; }
inS() { ip netns exec "$NS_S" "$@"; }

setup_net() {
  ip netns add "$NS_C"; ip netns add "$NS_S"
  ip link add "$VC" netns "$NS_C" mtu 1500 type veth peer name "$VS" netns "$NS_S" mtu 1500
  inC ip addr add "$C4/24" dev "$VC"; inS ip addr add "$S4/24" dev "$VS"
  inC ip -6 addr add "$C6/64" dev "$VC" nodad; inS ip -6 addr add "$S6/64" dev "$VS" nodad
  # Offloads off: the capture then shows wire-sized segments with real checksums, not 64 KB super-packets.
  for side in C S; do
    local dev; if [[ $side == C ]]; then dev=$VC; else dev=$VS; fi
    ip netns exec "cshk-${side,,}-$$" ethtool -K "$dev" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    ip netns exec "cshk-${side,,}-$$" ip link set lo up
    ip netns exec "cshk-${side,,}-$$" ip link set "$dev" up
  done
  # let IPv6 settle and ARP/ND resolve outside of any capture
  inC ping -c1 -W2 "$S4" >/dev/null 2>&1 || true
  sleep 0.3
}

# cap_start FILE TOOL FILTER [extra args]: records on the client side's veth; TOOL is tcpdump (pcap) or dumpcap
# (pcapng). Waits until the capture is live.
CAP_PID=
cap_start() {
  local file=$1 tool=$2 filter=$3; shift 3
  rm -f "$file"
  local log=$LOG/$(basename "$file").cap.log
  if [[ $tool == tcpdump ]]; then
    ip netns exec "$NS_C" tcpdump -i "$VC" -U --immediate-mode -Z root -n -w "$file" "$@" "$filter" >"$log" 2>&1 &
  elif [[ $tool == tcpdump-lo ]]; then
    ip netns exec "$NS_C" tcpdump -i lo -U --immediate-mode -Z root -n -w "$file" "$@" "$filter" >"$log" 2>&1 &
  elif [[ $tool == tcpdump-any ]]; then
    ip netns exec "$NS_C" tcpdump -i any -y LINUX_SLL2 -U --immediate-mode -Z root -n -w "$file" "$@" "$filter" >"$log" 2>&1 &
  else
    ip netns exec "$NS_C" dumpcap -q -i "$VC" -f "$filter" "$@" -w "$file" >"$log" 2>&1 &
  fi
  CAP_PID=$!
  BG_PIDS+=("$CAP_PID")
  for _ in $(seq 100); do
    grep -qE 'listening on|Capturing on' "$log" 2>/dev/null && { sleep 0.2; return 0; }
    sleep 0.05
  done
  echo "capture did not start: $(cat "$log")" >&2; return 1
}
cap_stop() {
  sleep 0.3
  kill -INT "$CAP_PID" 2>/dev/null || true
  wait "$CAP_PID" 2>/dev/null || true
  chmod 644 "$OUT"/*.pcap* 2>/dev/null || true
}

# wait_listen PORT [tcp|udp] [count]: until the server namespace has COUNT listeners on PORT
wait_listen() {
  local port=$1 proto=${2:-tcp} want=${3:-1} flag=t
  [[ $proto == udp ]] && flag=u
  for _ in $(seq 200); do
    [[ $(inS ss -Hl"$flag"n "sport = :$port" | wc -l) -ge $want ]] && return 0
    sleep 0.02
  done
  echo "server on $port/$proto did not start" >&2; return 1
}

# srv NAME PORT ARGS...: one-connection openssl s_server in the server namespace
SRV_PID=
srv() {
  local name=$1 port=$2; shift 2
  ip netns exec "$NS_S" timeout 20 openssl s_server -accept "$port" -naccept 1 -quiet "$@" </dev/null >"$LOG/$name.srv.log" 2>&1 &
  SRV_PID=$!
  BG_PIDS+=("$SRV_PID")
}
srv_wait() { wait "$SRV_PID" 2>/dev/null || true; }

# cli NAME HOST:PORT ARGS...: openssl s_client from the client namespace; failure is expected in some scenarios
cli() {
  local name=$1 target=$2; shift 2
  inC timeout 20 openssl s_client -connect "$target" "$@" </dev/null >"$LOG/$name.cli.log" 2>&1 || true
}

# cli_data NAME HOST:PORT ARGS...: like cli, but the client sends a line and waits for the answer (the server runs
# with -rev), so application data flows both ways after the handshake
cli_data() {
  local name=$1 target=$2; shift 2
  { printf 'traversal zone keep-alive\n'; sleep 1; } | inC timeout 20 openssl s_client -connect "$target" "$@" \
    >"$LOG/$name.cli.log" 2>&1 || true
}

k() { echo "$KEYS/$1.key"; }
p() { echo "$PKI/$1.pem"; }

expect() { python3 "$HELPERS/expected.py" "$OUT" "$1" "${2:-}"; }

# ---------------------------------------------------------------------------------------------------------------
scenario_traversal_healthy() {
  local f=$OUT/traversal-healthy.pcapng
  cap_start "$f" dumpcap "tcp port 7001"
  srv th 7001 -cert "$(p expe)" -key "$(k expe)" -cert_chain "$KEYS/chain-issuing.pem" \
    -Verify 2 -CAfile "$(p root-ca)" -verify_return_error
  wait_listen 7001
  cli th "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc)" -key "$(k expc)" \
    -cert_chain "$KEYS/chain-issuing.pem" -CAfile "$(p root-ca)" -verify_return_error -verify_hostname expe.example.test
  srv_wait; cap_stop
  expect traversal-healthy
}

scenario_traversal_missing_intermediate() {
  local f=$OUT/traversal-missing-intermediate.pcap
  cap_start "$f" tcpdump "tcp port 7001"
  # No -cert_chain, and a verify store without the issuing CA: openssl's automatic chain building finds nothing
  # and E sends its leaf alone, as an Expressway-E whose intermediate was never uploaded.
  srv tmi 7001 -cert "$(p expe)" -key "$(k expe)" -Verify 2 -CAfile "$(p root-ca)"
  wait_listen 7001
  cli tmi "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc)" -key "$(k expc)" \
    -cert_chain "$KEYS/chain-issuing.pem" -CAfile "$(p root-ca)" -verify_return_error
  srv_wait; cap_stop
  expect traversal-missing-intermediate
}

scenario_traversal_no_clientauth() {
  local f=$OUT/traversal-no-clientauth.pcapng
  cap_start "$f" dumpcap "tcp port 7001"
  srv tnc 7001 -cert "$(p expe)" -key "$(k expe)" -cert_chain "$KEYS/chain-issuing.pem" \
    -Verify 2 -CAfile "$(p root-ca)" -verify_return_error -purpose sslclient
  wait_listen 7001
  cli tnc "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc-serverauth-only)" \
    -key "$(k expc-serverauth-only)" -cert_chain "$KEYS/chain-issuing.pem" -CAfile "$(p root-ca)"
  srv_wait; cap_stop
  expect traversal-no-clientauth
}

scenario_anyconnect_selfsigned() {
  local f=$OUT/anyconnect-selfsigned.pcap
  cap_start "$f" tcpdump "tcp port 443"
  srv acs 443 -cert "$(p asa-selfsigned)" -key "$(k asa-selfsigned)"
  wait_listen 443
  cli acs "$S4:443" -tls1_2 -servername vpn.example.test
  srv_wait; cap_stop
  expect anyconnect-selfsigned
}

scenario_anyconnect_name_mismatch() {
  local f=$OUT/anyconnect-name-mismatch.pcapng
  cap_start "$f" dumpcap "tcp port 443"
  srv anm 443 -cert "$(p asa-wrong-name)" -key "$(k asa-wrong-name)" -cert_chain "$KEYS/chain-issuing.pem"
  wait_listen 443
  cli anm "$S4:443" -tls1_2 -servername vpn.example.test
  srv_wait; cap_stop
  expect anyconnect-name-mismatch
}

scenario_validity() {
  local f=$OUT/expired-and-not-yet-valid.pcap
  cap_start "$f" tcpdump "tcp port 443"
  srv exp 443 -cert "$(p expired)" -key "$(k expired)" -cert_chain "$KEYS/chain-issuing.pem"
  wait_listen 443
  cli exp "$S4:443" -tls1_2 -servername expired.example.test
  srv_wait
  srv nyv 443 -cert "$(p not-yet-valid)" -key "$(k not-yet-valid)" -cert_chain "$KEYS/chain-issuing.pem"
  wait_listen 443
  cli nyv "$S4:443" -tls1_2 -servername future.example.test
  srv_wait; cap_stop
  expect expired-and-not-yet-valid
}

scenario_tls13_keylog() {
  local f=$OUT/tls13-keylog.pcapng
  rm -f "$WORK"/tls13-*.keys
  cap_start "$f" dumpcap "tcp port 443"
  srv t13 443 -tls1_3 -cert "$(p www)" -key "$(k www)" -cert_chain "$KEYS/chain-issuing.pem"
  wait_listen 443
  cli t13 "$S4:443" -tls1_3 -servername www.example.test -keylogfile "$WORK/tls13-a.keys"
  srv_wait
  # mutual TLS 1.3: the client's Certificate travels encrypted too
  srv t13m 443 -tls1_3 -cert "$(p www)" -key "$(k www)" -cert_chain "$KEYS/chain-issuing.pem" \
    -Verify 2 -CAfile "$(p root-ca)" -verify_return_error
  wait_listen 443
  cli t13m "$S4:443" -tls1_3 -servername www.example.test -cert "$(p user1)" -key "$(k user1)" \
    -cert_chain "$KEYS/chain-issuing.pem" -keylogfile "$WORK/tls13-b.keys"
  srv_wait; cap_stop
  cat "$WORK/tls13-a.keys" "$WORK/tls13-b.keys" >"$OUT/tls13-keylog.keys"
  expect tls13-keylog
}

scenario_dtls12() {
  local f=$OUT/dtls12-fragmented.pcapng
  cap_start "$f" dumpcap "udp port 443"
  # AnyConnect's DTLS tunnel runs on UDP 443; a 600-byte MTU makes the 4096-bit leaf's Certificate message fragment
  srv dtls 443 -dtls1_2 -mtu 600 -cert "$(p vpn-dtls)" -key "$(k vpn-dtls)" -cert_chain "$KEYS/chain-issuing.pem"
  wait_listen 443 udp
  cli dtls "$S4:443" -dtls1_2 -mtu 600 -servername vpn.example.test
  srv_wait; cap_stop
  expect dtls12-fragmented
}

scenario_sip_tls() {
  local f=$OUT/sip-tls-no-client-cert.pcap
  cap_start "$f" tcpdump "tcp port 5061"
  # CUCM in secure mode asks for a phone certificate and names the CAs it accepts (both lab CAs)
  srv sip 5061 -cert "$(p cucm)" -key "$(k cucm)" -cert_chain "$KEYS/chain-issuing.pem" \
    -Verify 2 -CAfile "$KEYS/trust-root-issuing.pem"
  wait_listen 5061
  cli sip "$S4:5061" -tls1_2 -servername cucm.example.test -CAfile "$(p root-ca)"
  srv_wait; cap_stop
  expect sip-tls-no-client-cert
}

scenario_starttls() {
  cat "$(p mail)" "$(p issuing-ca)" >"$KEYS/mail-chain.pem"
  cat "$(p db)" "$(p issuing-ca)" >"$KEYS/db-chain.pem"
  local f=$OUT/starttls-smtp.pcap
  cap_start "$f" tcpdump "tcp port 25"
  ip netns exec "$NS_S" timeout 20 python3 "$HELPERS/starttls_server.py" smtp 25 "$KEYS/mail-chain.pem" "$(k mail)" \
    >"$LOG/smtp.srv.log" 2>&1 &
  SRV_PID=$!; BG_PIDS+=("$SRV_PID")
  wait_listen 25
  cli smtp "$S4:25" -tls1_2 -starttls smtp -name client.example.test -servername mail.example.test
  srv_wait; cap_stop
  expect starttls-smtp

  f=$OUT/starttls-postgres.pcapng
  cap_start "$f" dumpcap "tcp port 5432"
  ip netns exec "$NS_S" timeout 20 python3 "$HELPERS/starttls_server.py" postgres 5432 "$KEYS/db-chain.pem" "$(k db)" \
    >"$LOG/pg.srv.log" 2>&1 &
  SRV_PID=$!; BG_PIDS+=("$SRV_PID")
  wait_listen 5432
  cli pg "$S4:5432" -tls1_2 -starttls postgres -servername db.example.test
  srv_wait; cap_stop
  expect starttls-postgres
}

scenario_link_types() {
  # Two interfaces with different link types in one pcapng: the veth (Ethernet) and a TUN device (raw IP, like
  # AnyConnect's cscotun0) carried over a small UDP bridge between the namespaces.
  ip netns exec "$NS_S" python3 "$HELPERS/tun_bridge.py" tun0 10.78.0.2/24 "$S4" "$C4" 4500 >"$LOG/tunS.log" 2>&1 &
  BG_PIDS+=("$!"); local tunS=$!
  ip netns exec "$NS_C" python3 "$HELPERS/tun_bridge.py" cscotun0 10.78.0.1/24 "$C4" "$S4" 4500 >"$LOG/tunC.log" 2>&1 &
  BG_PIDS+=("$!"); local tunC=$!
  for _ in $(seq 100); do inC ip link show cscotun0 >/dev/null 2>&1 && inS ip link show tun0 >/dev/null 2>&1 && break; sleep 0.05; done
  inC ping -c1 -W2 10.78.0.2 >/dev/null 2>&1 || true
  local f=$OUT/two-link-types.pcapng
  rm -f "$f"
  ip netns exec "$NS_C" dumpcap -q -i "$VC" -f "tcp port 443" -i cscotun0 -f "tcp port 8443" -w "$f" >"$LOG/lt.cap.log" 2>&1 &
  CAP_PID=$!; BG_PIDS+=("$CAP_PID")
  for _ in $(seq 100); do grep -q 'cscotun0' "$LOG/lt.cap.log" 2>/dev/null && break; sleep 0.05; done
  sleep 0.3
  srv lt1 443 -cert "$(p www)" -key "$(k www)" -cert_chain "$KEYS/chain-issuing.pem"
  wait_listen 443
  cli lt1 "$S4:443" -tls1_2 -servername www.example.test
  srv_wait
  srv lt2 8443 -cert "$(p mail)" -key "$(k mail)" -cert_chain "$KEYS/chain-issuing.pem"
  wait_listen 8443
  cli lt2 "10.78.0.2:8443" -tls1_2 -servername mail.example.test
  srv_wait; cap_stop
  kill "$tunS" "$tunC" 2>/dev/null || true; wait "$tunS" "$tunC" 2>/dev/null || true
  expect two-link-types

  f=$OUT/linux-any-sll2.pcap
  cap_start "$f" tcpdump-any "tcp port 7001"
  srv sll 7001 -cert "$(p expe)" -key "$(k expe)" -cert_chain "$KEYS/chain-issuing.pem" \
    -Verify 2 -CAfile "$(p root-ca)" -verify_return_error
  wait_listen 7001
  cli sll "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc)" -key "$(k expc)" \
    -cert_chain "$KEYS/chain-issuing.pem" -CAfile "$(p root-ca)"
  srv_wait; cap_stop
  expect linux-any-sll2
}

scenario_chain_variants() {
  local f=$OUT/chain-variants.pcapng
  cap_start "$f" dumpcap "tcp port 443 or tcp port 7001"
  srv cv1 443 -cert "$(p order)" -key "$(k order)" -cert_chain "$KEYS/chain-out-of-order.pem"
  wait_listen 443
  cli cv1 "$S4:443" -tls1_2 -servername order.example.test
  srv_wait
  srv cv2 443 -cert "$(p ecdsa)" -key "$(k ecdsa)" -cert_chain "$KEYS/chain-ecdsa.pem"
  wait_listen 443
  cli cv2 "$S4:443" -tls1_2 -servername ecdsa.example.test
  srv_wait
  # RSA-1024 with a SHA-1 signature is refused at openssl's default security level 2 on both ends
  srv cv3 443 -cert "$(p legacy-rsa1024-sha1)" -key "$(k legacy-rsa1024-sha1)" -cert_chain "$KEYS/chain-issuing.pem" \
    -cipher 'DEFAULT@SECLEVEL=0'
  wait_listen 443
  cli cv3 "$S4:443" -tls1_2 -servername legacy.example.test -cipher 'DEFAULT@SECLEVEL=0'
  srv_wait
  srv cv4 7001 -cert "$(p expe-cluster)" -key "$(k expe-cluster)" -cert_chain "$KEYS/chain-issuing.pem" \
    -Verify 2 -CAfile "$(p root-ca)" -verify_return_error
  wait_listen 7001
  cli cv4 "$S4:7001" -tls1_2 -servername expe1.example.test -cert "$(p expc)" -key "$(k expc)" \
    -cert_chain "$KEYS/chain-issuing.pem" -CAfile "$(p root-ca)" -verify_return_error -verify_hostname expe1.example.test
  srv_wait; cap_stop
  expect chain-variants
}

# Expressway X15.5 (Cisco CSCwr73373, field notice FN74362): a server certificate store and a client certificate
# store. The Expressway-E presents its serverAuth-only server certificate, the Expressway-C its clientAuth-only client
# certificate; each side checks the other's for its role (-purpose), the handshake completes and data flows.
scenario_traversal_two_stores() {
  local f=$OUT/traversal-two-stores.pcapng
  cap_start "$f" dumpcap "tcp port 7001"
  srv tts 7001 -rev -cert "$(p expe-server-store)" -key "$(k expe-server-store)" -cert_chain "$KEYS/chain-lab26.pem" \
    -Verify 2 -CAfile "$(p lab26-root-ca)" -verify_return_error -purpose sslclient
  wait_listen 7001
  cli_data tts "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc-client-store)" \
    -key "$(k expc-client-store)" -cert_chain "$KEYS/chain-lab26.pem" -CAfile "$(p lab26-root-ca)" \
    -verify_return_error -verify_hostname expe.example.test -purpose sslserver
  srv_wait; cap_stop
  expect traversal-two-stores
}

# Public-CA certificates on the traversal zone in 2026: the Expressway-C's certificate of early 2026 (both EKUs, from
# the multi-purpose intermediate) is accepted; its renewal from the serverAuth-only TLS intermediate is refused by the
# Expressway-E (openssl's sslclient purpose check: unsupported_certificate).
scenario_traversal_public_ca_renewal() {
  local f=$OUT/traversal-public-ca-renewal.pcapng
  cap_start "$f" dumpcap "tcp port 7001"
  srv tpr1 7001 -rev -cert "$(p expe-public)" -key "$(k expe-public)" -cert_chain "$KEYS/chain-public-g1.pem" \
    -Verify 2 -CAfile "$(p public-root-ca)" -verify_return_error -purpose sslclient
  wait_listen 7001
  cli_data tpr1 "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc-public-2026)" \
    -key "$(k expc-public-2026)" -cert_chain "$KEYS/chain-public-g1.pem" -CAfile "$(p public-root-ca)" \
    -verify_return_error -verify_hostname expe.example.test
  srv_wait
  srv tpr2 7001 -rev -cert "$(p expe-public)" -key "$(k expe-public)" -cert_chain "$KEYS/chain-public-g1.pem" \
    -Verify 2 -CAfile "$(p public-root-ca)" -verify_return_error -purpose sslclient
  wait_listen 7001
  cli_data tpr2 "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc-public-renewed)" \
    -key "$(k expc-public-renewed)" -cert_chain "$KEYS/chain-public-g2.pem" -CAfile "$(p public-root-ca)" \
    -verify_return_error -verify_hostname expe.example.test
  srv_wait; cap_stop
  expect traversal-public-ca-renewal
}

MANY=${MANY:-300}
scenario_many_handshakes() {
  local raw=$WORK/many-raw.pcap f=$OUT/many-handshakes.pcap n=$((MANY / 4))
  # Real loss: drop 3% of data-carrying segments (never SYN/FIN-only) as they enter either namespace. The capture
  # is taken on the client's veth before netfilter, so both the lost original and its retransmission are recorded.
  for ns in "$NS_C" "$NS_S"; do
    ip netns exec "$ns" iptables -A INPUT -p tcp -m length --length 300:1600 -m statistic --mode random \
      --probability 0.03 -j DROP
  done
  cap_start "$raw" tcpdump "tcp port 443 or tcp port 7001 or tcp port 5061 or tcp port 8443"
  local pids=()
  ip netns exec "$NS_S" timeout 120 openssl s_server -accept 443 -naccept "$n" -quiet -cert "$(p asa-wrong-name)" \
    -key "$(k asa-wrong-name)" -cert_chain "$KEYS/chain-issuing.pem" </dev/null >"$LOG/m443.log" 2>&1 &
  pids+=($!)
  ip netns exec "$NS_S" timeout 120 openssl s_server -accept 7001 -naccept "$n" -quiet -cert "$(p expe)" -key "$(k expe)" \
    -cert_chain "$KEYS/chain-issuing.pem" -Verify 2 -CAfile "$(p root-ca)" </dev/null >"$LOG/m7001.log" 2>&1 &
  pids+=($!)
  ip netns exec "$NS_S" timeout 120 openssl s_server -accept 5061 -naccept "$n" -quiet -cert "$(p cucm)" -key "$(k cucm)" \
    -cert_chain "$KEYS/chain-issuing.pem" </dev/null >"$LOG/m5061.log" 2>&1 &
  pids+=($!)
  # 8443 answers on both address families (odd rounds IPv4, even rounds IPv6); s_server binds one family per socket
  ip netns exec "$NS_S" timeout 120 openssl s_server -accept "$S4:8443" -naccept $(((n + 1) / 2)) -quiet \
    -cert "$(p ecdsa)" -key "$(k ecdsa)" -cert_chain "$KEYS/chain-ecdsa.pem" </dev/null >"$LOG/m8443.log" 2>&1 &
  pids+=($!)
  ip netns exec "$NS_S" timeout 120 openssl s_server -accept "[$S6]:8443" -naccept $((n / 2)) -quiet \
    -cert "$(p ecdsa)" -key "$(k ecdsa)" -cert_chain "$KEYS/chain-ecdsa.pem" </dev/null >"$LOG/m8443v6.log" 2>&1 &
  pids+=($!)
  BG_PIDS+=("${pids[@]}")
  wait_listen 443; wait_listen 7001; wait_listen 5061; wait_listen 8443 tcp 2
  # four clients in parallel, one per port, each running its share in sequence (the schedule expected.py mirrors)
  (for i in $(seq "$n"); do cli m443 "$S4:443" -tls1_2 -servername vpn.example.test; done) &
  local c1=$!
  (for i in $(seq "$n"); do cli m7001 "$S4:7001" -tls1_2 -servername expe.example.test -cert "$(p expc)" \
     -key "$(k expc)" -cert_chain "$KEYS/chain-issuing.pem"; done) &
  local c2=$!
  (for i in $(seq "$n"); do cli m5061 "$S4:5061" -tls1_2 -servername cucm.example.test; done) &
  local c3=$!
  # every other 8443 handshake over IPv6
  (for i in $(seq "$n"); do
     if (( i % 2 )); then cli m8443 "$S4:8443" -tls1_2 -servername ecdsa.example.test
     else cli m8443 "[$S6]:8443" -tls1_2 -servername ecdsa.example.test; fi
   done) &
  local c4=$!
  BG_PIDS+=("$c1" "$c2" "$c3" "$c4")
  wait "$c1" "$c2" "$c3" "$c4"
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  cap_stop
  for ns in "$NS_C" "$NS_S"; do ip netns exec "$ns" iptables -F INPUT; done
  # Reordering and duplication cannot come from the kernel here (no netem), so they are applied to the recorded
  # packets: some adjacent segments of one direction swapped, a few duplicated, with a fixed seed.
  python3 "$HELPERS/pcap_shuffle.py" "$raw" "$f" 20251123 >"$LOG/shuffle.log"
  cat "$LOG/shuffle.log" >&2
  expect many-handshakes "$LOG/shuffle.log"
}

# QUIC (HTTP/3) on UDP 4433 and 4434, not 443: found by its packets, not its port. ngtcp2's GnuTLS examples
# (Debian: ngtcp2-server, ngtcp2-client), both in the client namespace on its loopback: gtlsclient sends SNI only
# for a host name, and localhost is the one that resolves there. A server-only handshake, then a mutual one
# (--verify-client); the clients' key logs (SSLKEYLOGFILE) are committed beside the capture. Then the same capture
# rewritten with datagrams reordered, coalesced and duplicated (helpers/quic_rewrite.py), as a path may deliver them.
scenario_quic() {
  for tool in gtlsserver gtlsclient; do
    command -v "$tool" >/dev/null || { echo "make.sh: $tool is required for quic (Debian: ngtcp2-server, ngtcp2-client)" >&2; exit 2; }
  done
  local f=$OUT/quic-h3.pcap
  # QUIC's smallest datagram size (RFC 9000 §14), as on a real path: the flights then span several datagrams (the
  # loopback's 64 KiB MTU would carry each in one), and no GSO, which tcpdump on lo would record as one datagram
  local QUIC_SIZE=--max-udp-payload-size=1200
  rm -f "$WORK"/quic-*.keys
  cap_start "$f" tcpdump-lo "udp port 4433 or udp port 4434"
  inC timeout 30 gtlsserver -q $QUIC_SIZE --max-gso-dgrams=1 127.0.0.1 4433 "$(k quic-h3)" "$KEYS/quic-h3-chain.pem" >"$LOG/quic.srv.log" 2>&1 &
  local s1=$!
  inC timeout 30 gtlsserver -q $QUIC_SIZE --max-gso-dgrams=1 --verify-client 127.0.0.1 4434 "$(k quic-h3)" "$KEYS/quic-h3-chain.pem" \
    >"$LOG/quicm.srv.log" 2>&1 &
  local s2=$!
  BG_PIDS+=("$s1" "$s2")
  for port in 4433 4434; do
    for _ in $(seq 200); do [[ $(inC ss -Hlun "sport = :$port" | wc -l) -ge 1 ]] && break; sleep 0.02; done
  done
  SSLKEYLOGFILE=$WORK/quic-a.keys inC timeout 10 gtlsclient -q $QUIC_SIZE --exit-on-all-streams-close localhost 4433 \
    https://localhost/ >"$LOG/quic.cli.log" 2>&1 || true
  SSLKEYLOGFILE=$WORK/quic-b.keys inC timeout 10 gtlsclient -q $QUIC_SIZE --exit-on-all-streams-close --key "$(k quic-user)" \
    --cert "$KEYS/quic-user-chain.pem" localhost 4434 https://localhost/ >"$LOG/quicm.cli.log" 2>&1 || true
  cap_stop
  kill "$s1" "$s2" 2>/dev/null || true
  wait "$s1" "$s2" 2>/dev/null || true
  cat "$WORK/quic-a.keys" "$WORK/quic-b.keys" >"$OUT/quic-h3.keys"
  expect quic-h3
  python3 "$HELPERS/quic_rewrite.py" "$f" "$OUT/quic-h3-rewritten.pcap" >"$LOG/quic-rewrite.log"
  cat "$LOG/quic-rewrite.log" >&2
  cp "$OUT/quic-h3.keys" "$OUT/quic-h3-rewritten.keys"
  expect quic-h3-rewritten "$LOG/quic-rewrite.log"

  # QUIC v2: ngtcp2 0.12 speaks its draft (0x709a50c4; RFC 9369's v2 is proven by the RFC's vectors), which tshark
  # 4.0 does not read, so this one is a test fixture (test/fixtures/quic), not a scenario checked against tshark.
  local fx=$HERE/../test/fixtures/quic
  [[ $OUT == "$HERE" ]] || fx=$OUT
  mkdir -p "$fx"
  cap_start "$fx/quic-v2-draft.pcap" tcpdump-lo "udp port 4435"
  inC timeout 30 gtlsserver -q $QUIC_SIZE --max-gso-dgrams=1 127.0.0.1 4435 "$(k quic-h3)" "$KEYS/quic-h3-chain.pem" \
    >"$LOG/quicv2.srv.log" 2>&1 &
  s1=$!
  BG_PIDS+=("$s1")
  for _ in $(seq 200); do [[ $(inC ss -Hlun "sport = :4435" | wc -l) -ge 1 ]] && break; sleep 0.02; done
  SSLKEYLOGFILE=$WORK/quic-v2.keys inC timeout 10 gtlsclient -q $QUIC_SIZE -v v2draft --exit-on-all-streams-close \
    localhost 4435 https://localhost/ >"$LOG/quicv2.cli.log" 2>&1 || true
  cap_stop
  kill "$s1" 2>/dev/null || true
  wait "$s1" 2>/dev/null || true
  chmod 644 "$fx/quic-v2-draft.pcap"
  cp "$WORK/quic-v2.keys" "$fx/quic-v2-draft.keys"
}

ALL=(traversal_healthy traversal_missing_intermediate traversal_no_clientauth anyconnect_selfsigned
  anyconnect_name_mismatch validity tls13_keylog dtls12 sip_tls starttls link_types chain_variants many_handshakes
  traversal_two_stores traversal_public_ca_renewal quic)
# the scenarios that use only certificates of their own hierarchy (make.sh --add), and which one
OWN_PKI=(traversal_two_stores traversal_public_ca_renewal quic)
pki_group() { if [[ $1 == quic ]]; then echo quic; else echo 2026; fi; }

main() {
  local start=$SECONDS
  local list=("$@")
  if [[ -n $ADD ]]; then
    [[ ${#list[@]} -eq 0 ]] && list=("${OWN_PKI[@]}")
    for s in "${list[@]}"; do
      [[ " ${OWN_PKI[*]} " == *" ${s//-/_} "* ]] || { echo "make.sh --add: $s uses the shared PKI; run make.sh" >&2; exit 2; }
    done
  fi
  # The 2026 hierarchy is dated relative to the run; before this date G2 and the renewal would not fall after the
  # cut-offs (Chrome Root Program Policy v1.8: serverAuth-only intermediates from 2026-06-15).
  [[ $(date -u +%Y%m%d) -ge 20261015 ]] || { echo "make.sh: the 2026 scenarios need a run after 2026-10-15" >&2; exit 2; }
  say "PKI"
  if [[ -n $ADD ]]; then
    # Only the hierarchies of the scenarios named are made anew: the other captures keep their certificates.
    local groups=" "
    for s in "${list[@]}"; do groups+="$(pki_group "${s//-/_}") "; done
    if [[ $groups == *" 2026 "* ]]; then for n in "${PKI_2026[@]}"; do rm -f "$PKI/$n.pem"; done; build_pki_2026; fi
    if [[ $groups == *" quic "* ]]; then for n in "${PKI_QUIC[@]}"; do rm -f "$PKI/$n.pem"; done; build_pki_quic; fi
  else
    build_pki
    build_pki_2026
    build_pki_quic
  fi
  setup_net
  [[ ${#list[@]} -eq 0 ]] && list=("${ALL[@]}")
  for s in "${list[@]}"; do
    say "${s//_/-}"
    "scenario_${s//-/_}"
  done
  if [[ $OUT == "$HERE" ]]; then python3 "$HELPERS/expected.py" "$OUT" --readme-check; fi
  say "done in $((SECONDS - start)) s; $OUT is $(du -sh "$OUT" | cut -f1)"
}
main "$@"

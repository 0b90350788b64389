#!/usr/bin/env python3
"""Writes captures/<name>.expected.json for one scenario capture and checks it against tshark.

  expected.py CAPTURES_DIR NAME [EXTRA_JSON_FILE]
  expected.py CAPTURES_DIR --readme-check      every capture has an expected.json and a README line

The expectation is what the scenario was built to show (which certificates each peer was told to send, which alert
openssl must raise); tshark is the independent check that the capture really holds it. Certificates are named by
their file in captures/pki and written as SHA-256 of the DER, in the order they were sent.
"""
import glob
import hashlib
import json
import os
import ssl
import subprocess
import sys

CAP_DIR = sys.argv[1]
PKI_DIR = os.path.join(CAP_DIR, 'pki')

ALERTS = {0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 40: 'handshake_failure',
          42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
          46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 50: 'decode_error',
          51: 'decrypt_error', 70: 'protocol_version', 80: 'internal_error', 116: 'certificate_required'}
ALERT_NUM = {v: k for k, v in ALERTS.items()}

ROOT_DN = 'CN=Example Test Root CA,O=Example Test Lab,C=US'
ISSUING_DN = 'CN=Example Test Issuing CA,O=Example Test Lab,C=US'
LAB26_ROOT_DN = 'CN=Example Test Root CA 2026,O=Example Test Lab,C=US'
PUBLIC_ROOT_DN = 'CN=Example Public Root CA,O=Example Public Trust,C=US'

C4, S4, C6, S6 = '10.77.0.1', '10.77.0.2', 'fd77::1', 'fd77::2'


def hs(port, sni, server, client=(), *, transport='tcp', version='TLS 1.2', alerts=(), complete=True,
       server_ip=S4, client_ip=C4, verdicts=None, **extra):
    """One expected handshake; chains are lists of pki file names in the order sent; alerts are (from, name).

    Optional in `extra`: `badge` (the worst severity of all its verdicts), `absent` (codes per side that must not
    appear), `mentions` (per side and code, words its message or fix must contain; a leading ! means must not).
    """
    h = {
        'transport': transport,
        'client': {'ip': client_ip},
        'server': {'ip': server_ip, 'port': port},
        'sni': sni,
        'version': version,
        'serverChain': list(server),
        'clientChain': list(client),
        'alerts': [{'from': f, 'description': ALERT_NUM[d], 'descriptionName': d} for f, d in alerts],
        'encrypted': False,
        'complete': complete,
        'verdicts': verdicts or {},
    }
    h.update(extra)
    return h


TRAVERSAL_OPTS = {'ca': ['pki/root-ca.pem'], 'profile': 'expressway', 'at': 'capture'}
WEB_OPTS = {'ca': ['pki/root-ca.pem'], 'at': 'capture'}
AC_OPTS = {'ca': ['pki/root-ca.pem'], 'profile': 'anyconnect', 'at': 'capture'}
LEAF_ISSUING = ['issuing-ca']

SCENARIOS = {
    'traversal-healthy': dict(
        file='traversal-healthy.pcapng', linkTypes=['EN10MB'], options=TRAVERSAL_OPTS,
        description='Expressway-C to Expressway-E traversal zone on TCP 7001, mutual TLS 1.2, both leaves with '
                    'serverAuth+clientAuth, both chains (leaf, issuing CA) sent; trusted by the lab root.',
        handshakes=[hs(7001, 'expe.example.test', ['expe', 'issuing-ca'], ['expc', 'issuing-ca'],
                       certificateRequest={'authorities': [ROOT_DN]},
                       verdicts={'server': ['chain-trusted', 'name-match'], 'client': ['chain-trusted']})]),
    'traversal-missing-intermediate': dict(
        file='traversal-missing-intermediate.pcap', linkTypes=['EN10MB'], options=TRAVERSAL_OPTS,
        description='Traversal zone where Expressway-E sends only its leaf and Expressway-C trusts only the root: '
                    'C cannot build the path and aborts with a fatal unknown_ca alert before sending its certificate.',
        handshakes=[hs(7001, 'expe.example.test', ['expe'], [], alerts=[('client', 'unknown_ca')], complete=False,
                       verdicts={'server': ['missing-intermediate', 'alert-unknown-ca']})]),
    'traversal-no-clientauth': dict(
        file='traversal-no-clientauth.pcapng', linkTypes=['EN10MB'], options=TRAVERSAL_OPTS,
        description="Traversal zone where Expressway-C's certificate has only the serverAuth EKU: Expressway-E "
                    'rejects it with a fatal unsupported_certificate alert.',
        handshakes=[hs(7001, 'expe.example.test', ['expe', 'issuing-ca'], ['expc-serverauth-only', 'issuing-ca'],
                       alerts=[('server', 'unsupported_certificate')], complete=False, badge='error',
                       verdicts={'server': ['chain-trusted'],
                                 'client': ['eku-missing-clientauth', 'alert-unsupported-certificate']},
                       # X15.5 (default): the Expressway-C presents its client certificate store's certificate;
                       # the fix is a clientAuth certificate from a private CA there, not a dual-EKU CSR
                       # ("Navigate Client EKU Sunset with Expressway X15.5").
                       mentions={'client': {'eku-missing-clientauth': ['client certificate store', 'private CA',
                                                                        '!CSR with both']}})],
        variants=[
            # X15.4 and earlier: one certificate for both roles (background 004); the EnableServerEkuUpload switch
            # is for the Expressway-E only, so the Expressway-C's remedy is a private CA's dual-EKU certificate or
            # X15.5.
            dict(name='X15.4', options={**TRAVERSAL_OPTS, 'expresswayVersion': 'X15.4'},
                 handshakes=[dict(badge='error', verdicts={'client': ['eku-missing-clientauth',
                                                                       'alert-unsupported-certificate']},
                                  mentions={'client': {'eku-missing-clientauth': ['private CA', 'X15.5']}})]),
        ]),
    'anyconnect-selfsigned': dict(
        file='anyconnect-selfsigned.pcap', linkTypes=['EN10MB'], options=AC_OPTS,
        description='AnyConnect to an ASA on TCP 443 presenting a self-signed identity certificate (issuer = '
                    'subject, CN vpn.example.test); the client goes on (user accepted the warning).',
        handshakes=[hs(443, 'vpn.example.test', ['asa-selfsigned'], verdicts={'server': ['self-signed']})]),
    'anyconnect-name-mismatch': dict(
        file='anyconnect-name-mismatch.pcapng', linkTypes=['EN10MB'], options=AC_OPTS,
        description='AnyConnect to vpn.example.test on 443; the ASA presents a trusted certificate for '
                    'asa-old.example.test (FQDN not in CN/SAN).',
        handshakes=[hs(443, 'vpn.example.test', ['asa-wrong-name', 'issuing-ca'],
                       verdicts={'server': ['chain-trusted', 'name-mismatch']})]),
    'expired-and-not-yet-valid': dict(
        file='expired-and-not-yet-valid.pcap', linkTypes=['EN10MB'], options=WEB_OPTS,
        description='Two TLS 1.2 handshakes on 443: a leaf that expired 30 days before the capture, and one that '
                    'becomes valid 30 days after it (clock skew).',
        handshakes=[hs(443, 'expired.example.test', ['expired', 'issuing-ca'],
                       verdicts={'server': ['expired-at-capture', 'name-match']}),
                    hs(443, 'future.example.test', ['not-yet-valid', 'issuing-ca'],
                       verdicts={'server': ['not-yet-valid', 'name-match']})]),
    'tls13-keylog': dict(
        file='tls13-keylog.pcapng', linkTypes=['EN10MB'],
        options={**WEB_OPTS, 'keylog': 'tls13-keylog.keys'},
        description='TLS 1.3 on 443: a server-only handshake and a mutual one (user certificate). Certificates '
                    'are encrypted; tls13-keylog.keys (throwaway secrets) decrypts them.',
        withoutKeylog={'encrypted': True, 'serverChain': [], 'clientChain': [],
                       'verdicts': {'server': ['certificates-encrypted']}},
        handshakes=[hs(443, 'www.example.test', ['www', 'issuing-ca'], version='TLS 1.3',
                       verdicts={'server': ['chain-trusted', 'name-match']}),
                    hs(443, 'www.example.test', ['www', 'issuing-ca'], ['user1', 'issuing-ca'], version='TLS 1.3',
                       verdicts={'server': ['chain-trusted', 'name-match'], 'client': ['chain-trusted']})]),
    'dtls12-fragmented': dict(
        file='dtls12-fragmented.pcapng', linkTypes=['EN10MB'], options=AC_OPTS,
        description="DTLS 1.2 on UDP 443 (AnyConnect's DTLS tunnel) with a 600-byte MTU: the 4096-bit leaf and "
                    'issuing CA arrive as a Certificate message split over several handshake fragments.',
        handshakes=[hs(443, 'vpn.example.test', ['vpn-dtls', 'issuing-ca'], transport='udp', version='DTLS 1.2',
                       verdicts={'server': ['chain-trusted', 'name-match']})]),
    'sip-tls-no-client-cert': dict(
        file='sip-tls-no-client-cert.pcap', linkTypes=['EN10MB'], options=WEB_OPTS,
        description='SIP-TLS on 5061: CUCM asks for a client certificate listing the two lab CAs it accepts; '
                    'the phone sends an empty Certificate and the server aborts with handshake_failure.',
        handshakes=[hs(5061, 'cucm.example.test', ['cucm', 'issuing-ca'], [], alerts=[('server', 'handshake_failure')],
                       complete=False, clientSentEmptyCertificate=True,
                       certificateRequest={'authorities': [ROOT_DN, ISSUING_DN]},
                       verdicts={'server': ['chain-trusted'],
                                 'client': ['client-cert-not-sent', 'alert-handshake-failure']})]),
    'starttls-smtp': dict(
        file='starttls-smtp.pcap', linkTypes=['EN10MB'], options=WEB_OPTS,
        description='SMTP on port 25: greeting, EHLO, STARTTLS in plaintext, then a TLS 1.2 handshake.',
        handshakes=[hs(25, 'mail.example.test', ['mail', 'issuing-ca'], startTls='smtp',
                       verdicts={'server': ['chain-trusted', 'name-match']})]),
    'starttls-postgres': dict(
        file='starttls-postgres.pcapng', linkTypes=['EN10MB'], options=WEB_OPTS,
        description="PostgreSQL on 5432: the 8-byte SSLRequest answered with 'S', then a TLS 1.2 handshake.",
        handshakes=[hs(5432, 'db.example.test', ['db', 'issuing-ca'], startTls='postgresql',
                       verdicts={'server': ['chain-trusted', 'name-match']})]),
    'two-link-types': dict(
        file='two-link-types.pcapng', linkTypes=['EN10MB', 'RAW'], options=WEB_OPTS,
        description='One pcapng, two interfaces: a handshake on the Ethernet veth (443) and one inside a TUN '
                    'tunnel (raw IP link type, like cscotun0) on 8443.',
        handshakes=[hs(443, 'www.example.test', ['www', 'issuing-ca'], verdicts={'server': ['chain-trusted']}),
                    hs(8443, 'mail.example.test', ['mail', 'issuing-ca'], server_ip='10.78.0.2',
                       client_ip='10.78.0.1', verdicts={'server': ['chain-trusted']})]),
    'linux-any-sll2': dict(
        file='linux-any-sll2.pcap', linkTypes=['LINUX_SLL2'], options=TRAVERSAL_OPTS,
        description='`tcpdump -i any` (LINUX_SLL2 link type) of a mutual TLS 1.2 traversal zone handshake on 7001.',
        handshakes=[hs(7001, 'expe.example.test', ['expe', 'issuing-ca'], ['expc', 'issuing-ca'],
                       certificateRequest={'authorities': [ROOT_DN]},
                       verdicts={'server': ['chain-trusted'], 'client': ['chain-trusted']})]),
    'chain-variants': dict(
        file='chain-variants.pcapng', linkTypes=['EN10MB'],
        options={'ca': ['pki/root-ca.pem', 'pki/root2-ca.pem', 'pki/ecdsa-root-ca.pem'], 'profile': 'expressway',
                 'at': 'capture'},
        description='Four chains: two intermediates sent out of order plus the root; an ECDSA P-256 chain; an '
                    'RSA-1024 leaf signed with SHA-1; an Expressway-E cluster certificate (CN = cluster FQDN, SAN = '
                    'peers) on 7001 reached as expe1.',
        handshakes=[hs(443, 'order.example.test', ['order', 'policy-ca', 'issuing2-ca', 'root2-ca'],
                       verdicts={'server': ['chain-trusted', 'chain-out-of-order', 'root-sent']}),
                    hs(443, 'ecdsa.example.test', ['ecdsa', 'ecdsa-issuing-ca'],
                       verdicts={'server': ['chain-trusted', 'name-match']}),
                    hs(443, 'legacy.example.test', ['legacy-rsa1024-sha1', 'issuing-ca'],
                       verdicts={'server': ['weak-key', 'weak-signature']}),
                    hs(7001, 'expe1.example.test', ['expe-cluster', 'issuing-ca'], ['expc', 'issuing-ca'],
                       certificateRequest={'authorities': [ROOT_DN]},
                       verdicts={'server': ['chain-trusted', 'name-match', 'expressway-cluster-certificate'],
                                 'client': ['chain-trusted']})]),
}


def many_handshakes(total=300):
    """Mirrors make.sh: four clients in parallel (one per port), so only per-port order is fixed."""
    n = total // 4
    out = []
    for i in range(1, n + 1):
        out.append(hs(443, 'vpn.example.test', ['asa-wrong-name', 'issuing-ca'],
                      verdicts={'server': ['chain-trusted', 'name-mismatch']}))
        out.append(hs(7001, 'expe.example.test', ['expe', 'issuing-ca'], ['expc', 'issuing-ca'],
                      verdicts={'server': ['chain-trusted'], 'client': ['chain-trusted']}))
        out.append(hs(5061, 'cucm.example.test', ['cucm', 'issuing-ca'], verdicts={'server': ['chain-trusted']}))
        v6 = i % 2 == 0
        out.append(hs(8443, 'ecdsa.example.test', ['ecdsa', 'ecdsa-issuing-ca'], server_ip=S6 if v6 else S4,
                      client_ip=C6 if v6 else C4, verdicts={'server': ['untrusted-root', 'name-match']}))
    return out


# The 2026 scenarios. Their expectations come from the documents, not from certshark's output:
#  [N] Cisco, "Navigate Client EKU Sunset with Expressway X15.5" (document 225693):
#      https://www.cisco.com/c/en/us/support/docs/unified-communications/telepresence-video-communication-server-expressway/225693-navigate-client-eku-sunset-with.html
#      X15.5 has a server certificate store and a client certificate store; X15.4 had
#      `xConfiguration XCP TLS Certificate CVS EnableServerEkuUpload: On` for a serverAuth-only certificate on the
#      Expressway-E, deprecated in X15.5; private PKI and self-signed certificates are not affected.
#  [F] Cisco Field Notice FN74362 (defect CSCwr73373 "Support for separate server and client Certificate for
#      Expressway"): https://www.cisco.com/c/en/us/support/docs/field-notices/743/fn74362.html
#  [G] Cisco, Expressway MRA certificates (../shared/background/004): before X15.5 one certificate serves both
#      roles, "the certificate must have both client and server authentication attributes".
#  [C] Chrome Root Program Policy, Version 1.8 (2026-02-05), https://g.co/chrome/root-policy: new intermediates
#      serverAuth-only from 2026-06-15, every new leaf chaining to a Chrome-trusted root from 2027-03-15.
#  [D] DigiCert ALERT53, [L] Let's Encrypt "Ending TLS Client Authentication Certificate Support in 2026",
#      [S] Sectigo "Deprecation of Client Authentication EKU" FAQ: public CAs stop issuing clientAuth in 2025-2027;
#      certificates already issued keep their EKUs until they expire.
# A handshake that completed (no fatal alert) shows what the accepting peer did not enforce: a rule it evidently
# did not apply is a warning, not an error ("evidence over rules", src/trust/evidence.ts).
X155_OPTS = {'ca': ['pki/lab26-root-ca.pem'], 'profile': 'expressway', 'at': 'capture'}
PUBLIC_OPTS = {'publicRoots': ['pki/public-root-ca.pem'], 'profile': 'expressway', 'at': 'capture'}

SCENARIOS['traversal-two-stores'] = dict(
    file='traversal-two-stores.pcapng', linkTypes=['EN10MB'], options=X155_OPTS,
    description='Expressway X15.5 traversal zone on 7001 with two certificate stores: the Expressway-E presents a '
                'serverAuth-only server certificate, the Expressway-C a clientAuth-only client certificate (mutual '
                'TLS 1.2, private lab CA); the handshake completes and application data flows both ways.',
    # [N][F]: on X15.5 each side presents the certificate of the store for its role, so the role EKU is all it
    # needs: nothing to report by default.
    handshakes=[hs(7001, 'expe.example.test', ['expe-server-store', 'lab26-issuing-ca'],
                   ['expc-client-store', 'lab26-issuing-ca'], certificateRequest={'authorities': [LAB26_ROOT_DN]},
                   appData=True, badge='ok', verdicts={'server': ['chain-trusted', 'name-match'], 'client': ['chain-trusted']},
                   absent={'server': ['eku-missing-clientauth', 'eku-clientauth-sunset'],
                           'client': ['eku-missing-serverauth', 'eku-clientauth-sunset']})],
    variants=[
        # [G][N]: up to X15.4 one certificate serves both roles and needs both EKUs. The peers in this capture
        # accepted the certificates, so the missing EKUs are warnings that say so; the Expressway-E's fix on X15.4
        # is the EnableServerEkuUpload switch [N].
        dict(name='X15.4', options={**X155_OPTS, 'expresswayVersion': 'X15.4'},
             handshakes=[dict(badge='warning',
                              verdicts={'server': ['eku-missing-clientauth'], 'client': ['eku-missing-serverauth']},
                              mentions={'server': {'eku-missing-clientauth': ['accepted', 'EnableServerEkuUpload']},
                                        'client': {'eku-missing-serverauth': ['accepted']}})]),
        # [N]: with EnableServerEkuUpload the Expressway-E's certificate may lack clientAuth; the Expressway-C's
        # single certificate still needs both.
        dict(name='X15.4 with EnableServerEkuUpload',
             options={**X155_OPTS, 'expresswayVersion': 'X15.4', 'serverEkuUpload': True},
             handshakes=[dict(badge='warning', verdicts={'client': ['eku-missing-serverauth']},
                              absent={'server': ['eku-missing-clientauth']})]),
        # [G][F]: before X15.4 there is no switch: a certificate with both EKUs from a private CA, or X15.5.
        dict(name='X8.11', options={**X155_OPTS, 'expresswayVersion': 'X8.11'},
             handshakes=[dict(badge='warning',
                              verdicts={'server': ['eku-missing-clientauth'], 'client': ['eku-missing-serverauth']},
                              mentions={'server': {'eku-missing-clientauth': ['private CA', 'X15.5',
                                                                             '!EnableServerEkuUpload']}})]),
    ])

SCENARIOS['traversal-public-ca-renewal'] = dict(
    file='traversal-public-ca-renewal.pcapng', linkTypes=['EN10MB'], options=PUBLIC_OPTS,
    description="Traversal zone on 7001 with certificates from a public-CA-like hierarchy (its root given as "
                "--public-roots): the Expressway-C's certificate of early 2026 still has clientAuth and the "
                "handshake completes; its renewal, issued after the cut-offs by the serverAuth-only TLS "
                "intermediate, lacks clientAuth and the Expressway-E rejects it with unsupported_certificate.",
    handshakes=[
        # [C][D][L][S]: the Expressway-C's client certificate needs clientAuth and chains to a public root: it
        # works today, but its renewal from a public CA will not carry clientAuth: a warning with the dates and
        # the X15.5 remedy [N] (a private CA's certificate in the client certificate store). The Expressway-E's
        # server certificate needs only serverAuth on X15.5 [N].
        hs(7001, 'expe.example.test', ['expe-public', 'public-ca-g1'], ['expc-public-2026', 'public-ca-g1'],
           certificateRequest={'authorities': [PUBLIC_ROOT_DN]}, appData=True, badge='warning',
           verdicts={'server': ['chain-trusted', 'name-match'], 'client': ['chain-trusted', 'eku-clientauth-sunset']},
           absent={'server': ['eku-clientauth-sunset']},
           mentions={'client': {'eku-clientauth-sunset': ['2027-03-15', 'client certificate store', 'private CA']}}),
        # The renewal lacks clientAuth because the CA's TLS hierarchy no longer issues it [C]: the error names
        # that cause, not only the missing EKU; the peer's alert confirms the rejection.
        hs(7001, 'expe.example.test', ['expe-public', 'public-ca-g1'], ['expc-public-renewed', 'public-tls-ca-g2'],
           alerts=[('server', 'unsupported_certificate')], complete=False,
           certificateRequest={'authorities': [PUBLIC_ROOT_DN]}, badge='error',
           verdicts={'server': ['chain-trusted'], 'client': ['eku-missing-clientauth', 'alert-unsupported-certificate']},
           mentions={'client': {'eku-missing-clientauth': ['public CA', 'Chrome Root Program', 'serverAuth-only',
                                                           'client certificate store', '!CSR with both']}}),
    ],
    variants=[
        # [G][N]: on X15.4 the Expressway-E's one certificate is also its client certificate, so it too is caught
        # by the sunset; its X15.4 remedy is the EnableServerEkuUpload switch.
        dict(name='X15.4', options={**PUBLIC_OPTS, 'expresswayVersion': 'X15.4'},
             handshakes=[dict(badge='warning',
                              verdicts={'server': ['eku-clientauth-sunset'], 'client': ['eku-clientauth-sunset']},
                              mentions={'server': {'eku-clientauth-sunset': ['EnableServerEkuUpload']}}),
                         dict(badge='error', verdicts={'server': ['eku-clientauth-sunset'],
                                                       'client': ['eku-missing-clientauth',
                                                                  'alert-unsupported-certificate']})]),
        # [N]: private PKI is not affected. The same root given as an ordinary trusted CA (not in the public root
        # store) brings no sunset warning, and the missing EKU is not blamed on a public CA's policy.
        dict(name='same root as a private CA', options={'ca': ['pki/public-root-ca.pem'], 'profile': 'expressway',
                                                       'at': 'capture'},
             handshakes=[dict(badge='ok', verdicts={'client': ['chain-trusted']},
                              absent={'client': ['eku-clientauth-sunset']}),
                         dict(badge='error', verdicts={'client': ['eku-missing-clientauth',
                                                                  'alert-unsupported-certificate']},
                              mentions={'client': {'eku-missing-clientauth': ['!Chrome Root Program']}})]),
    ])

QUIC_OPTS = {'ca': ['pki/quic-root-ca.pem'], 'at': 'capture'}
QUIC_HANDSHAKES = [
    hs(4433, 'localhost', ['quic-h3', 'quic-issuing-ca'], transport='quic', version='TLS 1.3', client_ip='127.0.0.1',
       server_ip='127.0.0.1', verdicts={'server': ['chain-trusted', 'name-match']}),
    hs(4434, 'localhost', ['quic-h3', 'quic-issuing-ca'], ['quic-user', 'quic-issuing-ca'], transport='quic',
       version='TLS 1.3', client_ip='127.0.0.1', server_ip='127.0.0.1',
       verdicts={'server': ['chain-trusted', 'name-match'], 'client': ['chain-trusted']}),
]
QUIC_WITHOUT_KEYLOG = {'encrypted': True, 'serverChain': [], 'clientChain': [],
                       'verdicts': {'server': ['certificates-encrypted']}}
SCENARIOS['quic-h3'] = dict(
    file='quic-h3.pcap', linkTypes=['EN10MB'], options={**QUIC_OPTS, 'keylog': 'quic-h3.keys'},
    description='QUIC v1 (HTTP/3, ngtcp2 with GnuTLS) on UDP 4433 and 4434 over the loopback: a server-only '
                'handshake and a mutual one. SNI and ALPN are readable from the Initial packets; the certificates '
                'travel in Handshake packets, which quic-h3.keys (throwaway secrets) decrypts.',
    withoutKeylog=QUIC_WITHOUT_KEYLOG, handshakes=QUIC_HANDSHAKES)
SCENARIOS['quic-h3-rewritten'] = dict(
    file='quic-h3-rewritten.pcap', linkTypes=['EN10MB'], options={**QUIC_OPTS, 'keylog': 'quic-h3-rewritten.keys'},
    description='quic-h3.pcap with its datagrams reordered, coalesced and duplicated (helpers/quic_rewrite.py): '
                'CRYPTO frames arrive out of order and twice, Handshake packets before the ServerHello that gives '
                'their keys; the same SNI and chains.',
    withoutKeylog=QUIC_WITHOUT_KEYLOG, handshakes=QUIC_HANDSHAKES)

SCENARIOS['many-handshakes'] = dict(
    file='many-handshakes.pcap', linkTypes=['EN10MB'], options=WEB_OPTS, ordered=False,
    description='300 TLS 1.2 handshakes on 443, 7001 (mutual), 5061 and 8443 (half over IPv6), with real '
                'retransmissions (3% of data segments dropped) and some segments reordered or duplicated.',
    handshakes=many_handshakes())


def load_pki():
    by_name, by_hash = {}, {}
    for path in sorted(glob.glob(os.path.join(PKI_DIR, '*.pem'))):
        name = os.path.basename(path)[:-4]
        der = ssl.PEM_cert_to_DER_cert(open(path).read())
        h = hashlib.sha256(der).hexdigest()
        by_name[name] = h
        by_hash[h] = 'pki/' + name + '.pem'
    return by_name, by_hash


def tshark_handshakes(path, keylog=None):
    """Per TCP/UDP stream, in order of first frame: server port, SNI, chains as SHA-256, plaintext alerts."""
    fields = ['frame.number', 'tcp.stream', 'udp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'udp.srcport',
              'tcp.dstport', 'udp.dstport', 'tls.handshake.type', 'dtls.handshake.type',
              'tls.handshake.extensions_server_name', 'dtls.handshake.extensions_server_name',
              'tls.handshake.certificate', 'dtls.handshake.certificate', 'tls.alert_message.desc',
              'dtls.alert_message.desc', 'tls.handshake.certificates_length', 'tls.handshake.dname_len']
    # out-of-order reassembly on: many-handshakes has swapped segments (off by default in Wireshark 4.0)
    cmd = ['tshark', '-r', path, '-o', 'tcp.reassemble_out_of_order:TRUE', '-o', 'tls.desegment_ssl_records:TRUE', '-o',
           'tls.desegment_ssl_application_data:FALSE', '-d', 'tcp.port==7001,tls', '-d', 'tcp.port==5061,tls',
           '-d', 'tcp.port==8443,tls', '-d', 'udp.port==443,dtls']
    if keylog:
        cmd += ['-o', 'tls.keylog_file:' + keylog]
    cmd += ['-Y', 'tls.handshake or dtls.handshake or tls.alert_message or dtls.alert_message', '-T', 'fields',
            '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=|']
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    streams = {}
    for line in out.splitlines():
        v = dict(zip(fields, line.split('\t')))
        key = ('tcp', v['tcp.stream']) if v['tcp.stream'] else ('udp', v['udp.stream'])
        s = streams.setdefault(key, {'first': int(v['frame.number']), 'transport': key[0], 'sni': None,
                                     'server': None, 'client_ip': None, 'server_ip': None, 'chains': {},
                                     'alerts': [], 'emptyClientCert': False, 'authorities': 0})
        src = v['ip.src'] or v['ipv6.src']
        sport = int(v['tcp.srcport'] or v['udp.srcport'])
        dport = int(v['tcp.dstport'] or v['udp.dstport'])
        types = (v['tls.handshake.type'] or v['dtls.handshake.type']).replace('|', ',').split(',')
        sni = v['tls.handshake.extensions_server_name'] or v['dtls.handshake.extensions_server_name']
        if '1' in types and s['server'] is None:
            s['server'], s['client_ip'], s['server_ip'], s['sni'] = dport, src, None, sni or None
        if s['server'] is not None and s['server_ip'] is None and sport == s['server']:
            s['server_ip'] = src
        side = 'server' if sport == s['server'] else 'client'
        if '13' in types and v['tls.handshake.dname_len']:
            s['authorities'] = max(s['authorities'], len(v['tls.handshake.dname_len'].split('|')))
        certs = [c for c in (v['tls.handshake.certificate'] + '|' + v['dtls.handshake.certificate'])
                 .replace(',', '|').split('|') if c]
        if certs and side not in s['chains']:
            s['chains'][side] = [hashlib.sha256(bytes.fromhex(c)).hexdigest() for c in certs]
        if '11' in types and not certs and side == 'client':
            s['emptyClientCert'] = True
        for d in (v['tls.alert_message.desc'] + '|' + v['dtls.alert_message.desc']).replace(',', '|').split('|'):
            # close_notify is left out: whether it is readable depends on the key log, not on the scenario
            if d and d != '0':
                s['alerts'].append((side, ALERTS.get(int(d), d)))
    app = subprocess.run(['tshark', '-r', path, '-d', 'tcp.port==7001,tls', '-d', 'tcp.port==5061,tls', '-d',
                          'tcp.port==8443,tls', '-Y', 'tls.app_data', '-T', 'fields', '-e', 'tcp.stream', '-e',
                          'tcp.srcport'], capture_output=True, text=True, check=True).stdout
    for s in streams.values():
        s['appData'] = set()
    for line in app.splitlines():
        stream, sport = line.split('\t')
        s = streams.get(('tcp', stream))
        if s and s['server'] is not None:
            s['appData'].add('server' if int(sport) == s['server'] else 'client')
    return sorted(streams.values(), key=lambda s: s['first'])


def build(name, extra_path):
    spec = SCENARIOS[name]
    by_name, by_hash = load_pki()
    used = {}

    def hashes(names):
        out = []
        for n in names:
            out.append(by_name[n])
            used[by_name[n]] = by_hash[by_name[n]]
        return out

    hss = []
    for h in spec['handshakes']:
        h = dict(h)
        h['serverChain'] = hashes(h['serverChain'])
        h['clientChain'] = hashes(h['clientChain'])
        hss.append(h)
    doc = {
        'capture': spec['file'],
        'format': 'pcapng' if spec['file'].endswith('.pcapng') else 'pcap',
        'linkTypes': spec['linkTypes'],
        'description': spec['description'],
        'options': spec['options'],
        'handshakeOrder': 'capture' if spec.get('ordered', True) else 'per-server-port',
    }
    if 'withoutKeylog' in spec:
        doc['withoutKeylog'] = spec['withoutKeylog']
    if extra_path:
        doc['rewrite'] = json.loads(open(extra_path).read().strip().splitlines()[-1])
    doc['handshakes'] = hss
    if 'variants' in spec:
        # The same capture judged with other options: what changes, handshake by handshake in capture order.
        doc['variants'] = spec['variants']
    doc['certificates'] = dict(sorted(used.items()))
    check(doc, spec)
    with open(os.path.join(CAP_DIR, name + '.expected.json'), 'w') as f:
        json.dump(doc, f, indent=1 if len(hss) > 20 else 2)
        f.write('\n')


def check(doc, spec):
    path = os.path.join(CAP_DIR, doc['capture'])
    keylog = os.path.join(CAP_DIR, doc['options']['keylog']) if doc['options'].get('keylog') else None
    got = tshark_handshakes(path, keylog)
    want = doc['handshakes']
    problems = []
    if len(got) != len(want):
        problems.append(f'tshark sees {len(got)} handshakes, expected {len(want)}')
    if spec.get('ordered', True):
        pairs = list(zip(want, got))
    else:
        # per server port, in order
        pairs = []
        for port in sorted({w['server']['port'] for w in want}):
            ws = [w for w in want if w['server']['port'] == port]
            gs = [g for g in got if g['server'] == port]
            pairs += list(zip(ws, gs))
            if len(ws) != len(gs):
                problems.append(f'port {port}: tshark sees {len(gs)}, expected {len(ws)}')
    for i, (w, g) in enumerate(pairs):
        tag = f'handshake {i + 1} ({w["server"]["port"]} {w["sni"]})'
        # QUIC is a UDP stream to tshark
        if g['transport'] != {'quic': 'udp'}.get(w['transport'], w['transport']) or g['server'] != w['server']['port']:
            problems.append(f'{tag}: tshark saw {g["transport"]}/{g["server"]}')
        if g['sni'] != w['sni']:
            problems.append(f'{tag}: SNI {g["sni"]}')
        if g['client_ip'] != w['client']['ip'] or g['server_ip'] != w['server']['ip']:
            problems.append(f'{tag}: addresses {g["client_ip"]} -> {g["server_ip"]}')
        for side, key in (('server', 'serverChain'), ('client', 'clientChain')):
            if g['chains'].get(side, []) != w[key]:
                problems.append(f'{tag}: {side} chain {g["chains"].get(side)} != {w[key]}')
        want_alerts = [(a['from'], a['descriptionName']) for a in w['alerts']]
        if g['alerts'] != want_alerts:
            problems.append(f'{tag}: alerts {g["alerts"]} != {want_alerts}')
        if w.get('clientSentEmptyCertificate') and not g['emptyClientCert']:
            problems.append(f'{tag}: no empty client Certificate seen')
        if 'certificateRequest' in w and g['authorities'] != len(w['certificateRequest']['authorities']):
            problems.append(f'{tag}: {g["authorities"]} CA names in CertificateRequest')
    for i, (w, g) in enumerate(pairs):
        if w.get('appData') and g['appData'] != {'client', 'server'}:
            problems.append(f'handshake {i + 1}: application data seen from {sorted(g["appData"])}, not both sides')
    for v in doc.get('variants', []):
        if len(v['handshakes']) != len(want):
            problems.append(f'variant {v["name"]}: {len(v["handshakes"])} handshakes, expected {len(want)}')
        for f in v['options'].get('ca', []) + v['options'].get('publicRoots', []):
            if not os.path.exists(os.path.join(CAP_DIR, f)):
                problems.append(f'variant {v["name"]}: {f} missing')
    if problems:
        sys.exit(f'{doc["capture"]}: ' + '; '.join(problems[:10]))
    print(f'{doc["capture"]}: {len(got)} handshakes match tshark', file=sys.stderr)


def readme_check():
    readme = open(os.path.join(CAP_DIR, 'README.md')).read() if os.path.exists(os.path.join(CAP_DIR, 'README.md')) else ''
    missing = [s['file'] for s in SCENARIOS.values()
               if not os.path.exists(os.path.join(CAP_DIR, s['file'].rsplit('.', 1)[0] + '.expected.json'))
               or s['file'] not in readme]
    if missing:
        print('not described in captures/README.md or without expected.json: ' + ', '.join(missing), file=sys.stderr)


if __name__ == '__main__':
    if sys.argv[2] == '--readme-check':
        readme_check()
    else:
        build(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)

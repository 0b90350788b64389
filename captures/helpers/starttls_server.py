#!/usr/bin/env python3
"""One-connection server that speaks a plaintext prefix, then hands the socket to TLS.

  starttls_server.py smtp|postgres PORT CHAIN_PEM KEY_PEM

smtp: greeting, EHLO answer advertising STARTTLS, "220 Ready to start TLS" (RFC 3207).
postgres: answers the 8-byte SSLRequest (length 8, code 80877103) with 'S' (PostgreSQL protocol, "SSL Session
Encryption"). Only the server side exists in openssl s_server's absence of STARTTLS support.
"""
import socket
import ssl
import struct
import sys

mode, port, chain, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(chain, key)  # sends the leaf and every certificate after it in CHAIN_PEM

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('0.0.0.0', port))
srv.listen(1)
conn, _ = srv.accept()
conn.settimeout(10)


def read_line(sock):
    buf = b''
    while not buf.endswith(b'\n'):
        b = sock.recv(1)
        if not b:
            raise EOFError
        buf += b
    return buf


if mode == 'smtp':
    conn.sendall(b'220 mail.example.test ESMTP ready\r\n')
    while True:
        line = read_line(conn).strip().upper()
        if line.startswith(b'EHLO') or line.startswith(b'HELO'):
            conn.sendall(b'250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n')
        elif line == b'STARTTLS':
            conn.sendall(b'220 2.0.0 Ready to start TLS\r\n')
            break
        else:
            conn.sendall(b'502 5.5.2 Error: command not recognized\r\n')
elif mode == 'postgres':
    req = b''
    while len(req) < 8:
        b = conn.recv(8 - len(req))
        if not b:
            raise EOFError
        req += b
    length, code = struct.unpack('!II', req)
    if length != 8 or code != 80877103:
        sys.exit('not an SSLRequest')
    conn.sendall(b'S')
else:
    sys.exit('unknown mode ' + mode)

tls = ctx.wrap_socket(conn, server_side=True)
try:
    while tls.recv(4096):
        pass
except (ssl.SSLError, OSError):
    pass
try:
    tls.close()
except OSError:
    pass

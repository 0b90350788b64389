#!/usr/bin/env python3
"""Rewrites a pcap of QUIC handshakes (IPv4 over Ethernet, as tcpdump records the loopback) so that its datagrams
arrive as a path may deliver them: reordered, coalesced and duplicated.

  quic_rewrite.py IN.pcap OUT.pcap

Per UDP flow: the first and the last datagram of the server's first flight that carry Handshake packets trade
places (its Handshake CRYPTO frames out of order, and ahead of the ServerHello), the first two adjacent datagrams of
one direction whose first holds only long-header packets become one (RFC 9000 §12.2 coalescing), and the client's
first Initial and the server's first Initial datagram arrive twice. Packets are not re-encrypted: only datagrams move. Prints what it did as
JSON on stdout.
"""
import json
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
if data[:4] != b'\xd4\xc3\xb2\xa1' or struct.unpack('<I', data[20:24])[0] != 1:
    sys.exit('expects a little-endian microsecond pcap of Ethernet')
pkts = []
off = 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack('<IIII', data[off:off + 16])
    pkts.append([sec, usec, data[off + 16:off + 16 + incl]])
    off += 16 + incl


def udp(frame):
    """(flow key, direction key, payload) of an IPv4 UDP frame, or None."""
    if struct.unpack('!H', frame[12:14])[0] != 0x0800 or frame[23] != 17:
        return None
    ihl = (frame[14] & 0x0F) * 4
    u = 14 + ihl
    sport, dport = struct.unpack('!HH', frame[u:u + 4])
    ulen = struct.unpack('!H', frame[u + 4:u + 6])[0]
    a, b = (frame[26:30], sport), (frame[30:34], dport)
    return tuple(sorted([a, b])), (a, b), frame[u + 8:u + ulen]


def varint(b, o):
    n = 1 << (b[o] >> 6)
    v = b[o] & 0x3F
    for i in range(1, n):
        v = v * 256 + b[o + i]
    return v, o + n


def packets(p):
    """The packet types (v1 numbering; 'short' for a 1-RTT packet, which fills the rest) of a datagram."""
    types, o = [], 0
    while o < len(p):
        if p[o] & 0x80 == 0:
            return types + ['short']
        t = (p[o] >> 4) & 3
        o += 5
        o += 1 + p[o]
        o += 1 + p[o]
        if t == 0:
            tl, o = varint(p, o)
            o += tl
        ln, o = varint(p, o)
        o += ln
        types.append(['initial', '0rtt', 'handshake', 'retry'][t])
    return types


def first_packet_length(p):
    """Length of the first (long-header) packet of a datagram."""
    o = 5
    o += 1 + p[o]
    o += 1 + p[o]
    if (p[0] >> 4) & 3 == 0:
        tl, o = varint(p, o)
        o += tl
    ln, o = varint(p, o)
    return o + ln


def with_payload(frame, payload):
    """The frame with a new UDP payload: IPv4 total length and checksum, UDP length (checksum 0: none, RFC 768)."""
    ihl = (frame[14] & 0x0F) * 4
    u = 14 + ihl
    ip = bytearray(frame[14:u])
    struct.pack_into('!H', ip, 2, ihl + 8 + len(payload))
    struct.pack_into('!H', ip, 10, 0)
    s = sum(struct.unpack('!%dH' % (ihl // 2), bytes(ip)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    struct.pack_into('!H', ip, 10, ~s & 0xFFFF)
    uh = bytearray(frame[u:u + 8])
    struct.pack_into('!HH', uh, 4, 8 + len(payload), 0)
    return frame[:14] + bytes(ip) + bytes(uh) + payload


flows = {}
for i, p in enumerate(pkts):
    u = udp(p[2])
    if u:
        flows.setdefault(u[0], []).append(i)
done = {'flows': 0, 'split': [], 'moved': [], 'coalesced': [], 'duplicated': []}
order = list(range(len(pkts)))
extra = {}  # index -> copies sent right after it
drop = set()
split_from = []
times = [(p[0], p[1]) for p in pkts]
frame_no = lambda i: i + 1  # noqa: E731 (frame numbers of the original capture, for the log)
for key, idx in flows.items():
    done['flows'] += 1
    direction = {i: udp(pkts[i][2])[1] for i in idx}
    types = {i: packets(udp(pkts[i][2])[2]) for i in idx}
    client = direction[idx[0]]
    srv = [i for i in idx if direction[i] != client]
    # The server's first datagram (its Initial with the ServerHello, and its first Handshake packet) is split in two
    # at the packet boundary, and the last datagram of its first flight that carries Handshake packets moves in
    # between: the server's Handshake CRYPTO frames then arrive out of order (the end of the stream first).
    flight = []
    for i in srv:
        if 'handshake' in types[i]:
            flight.append(i)
        if 'short' in types[i]:
            break
    if len(flight) >= 2 and types[flight[0]][:2] == ['initial', 'handshake']:
        a, b = flight[0], flight[-1]
        payload = udp(pkts[a][2])[2]
        cut = first_packet_length(payload)
        second = len(pkts)
        pkts.append([pkts[a][0], pkts[a][1], with_payload(pkts[a][2], payload[cut:])])
        pkts[a][2] = with_payload(pkts[a][2], payload[:cut])
        direction[second], types[second] = direction[a], types[a][1:]
        types[a] = types[a][:1]
        # a, then b, then the second half of a where b was
        pa, pb = order.index(a), order.index(b)
        order[pb] = second
        order.insert(pa + 1, b)
        split_from.append(a)
        done['split'].append(frame_no(a))
        done['moved'].append(frame_no(b))
    # The first two adjacent datagrams of one direction whose first holds only long-header packets become one.
    flow_order = [i for i in order if i in direction]
    for x, y in zip(flow_order, flow_order[1:]):
        if direction[x] == direction[y] and 'short' not in types[x] and types[x]:
            pkts[x][2] = with_payload(pkts[x][2], udp(pkts[x][2])[2] + udp(pkts[y][2])[2])
            drop.add(y)
            done['coalesced'].append([frame_no(x), frame_no(y)])
            break
    # The client's first Initial and the server's ServerHello datagram arrive twice.
    for i in [idx[0]] + [j for j in srv if 'initial' in types[j]][:1]:
        extra.setdefault(i, []).append(i)
        done['duplicated'].append(frame_no(i))

# The frames move, the times of the slots stay (the file stays in time order); a split datagram's second half
# adds a slot at the time of the first.
stamps = sorted(times + [times[a] for a in split_from])
out = bytearray(data[:24])
for pos, i in enumerate(order):
    if i in drop:
        continue
    # the frame moves, the time of its slot stays: the file is still in time order
    sec, usec = stamps[pos]
    frame = pkts[i][2]
    out += struct.pack('<IIII', sec, usec, len(frame), len(frame)) + frame
    for c in extra.get(i, []):
        cf = pkts[c][2]
        s2, u2 = (sec, usec + 20) if usec + 20 < 1000000 else (sec + 1, usec + 20 - 1000000)
        out += struct.pack('<IIII', s2, u2, len(cf), len(cf)) + cf
open(dst, 'wb').write(bytes(out))
print(json.dumps(done))

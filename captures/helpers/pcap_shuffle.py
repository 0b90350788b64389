#!/usr/bin/env python3
"""Rewrites a pcap (microsecond, little or big endian, any link type with IPv4/IPv6 over Ethernet) so that a few
TCP data segments arrive out of order or twice, as a reordering or duplicating path would deliver them.

  pcap_shuffle.py IN.pcap OUT.pcap SEED

Swaps the payload-carrying packet with the next packet of the same flow and direction (timestamps stay in file
order), and duplicates a few packets 20 microseconds later. Prints what it did as JSON on stdout.
"""
import json
import random
import struct
import sys

src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
data = open(src, 'rb').read()
magic = data[:4]
if magic == b'\xd4\xc3\xb2\xa1':
    e = '<'
elif magic == b'\xa1\xb2\xc3\xd4':
    e = '>'
else:
    sys.exit('not a microsecond pcap')
header = data[:24]
linktype = struct.unpack(e + 'I', data[20:24])[0]
if linktype != 1:
    sys.exit('expects Ethernet')
pkts = []
off = 24
while off + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack(e + 'IIII', data[off:off + 16])
    pkts.append([sec, usec, orig, data[off + 16:off + 16 + incl]])
    off += 16 + incl


def tcp_info(frame):
    """(flow direction key, payload length) or None."""
    et = struct.unpack('!H', frame[12:14])[0]
    if et == 0x0800:
        ihl = (frame[14] & 0x0F) * 4
        if frame[23] != 6:
            return None
        total = struct.unpack('!H', frame[16:18])[0]
        tcp = 14 + ihl
        key = (frame[26:30], frame[30:34])
        iplen = total - ihl
    elif et == 0x86DD:
        if frame[20] != 6:
            return None
        tcp = 54
        key = (frame[22:38], frame[38:54])
        iplen = struct.unpack('!H', frame[18:20])[0]
    else:
        return None
    sport, dport = struct.unpack('!HH', frame[tcp:tcp + 4])
    doff = (frame[tcp + 12] >> 4) * 4
    return (key[0], sport, key[1], dport), iplen - doff


info = [tcp_info(p[3]) for p in pkts]
swapped = 0
i = 0
while i < len(pkts) - 1:
    a = info[i]
    if a and a[1] > 0 and rng.random() < 0.04:
        # next packet of the same direction within a few frames
        for j in range(i + 1, min(i + 6, len(pkts))):
            b = info[j]
            if b and b[0] == a[0]:
                if b[1] > 0:
                    pkts[i][2:], pkts[j][2:] = pkts[j][2:], pkts[i][2:]
                    info[i], info[j] = info[j], info[i]
                    swapped += 1
                    i = j
                break
    i += 1
out = []
duplicated = 0
for p, inf in zip(pkts, info):
    out.append(p)
    if inf and inf[1] > 0 and rng.random() < 0.015:
        usec = p[1] + 20
        out.append([p[0] + usec // 1_000_000, usec % 1_000_000, p[2], p[3]])
        duplicated += 1
with open(dst, 'wb') as f:
    f.write(header)
    for sec, usec, orig, frame in out:
        f.write(struct.pack(e + 'IIII', sec, usec, len(frame), orig))
        f.write(frame)
print(json.dumps({'packets': len(out), 'reorderedPairs': swapped, 'duplicated': duplicated}))

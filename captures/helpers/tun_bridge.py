#!/usr/bin/env python3
"""Creates a TUN device (raw IP link type, like AnyConnect's cscotun0) and carries its packets to a peer over UDP.

  tun_bridge.py IFNAME ADDR/PREFIX LOCAL_IP PEER_IP UDP_PORT

Runs until killed; the device disappears with the process.
"""
import fcntl
import os
import select
import socket
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

name, addr, local_ip, peer_ip, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
subprocess.run(['ip', 'link', 'set', name, 'mtu', '1400', 'up'], check=True)
subprocess.run(['ip', 'addr', 'add', addr, 'dev', name], check=True)
# no IPv6 router solicitations or other chatter on the tunnel
subprocess.run(['sysctl', '-qw', f'net.ipv6.conf.{name}.disable_ipv6=1'], check=False)

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((local_ip, port))
while True:
    r, _, _ = select.select([fd, udp], [], [])
    if fd in r:
        udp.sendto(os.read(fd, 65535), (peer_ip, port))
    if udp in r:
        os.write(fd, udp.recv(65535))

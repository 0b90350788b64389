/**
 * LINKTYPE_* names (https://www.tcpdump.org/linktypes.html), as tcpdump and Wireshark print them, for the
 * capture summary. Unknown values are shown as LINKTYPE_<n>.
 */
const NAMES: Record<number, string> = {
  0: 'NULL',
  1: 'EN10MB',
  6: 'IEEE802',
  9: 'PPP',
  10: 'FDDI',
  12: 'RAW',
  14: 'RAW',
  50: 'PPP_HDLC',
  51: 'PPP_ETHER',
  101: 'RAW',
  104: 'C_HDLC',
  105: 'IEEE802_11',
  108: 'LOOP',
  113: 'LINUX_SLL',
  119: 'PRISM_HEADER',
  127: 'IEEE802_11_RADIO',
  192: 'PPI',
  195: 'IEEE802_15_4',
  228: 'IPV4',
  229: 'IPV6',
  230: 'IEEE802_15_4_NOFCS',
  239: 'NFLOG',
  276: 'LINUX_SLL2',
};

export function linkTypeName(n: number): string {
  return NAMES[n] ?? `LINKTYPE_${n}`;
}

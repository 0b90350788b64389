/**
 * The filter grammar, table-driven over real handshakes: the bundled scenario captures (filter-corpus.ts) scanned
 * and judged, each expression with the handshakes it must select; the IPv4/IPv6 fields over many-handshakes.pcap
 * against counts from its expected file; hand-made handshakes for what no capture has (no SNI, ALPN, IPv4-mapped
 * addresses, escaped names, encrypted alerts); and the errors, each with its column.
 */
import { readFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, filterErrorCaret, filterFieldLines, formatFilterError, FILTER_FIELDS } from '../../src/report/filter.js';
import { dnValues } from '../../src/report/filter-fields.js';
import type { CertificateInfo, Handshake } from '../../src/model.js';
import { CAPTURES, expected, loadCorpus, type Corpus } from './filter-corpus.js';

let corpus: Corpus;
beforeAll(async () => {
  corpus = await loadCorpus();
});

/** Labels of the small corpus the expression selects, in corpus order. */
function select(expr: string): string[] {
  const f = compileFilter(expr);
  expect(f.error, `${expr}: ${f.error}`).toBeUndefined();
  return [...corpus.small].filter(([, h]) => f.test(h, corpus.certs)).map(([l]) => l);
}

function countMany(expr: string): number {
  const f = compileFilter(expr);
  expect(f.error, `${expr}: ${f.error}`).toBeUndefined();
  return corpus.many.filter((h) => f.test(h, corpus.certs)).length;
}

const H = 'healthy#1', M = 'missing#1', S = 'selfsigned#1', P = 'sip#1', D = 'dtls#1';
const T1 = 'tls13#1', T2 = 'tls13#2', K1 = 'tls13k#1', K2 = 'tls13k#2';
const C1 = 'chains#1', C2 = 'chains#2', C3 = 'chains#3', C4 = 'chains#4';
const ALL = [H, M, S, P, D, T1, T2, K1, K2, C1, C2, C3, C4];
const but = (...xs: string[]) => ALL.filter((l) => !xs.includes(l));
// The worst verdict of each handshake. Evidence over rules: a handshake that completed is not an error for a rule
// the accepting peer evidently did not enforce, so the self-signed AnyConnect certificate (S) is a warning; under
// the Expressway X15.5 rules a server certificate needs serverAuth only, so the web certificates of chain-variants
// (C1-C3) no longer get eku-missing-clientauth. C3's 1024-bit key stays an error although its handshake completed;
// C1 keeps its chain-out-of-order warning; C2 is clean.
const BAD = [M, P, C3];
const WARN = [S, C1];
const OK = [H, D, K1, K2, C2, C4];
const P443 = [S, D, T1, T2, K1, K2, C1, C2, C3];

describe('the corpus', () => {
  it('has the handshakes the table below is written for', () => {
    expect([...corpus.small.keys()]).toEqual(ALL);
    expect(corpus.many).toHaveLength(300);
  });
});

describe('short terms of the first filter language, as before', () => {
  it.each<[string, string[]]>([
    ['', ALL],
    ['   ', ALL],
    ['port 7001', [H, M, C4]],
    ['port 443', P443],
    ['PORT 5061', [P]],
    ['ip 10.77.0.2', ALL],
    ['ip 10.77.0.', ALL],
    ['ip 10.78.', []],
    ['sni vpn', [S, D]],
    ['sni VPN', [S, D]],
    ['host cucm', [P]],
    ['host expe2', [C4]], // a SAN of the cluster certificate
    ['host 10.77.0.2', ALL],
    ['cn "Issuing CA"', [H, P, D, K1, K2, C1, C2, C3, C4]],
    ['cn expe-cluster', [C4]],
    ['cn expe2', []], // CN only, not the SANs
    ['code missing-intermediate', [M]],
    ['missing-intermediate', [M]],
    ['chain-trusted', [H, P, D, K1, K2, C1, C2, C3, C4]], // a code alone: not the missing CA, the self-signed or the unread chains
    ['bad', BAD],
    ['error', BAD],
    ['ok', OK],
    ['good', OK],
    ['info', [T1, T2]],
    ['warn', WARN],
    ['alert', [M, P, K2]], // K2: the client's close_notify, see 'tls.alert_message.level == warning'
    ['tcp', but(D)],
    ['udp', [D]],
    ['dtls', [D]],
    ['mtls', [H, M, P, K2, C4]],
    ['encrypted', [T1, T2]],
    ['unknown_ca', [M]],
    ['handshake_failure', [P]],
    ['vpn.example.test', [S, D]], // a dotted word that is no field: free text
    ['expe2.example.test', [C4]],
    ['example.test', ALL],
    ['ECDSA', [C2]],
    ['7001', [H, M, C4]],
    ['70', []], // a port matches whole
    ['TLS 1.3', [T1, T2, K1, K2]],
    ['"TLS 1.3"', [T1, T2, K1, K2]],
    ['!bad', but(...BAD)],
    ['not port 443', [H, M, P, C4]],
    ['port 7001 bad', [M]],
    ['VPN', [S, D]],
  ])('%j', (expr, want) => {
    expect(select(expr)).toEqual(want);
  });
});

describe('logic: not > and > or, juxtaposition is and, parentheses', () => {
  it.each<[string, string[]]>([
    ['port 7001 or sni vpn', [H, M, S, D, C4]],
    ['port 7001 || sni vpn', [H, M, S, D, C4]],
    ['dtls or port 7001 and alert', [M, D]],
    ['(dtls or port 7001) and alert', [M]],
    ['port 7001 and alert or dtls', [M, D]],
    ['port 7001 and (alert or dtls)', [M]],
    ['not port 443 or alert', [H, M, P, K2, C4]],
    ['not (port 443 or alert)', [H, C4]],
    ['!(port 443 || alert)', [H, C4]],
    ['not port 443 and not alert', [H, C4]],
    ['port 7001 && bad', [M]],
    ['port 7001 AND ok', [H, C4]],
    ['port 7001 and not bad', [H, C4]],
    ['!!bad', BAD],
    ['not not ok', OK],
    ['bad or info', [M, P, T1, T2, C3]],
    ['warn or info', [S, T1, T2, C1]],
    ['((port 7001))', [H, M, C4]],
    ['sni cucm or sni order or sni legacy', [P, C1, C3]],
    ['port 443 ecdsa or port 5061', [P, C2]],
    ['port 443 (ecdsa or legacy)', [C2, C3]],
    ['mtls and tls.handshake.type == 13 and not alert', [H, C4]], // K2 has its close_notify
    ['mtls and tls.handshake.type == 13 and not tls.alert_message.level == fatal', [H, K2, C4]],
    ['Not Port 443 Or Alert', [H, M, P, K2, C4]],
  ])('%j', (expr, want) => {
    expect(select(expr)).toEqual(want);
  });
});

describe('comparison operators and Wireshark fields', () => {
  const issuing = new X509Certificate(readFileSync(join(CAPTURES, 'pki/issuing-ca.pem'))).serialNumber;
  it.each<[string, string[]]>([
    // ports
    ['tcp.port == 7001', [H, M, C4]],
    ['tcp.port eq 7001', [H, M, C4]],
    ['tcp.port==7001', [H, M, C4]],
    ['tcp.port == 0x1b59', [H, M, C4]],
    ['tcp.port != 443', [H, M, P, D, C4]], // not ==: the DTLS handshake has no tcp.port at all
    ['tcp.port ne 443', [H, M, P, D, C4]],
    ['udp.port == 443', [D]],
    ['udp.port != 443', but(D)],
    ['tcp.dstport < 1024', [S, T1, T2, K1, K2, C1, C2, C3]],
    ['tcp.srcport < 1024', []],
    ['tcp.srcport > 1023', but(D)],
    ['tcp.dstport >= 5061 and tcp.dstport <= 7001', [H, M, P, C4]],
    ['tcp.dstport gt 5061', [H, M, C4]],
    ['tcp.dstport ge 5061 and tcp.dstport lt 7001', [P]],
    ['tcp.dstport le 443', [S, T1, T2, K1, K2, C1, C2, C3]],
    ['udp.srcport > 1023', [D]],
    ['udp.dstport == 443', [D]],
    ['tcp.port in {5061 7001}', [H, M, P, C4]],
    ['tcp.port in {5061, 7001}', [H, M, P, C4]],
    ['port in {5061 443}', [S, P, D, T1, T2, K1, K2, C1, C2, C3]],
    ['port == 443', P443],
    // addresses
    ['ip.src == 10.77.0.1', ALL],
    ['ip.dst == 10.77.0.1', []],
    ['ip.dst == 10.77.0.2', ALL],
    ['ip.addr == 10.77.0.0/24 and not ok', [M, S, P, T1, T2, C1, C3]],
    ['ip.addr == 10.77.1.0/24', []],
    ['ip.addr != 10.77.0.1', []], // that address is at one end of every handshake
    ['ip.src != 10.77.0.2', ALL],
    ['ip 10.77.0.0/24', ALL],
    ['ip 10.78.0.0/16', []],
    ['ip.addr', ALL],
    ['ipv6.addr', []],
    // names
    ['tls.handshake.extensions_server_name contains "vpn" || tcp.port == 7001', [H, M, S, D, C4]],
    ['tls.handshake.extensions_server_name == vpn.example.test', [S, D]],
    ['tls.handshake.extensions_server_name == CUCM.Example.Test', [P]],
    ['TLS.Handshake.Extensions_Server_Name == cucm.example.test', [P]],
    ['ssl.handshake.extensions_server_name == cucm.example.test', [P]],
    ['tls.handshake.extensions_server_name == vpn', []],
    ['tls.handshake.extensions_server_name matches "^expe[0-9]*\\."', [H, M, C4]],
    ['sni matches "(?:cucm|order)\\\\."', [P, C1]], // Wireshark's doubled backslash
    ['sni ~ "^WWW"', [T1, T2, K1, K2]],
    ['sni matches ^www', [T1, T2, K1, K2]],
    ['sni == vpn.example.test', [S, D]],
    ['sni contains expe', [H, M, C4]],
    ['tls.handshake.extensions_server_name', ALL],
    // handshake messages
    ['tls.handshake.type == 11', but(T1, T2)], // TLS 1.3 without the key log: the Certificate was never read
    ['tls.handshake.type == certificate', but(T1, T2)],
    ['tls.handshake.type == 13', [H, M, P, K2, C4]],
    ['tls.handshake.type == CertificateRequest', [H, M, P, K2, C4]],
    ['tls.handshake.type == 1', ALL],
    ['tls.handshake.type == 2', ALL],
    ['tls.handshake.type == 12', []], // not kept by the model
    ['tls.handshake.type', ALL],
    // alerts
    ['tls.alert_message.desc == 48', [M]],
    ['tls.alert_message.desc == unknown_ca', [M]],
    ['tls.alert_message.desc == handshake_failure', [P]],
    ['tls.alert_message.desc == 40', [P]],
    ['tls.alert_message.desc contains unknown', [M]],
    ['tls.alert_message.level == fatal', [M, P]],
    ['tls.alert_message.level == 2', [M, P]],
    // K2 (mutual TLS 1.3): the client's close_notify (frame 30) crossed the server's NewSessionTicket (frame 32), and
    // the handshake completes only once the server answers the client's certificate, so that alert is part of it.
    ['tls.alert_message.level == warning', [K2]],
    ['tls.alert_message.desc == close_notify', [K2]],
    ['tls.alert_message.desc', [M, P, K2]],
    ['alert == unknown_ca', [M]],
    ['alert == 40', [P]],
    // cipher and version
    ['tls.handshake.ciphersuite == 0xc030', [H, M, S, P, D, C1, C3, C4]],
    ['tls.handshake.ciphersuite == 49200', [H, M, S, P, D, C1, C3, C4]],
    ['tls.handshake.ciphersuite == TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', [H, M, S, P, D, C1, C3, C4]],
    ['tls.handshake.ciphersuite == 0x1302', [T1, T2, K1, K2]],
    ['cipher == tls_aes_256_gcm_sha384', [T1, T2, K1, K2]],
    ['cipher contains ecdsa', [C2]],
    ['tls.handshake.ciphersuite matches "^TLS_ECDHE_ECDSA"', [C2]],
    ['tls.handshake.version == 0x0304', [T1, T2, K1, K2]],
    ['version == "TLS 1.3"', [T1, T2, K1, K2]],
    ['version == tlsv1.2', [H, M, S, P, C1, C2, C3, C4]],
    ['tls.handshake.version == 0xfefd', [D]],
    ['version == dtls1.2', [D]],
    ['version != tls1.2', [D, T1, T2, K1, K2]],
    // certificates
    ['x509sat.printableString == "Example Test ECDSA Root CA"', [C2]],
    ['x509sat.uTF8String == "Example Test Root CA 2"', [C1]],
    ['x509sat.uTF8String == US', but(T1, T2)],
    ['x509sat.uTF8String contains policy', [C1]],
    ['x509sat.uTF8String == user1.example.test', [K2]], // the client's certificate counts
    ['x509ce.dNSName == expe2.example.test', [C4]],
    ['x509ce.dNSName matches "^vpn[0-9]"', [D]],
    ['x509ce.dNSName == user1@example.test', []], // an e-mail SAN is no dNSName
    ['san == user1@example.test', [K2]],
    ['san contains expe2', [C4]],
    ['x509ce.dNSName', but(T1, T2)],
    [`x509af.serialNumber == ${issuing}`, [H, P, D, K1, K2, C3, C4]],
    [`serial == 0x${issuing.toLowerCase()}`, [H, P, D, K1, K2, C3, C4]],
    [`serial == ${issuing.replace(/^0+/, '').replace(/(..)(?=.)/g, '$1:')}`, [H, P, D, K1, K2, C3, C4]],
    ['x509af.serialNumber', but(T1, T2)],
    ['host == cucm.example.test', [P]],
    ['cn == "example test root ca 2"', [C1]],
    // frames: a handshake spans its first to its last frame
    ['frame.number == 10', [H, M, P, D, T1, K1, C1]],
    ['frame.number == 28', [K2]],
    ['frame.number > 40', [C3, C4]],
    ['frame.number >= 28', [K2, C3, C4]],
    ['frame.number < 4', [D]],
    ['frame.number <= 3', [D]],
    ['frame.number', ALL],
    // certshark's words as fields
    ['severity == error', BAD],
    ['severity >= warning', [M, S, P, C1, C3]],
    ['severity == warning', WARN],
    ['severity < ok', [T1, T2]],
    ['severity == ok', OK],
    ['severity != error', but(...BAD)],
    ['severity > info', but(T1, T2)],
    ['code == self-signed', [S]],
    ['code == certificates-encrypted', [T1, T2]],
    ['code == weak-key', [C3]], // an error although its handshake completed
    ['code contains alert-', [M, P]],
    ['code matches "^(weak|chain-out)"', [C1, C3]],
    ['note contains hello-verify', [D]],
  ])('%j', (expr, want) => {
    expect(select(expr)).toEqual(want);
  });
});

describe('IPv4 and IPv6 over many-handshakes.pcap', () => {
  const exp = expected('many-handshakes').handshakes;
  const v6 = exp.filter((h) => h.client.ip.includes(':')).length;
  const v4 = exp.length - v6;
  const v4on7001 = exp.filter((h) => !h.client.ip.includes(':') && h.server?.port === 7001).length;
  const ecdsaSha = createHash('sha256').update(new X509Certificate(readFileSync(join(CAPTURES, 'pki/ecdsa.pem'))).raw).digest('hex');
  const ecdsa = exp.filter((h) => h.serverChain?.includes(ecdsaSha)).length;

  it('the expected file has both families', () => {
    expect(v6).toBeGreaterThan(0);
    expect(v4).toBeGreaterThan(0);
    expect(ecdsa).toBeGreaterThan(0);
  });
  it.each<[string, () => number]>([
    ['ipv6.addr == fd00::/8', () => v6],
    ['ipv6.addr == fd77::1', () => v6],
    ['ipv6.src == fd77::1', () => v6],
    ['ipv6.src == fd77:0:0::1', () => v6], // the same address written out
    ['ipv6.dst == fd77::1', () => 0],
    ['ipv6.dst == FD77::2', () => v6],
    ['ipv6.addr != fd77::1', () => v4],
    ['ipv6.addr', () => v6],
    ['ipv6.addr == ::/0', () => v6], // an IPv6 rule never matches an IPv4 end
    ['ipv6.addr == ::ffff:10.77.0.0/104', () => 0], // nor an IPv4 end its IPv4-mapped form
    ['ip.addr == 0.0.0.0/0', () => v4],
    ['ip.addr == 10.77.0.0/24', () => v4],
    ['ip.addr', () => v4],
    ['ip 10.77.0.0/24', () => v4],
    ['ip fd77::/16', () => v6],
    ['ip 10.77.', () => v4],
    ['ip fd77:', () => v6],
    ['ip fd77::1', () => v6],
    ['ip.addr == 10.77.0.0/24 and tcp.port == 7001', () => v4on7001],
    ['x509ce.dNSName == ecdsa.example.test', () => ecdsa],
    ['not ipv6.addr and not ip.addr', () => 0],
  ])('%j', (expr, want) => {
    expect(countMany(expr)).toBe(want());
  });
});

describe('hand-made handshakes: what the captures lack', () => {
  const base: Handshake = {
    id: 1, transport: 'tcp', client: { ip: '10.0.0.5', port: 50000 }, server: { ip: '192.0.2.10', port: 443 },
    firstFrame: 1, lastFrame: 9, time: '2026-01-01T00:00:00.000Z', ts: 0, serverChain: [], clientChain: [],
    alerts: [], encrypted: false, complete: true, notes: [],
  };
  const cert: CertificateInfo = {
    sha256: 'aa'.repeat(32), sha1: 'bb'.repeat(20), pem: '', subject: 'CN=Doe\\, John,O=Acme\\+Co,C=US',
    issuer: 'CN=Line\\0ABreak+OU=Ops', subjectCN: 'Doe, John', serial: '0a1b2c', notBefore: '', notAfter: '',
    sans: [{ type: 'dns', value: 'doe.example' }, { type: 'ip', value: '192.0.2.10' }], keyUsage: [], extKeyUsage: [],
    key: { type: 'EC' }, signatureAlgorithm: 'ecdsa-with-SHA256', isCA: false, selfSigned: false,
  };
  const certs = new Map([[cert.sha256, cert]]);
  const hs: Record<string, Handshake> = {
    plain: base,
    named: {
      ...base, sni: 'a.example', alpn: ['h2', 'http/1.1'], version: 'TLS 1.2', serverChain: [cert.sha256],
      ja3: '871a754af286dfb70c1b53c6887c62e0', ja3s: 'ec74a5c51106f0419184d0dd08fb05bc', ja4: 't12d280700_d943125447b4_e7e480e5a997',
    },
    mapped: { ...base, client: { ip: '::ffff:10.0.0.5', port: 50000 }, server: { ip: '::ffff:192.0.2.10', port: 443 } },
    closed: { ...base, alerts: [{ from: 'server', level: 1, levelName: 'warning', description: 0, descriptionName: 'close_notify', frame: 9 }] },
    hidden: { ...base, alerts: [{ from: 'client', level: 0, levelName: 'encrypted', description: 0, descriptionName: 'encrypted', frame: 9, encrypted: true }] },
    empty: { ...base, clientSentEmptyCertificate: true, frames: { clientHello: 1 } },
  };
  const pick = (expr: string) => {
    const f = compileFilter(expr);
    expect(f.error, `${expr}: ${f.error}`).toBeUndefined();
    return Object.entries(hs).filter(([, h]) => f.test(h, certs)).map(([k]) => k);
  };
  it.each<[string, string[]]>([
    ['tls.handshake.extensions_server_name', ['named']],
    ['not tls.handshake.extensions_server_name', ['plain', 'mapped', 'closed', 'hidden', 'empty']],
    ['sni != a.example', ['plain', 'mapped', 'closed', 'hidden', 'empty']], // != is not ==: no SNI is not a.example
    ['sni != b.example', ['plain', 'named', 'mapped', 'closed', 'hidden', 'empty']],
    ['sni == a.example', ['named']],
    ['tls.handshake.extensions_alpn_str == h2', ['named']],
    ['tls.handshake.extensions_alpn_str', ['named']],
    ['alpn contains HTTP', ['named']],
    ['alpn == http', []],
    ['tls.handshake.ja3 == 871A754AF286DFB70C1B53C6887C62E0', ['named']],
    ['tls.handshake.ja3', ['named']],
    ['tls.handshake.ja3 == ec74a5c51106f0419184d0dd08fb05bc', []],
    ['tls.handshake.ja3s == ec74a5c51106f0419184d0dd08fb05bc', ['named']],
    ['ssl.handshake.ja3s', ['named']],
    ['ja4 matches "^t12d28"', ['named']],
    ['ja4 contains t13', []],
    ['alpn', []], // certshark's own field names are fields only before an operator: alone, free text
    ['ip.addr == 10.0.0.0/8', ['plain', 'named', 'closed', 'hidden', 'empty']],
    ['ip 10.0.0.5', ['plain', 'named', 'closed', 'hidden', 'empty']], // an IPv4-mapped end is an IPv6 end
    ['ipv6.addr == ::ffff:10.0.0.0/104', ['mapped']],
    ['ipv6.src == ::ffff:a00:5', ['mapped']], // the same address in hex
    ['ipv6.dst == ::ffff:a00:5', []],
    ['ip ::ffff:10.0.0.5', ['mapped']],
    ['alert', ['closed', 'hidden']],
    ['alert == encrypted', ['hidden']],
    ['tls.alert_message.desc', ['closed']], // an encrypted alert's content is a guess: not a desc
    ['tls.alert_message.desc == 0', ['closed']],
    ['tls.alert_message.desc == close_notify', ['closed']],
    ['tls.alert_message.level == warning', ['closed']],
    ['tls.alert_message.level == 1', ['closed']],
    ['x509sat.uTF8String == "Doe, John"', ['named']],
    ['x509sat.uTF8String == "Acme+Co"', ['named']],
    ['x509sat.uTF8String == Ops', ['named']],
    ['x509sat.uTF8String matches "^Line\\sBreak$"', ['named']],
    ['x509sat.uTF8String == Doe', []],
    ['cn "doe, john"', ['named']],
    ['x509ce.dNSName == doe.example', ['named']],
    ['x509ce.dNSName == 192.0.2.10', []],
    ['san == 192.0.2.10', ['named']],
    ['serial == a1b2c', ['named']],
    ['serial == 0x0A:1B:2C', ['named']],
    ['x509af.serialNumber == 0a1b2c', ['named']],
    ['serial == a1b2', []],
    ['serial contains 1b2', ['named']],
    ['version == tls1.2', ['named']],
    ['version == TLSv1.2', ['named']],
    ['version == "TLS 1.2"', ['named']],
    ['version == 0x0303', ['named']],
    ['version == 771', ['named']],
    ['frame.number == 9', ['plain', 'named', 'mapped', 'closed', 'hidden', 'empty']],
    ['tls.handshake.type == 11', ['named', 'empty']], // an empty Certificate message is a Certificate message
    ['tls.handshake.type == 1', ['empty']], // the others were made without a ClientHello frame
    ['tls.handshake.type == 2', []],
    ['frame.number == 10', []],
    ['severity', []], // alone, free text
    ['severity == ok', []], // not judged: no severity
  ])('%j', (expr, want) => {
    expect(pick(expr)).toEqual(want);
  });

  it('reads RFC 4514 values with their escapes', () => {
    expect(dnValues('CN=Doe\\, John,O=Acme\\+Co,C=US')).toEqual(['Doe, John', 'Acme+Co', 'US']);
    expect(dnValues('CN=Line\\0ABreak+OU=Ops')).toEqual(['Line\nBreak', 'Ops']);
    expect(dnValues('CN=\\#1\\ ,O=a\\=b\\\\c')).toEqual(['#1 ', 'a=b\\c']);
    expect(dnValues('')).toEqual([]);
  });
});

describe('errors, with the column of the mistake', () => {
  it.each<[string, RegExp, number]>([
    ['ip.addr ==', /^'==' needs a value after it, e.g. 'ip\.addr == 10\.77\.0\.0\/24'$/, 10],
    ['ip.addr == ', /^'==' needs a value after it/, 11],
    ['ip.addr == 10.77.0.0/33', /prefix length after '\/' must be 0 to 32/, 11],
    ['ipv6.addr == fd00::/129', /must be 0 to 128/, 13],
    ['ip.addr == 10.0.0.256', /'ip\.addr' needs an address or CIDR prefix/, 11],
    ['ip.addr == fd00::1', /'fd00::1' is an IPv6 address and ip\.addr holds IPv4 addresses \(use ipv6\.addr\)/, 11],
    ['ipv6.addr == 10.0.0.1', /is an IPv4 address and ipv6\.addr holds IPv6 addresses \(use ip\.addr\)/, 13],
    ['ip 10.0', /'ip' needs an address or CIDR prefix .* or a prefix ending in '\.' or ':'/, 3],
    ['ip vpn.example.', /'ip' needs an address/, 3],
    ['(port 7001', /^the '\(' here is never closed$/, 0],
    ['port 7001 and (ok or (bad)', /never closed/, 14],
    ['port 7001)', /^'\)' has no '\(' to close$/, 9],
    ['port 7001 and', /^'and' needs a term after it$/, 13],
    ['port 7001 &&', /^'&&' needs a term after it$/, 12],
    ['or port 7001', /^'or' needs a term before it$/, 0],
    ['port 7001 or or ok', /^'or' needs a term after it$/, 13],
    ['port 7001 or )', /^'or' needs a term after it$/, 13],
    ['not', /^'not' needs a term after it$/, 3],
    ['ok !', /^'!' needs a term after it$/, 4],
    ['()', /holds nothing/, 0],
    ['tls.sni == x', /^unknown field 'tls\.sni' \(did you mean sni\?\)$/, 0],
    ['tls.handshake.extension_server_name == x', /did you mean tls\.handshake\.extensions_server_name/, 0],
    ['foo == 1', /^unknown field 'foo' \(fields: ip\.addr, ip\.src, .*, note\)$/, 0],
    ['tls.alert_message', /unknown field 'tls\.alert_message' \(did you mean tls\.alert_message\.desc/, 0],
    ['tls.example.test', /unknown field 'tls\.example\.test'.*quote it: "tls\.example\.test"$/, 0],
    ['port 7001 frame.numbr', /unknown field 'frame\.numbr' \(did you mean frame\.number/, 10],
    ['bad == 1', /unknown field 'bad'/, 0],
    ['sni matches "("', /^bad regular expression '\(': Unterminated group$/, 12],
    ['sni ~ "[a-"', /^bad regular expression '\[a-'/, 6],
    ['tcp.port == 70000', /^'tcp\.port' needs a number from 0 to 65535, not '70000'$/, 12],
    ['port seven', /^'port' needs a number from 0 to 65535, not 'seven'$/, 5],
    ['port', /^'port' needs a value, e.g. 'port 7001'$/, 0],
    ['sni', /^'sni' needs a value, e.g. 'sni vpn'$/, 0],
    ['not port 443 and code', /^'code' needs a value/, 17],
    ['sni and ok', /^'sni' needs a value/, 0],
    ['frame.number == -1', /'frame\.number' needs a whole number, not '-1'/, 16],
    ['tls.alert_message.level == 3.5', /unknown alert level '3\.5' \(warning or fatal\)$/, 27],
    ['tls.alert_message.level == 256', /needs a number from 0 to 255, not '256'/, 27],
    ['tcp.port contains 7', /^'contains' looks into text; tcp\.port is a port/, 9],
    ['ip.addr matches 10', /'matches' looks into text/, 8],
    ['sni > 3', /^'>' orders numbers; sni is a text/, 4],
    ['severity >= awful', /'severity' is error, warning, ok or info, not 'awful'/, 12],
    ['code nope', /unknown verdict code 'nope'/, 5],
    ['code == missing-intermedate', /unknown verdict code 'missing-intermedate' \(did you mean missing-intermediate\?\)/, 8],
    ['alert == unknwn_ca', /unknown alert 'unknwn_ca' \(did you mean unknown_ca\?\)/, 9],
    ['tls.handshake.version == tls1.4', /unknown TLS version 'tls1\.4'/, 25],
    ['cipher == TLS_FOO_BAR', /unknown cipher suite 'TLS_FOO_BAR'/, 10],
    ['tls.handshake.type == hello', /unknown handshake message type 'hello'/, 22],
    ['x509af.serialNumber == xyz', /needs a serial number in hex/, 23],
    ['sni = x', /^'=' is not an operator: compare with '=='$/, 4],
    ['sni & x', /a single '&'/, 4],
    ['sni | x', /a single '\|'/, 4],
    ['sni "abc', /^the string opened here is never closed \(a " is missing\)$/, 4],
    ["sni 'abc", /a ' is missing/, 4],
    ['== 443', /^'==' needs a field before it, e.g. 'tcp\.port == 443'$/, 0],
    ['tcp.port == 443 == 7001', /^'==' needs a field before it/, 16],
    ['tcp.port == and ok', /^'==' needs a value after it/, 12],
    ['tcp.port in 443', /^'in' needs a set in braces after it, e.g. 'tcp\.port in \{443 7001\}'$/, 12],
    ['tcp.port in {443', /the '\{' here is never closed/, 12],
    ['tcp.port in {}', /'\{\}' holds nothing/, 12],
    ['tcp.port in {443 or}', /a set holds values, not 'or'/, 17],
    ['tcp.port in {443 70000}', /not '70000'/, 17],
    ['in {443}', /^'in' needs a field before it/, 0],
    ['café tls.sni', /unknown field/, 5],
    ['🔒 tls.sni', /unknown field/, 2], // columns count code points, not UTF-16 units
  ])('%j', (expr, message, position) => {
    const f = compileFilter(expr);
    expect(f.error).toMatch(message);
    expect(f.position).toBe(position);
  });

  it('bounds nesting, so a pasted wall of parentheses or bangs is an error and not a stack overflow', () => {
    expect(compileFilter('('.repeat(100) + 'ok' + ')'.repeat(100))).toMatchObject({ error: 'nested deeper than 64 levels', position: 64 });
    expect(compileFilter('!'.repeat(100_000) + 'ok')).toMatchObject({ error: 'nested deeper than 64 levels', position: 64 });
    expect(select('('.repeat(60) + 'ok' + ')'.repeat(60))).toEqual(OK);
    expect(select('!'.repeat(60) + 'ok')).toEqual(OK);
    expect(select(Array(50_000).fill('ok').join(' or '))).toEqual(OK); // and/or chains are loops, not recursion
  });

  it('spans the offending token, and a missing operand at the end is one column', () => {
    expect(compileFilter('tls.sni == x')).toMatchObject({ position: 0, length: 7 });
    expect(compileFilter('ip.addr ==')).toMatchObject({ position: 10, length: 1 });
    expect(compileFilter('sni matches "("')).toMatchObject({ position: 12, length: 3 });
  });

  it('a filter with an error selects nothing, whatever a caller does with it', () => {
    const f = compileFilter('port 7001 and');
    expect([...corpus.small.values()].filter((h) => f.test(h, corpus.certs))).toEqual([]);
  });

  it('formats one line with a 1-based column, and a caret line that allows for escaped characters', () => {
    const f = compileFilter('ip.addr ==');
    expect(formatFilterError(f)).toBe("'==' needs a value after it, e.g. 'ip.addr == 10.77.0.0/24' (column 11)");
    expect(filterErrorCaret('ip.addr ==', f)).toEqual(['ip.addr ==', '          ^']);
    const text = 'sni "\u0007" tls.sni';
    const g = compileFilter(text);
    expect(g.position).toBe(8);
    // The BEL shows as \x07 (four columns for one): the caret moves three to the right with it.
    expect(filterErrorCaret(text, g)).toEqual(['sni "\\x07" tls.sni', ' '.repeat(11) + '^~~~~~~']);
    expect(formatFilterError(compileFilter('sni == "\u001b[2J" foo.bar =='))).not.toContain('\u001b');
    expect(formatFilterError(compileFilter('port 7001'))).toBe('');
  });
});

describe('the compiled filter', () => {
  it('normalises blanks outside strings, keeps what was typed', () => {
    expect(compileFilter('  port   7001   bad ').text).toBe('port 7001 bad');
    expect(compileFilter('!bad').text).toBe('!bad');
    expect(compileFilter('sni  "a  b"').text).toBe('sni "a  b"');
    expect(compileFilter('tcp.port==7001').text).toBe('tcp.port==7001');
  });
});

describe('the field table', () => {
  it('has every Wireshark field the grammar promises, each with a description and a working example', () => {
    const names = FILTER_FIELDS.map((f) => f.name);
    for (const n of [
      'ip.addr', 'ip.src', 'ip.dst', 'ipv6.addr', 'ipv6.src', 'ipv6.dst', 'tcp.port', 'tcp.srcport', 'tcp.dstport',
      'udp.port', 'udp.srcport', 'udp.dstport', 'tls.handshake.extensions_server_name', 'tls.handshake.type',
      'tls.alert_message.desc', 'tls.alert_message.level', 'tls.handshake.ciphersuite', 'tls.handshake.version',
      'tls.handshake.extensions_alpn_str', 'x509sat.uTF8String', 'x509sat.printableString', 'x509ce.dNSName',
      'x509af.serialNumber', 'frame.number', 'port', 'ip', 'host', 'sni', 'cn', 'code', 'severity',
    ]) expect(names).toContain(n);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const f of FILTER_FIELDS) {
      expect(f.description.length, f.name).toBeGreaterThan(5);
      expect(f.example.startsWith(f.name + ' '), f.example).toBe(true);
      expect(compileFilter(f.example).error, f.example).toBeUndefined();
    }
  });
  it('lists one aligned line per field', () => {
    const lines = filterFieldLines();
    expect(lines).toHaveLength(FILTER_FIELDS.length);
    const col = lines[0]!.indexOf('IPv4 address');
    expect(col).toBeGreaterThan(0);
    expect(lines.every((l) => l.length > col && l[col - 1] === ' ' && l[col - 2] === ' ')).toBe(true);
  });
});

describe('the README', () => {
  const readme = readFileSync(join(CAPTURES, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Filter expressions'), readme.indexOf('## Examples on the bundled captures'));
  it('gives examples that compile', () => {
    const ex = section.slice(section.indexOf('Examples:')).replace(/\n/g, ' ');
    const exprs = [...ex.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    for (const e of exprs) expect(compileFilter(e).error, e).toBeUndefined();
  });
  it('lists only fields that exist, and every field of the table', () => {
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const listed = rows.flatMap((r) => [...r.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const names = FILTER_FIELDS.map((f) => f.name);
    for (const n of listed) expect(names, n).toContain(n);
    for (const n of names) expect(listed, n).toContain(n);
  });
});

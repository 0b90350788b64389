/**
 * TLS 1.2 renegotiation asking for the client certificate (the IIS / VPN gateway pattern), end to end on the real
 * captures of captures/renegotiation/make.sh (Node tls over 127.0.0.1 under tcpdump, one AES-GCM and one
 * AES-CBC-SHA session with encrypt_then_mac): the client certificate travels only inside the renegotiation,
 * which is encrypted under the first handshake's keys.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HandshakeKeyParams, KeyProvider } from '../../src/tls/types.js';
import { KeyLogProvider, parseKeyLog } from '../../src/tls/crypto/index.js';
import { scanCaptures } from '../../src/session.js';
import { cli, RENEG, renegExpected, scanJson, secretsOf } from './helpers.js';

const exp = renegExpected();
const ROOT_CA = join(RENEG, 'pki/root-ca.pem');
const CASES = [
  { name: 'renegotiation-gcm', etm: false },
  { name: 'renegotiation-cbc', etm: true },
] as const;

/** A key provider over a key log text that records what the parser asked. */
function recording(text: string, override?: Partial<HandshakeKeyParams>) {
  const inner = new KeyLogProvider(parseKeyLog(text));
  const asked: HandshakeKeyParams[] = [];
  const keys: KeyProvider = {
    forHandshake: (p) => {
      asked.push({ ...p });
      return inner.forHandshake({ ...p, ...override });
    },
  };
  return { keys, asked };
}

for (const { name, etm } of CASES) {
  const pcap = join(RENEG, `${name}.pcap`);
  const keysFile = join(RENEG, `${name}.keys`);
  const keylogText = readFileSync(keysFile, 'utf8');
  const cipher = exp.captures[`${name}.pcap`]!.cipher;

  describe(`${name} (${cipher})`, () => {
    it('with --keylog: the first handshake has the server chain, the renegotiation the client chain and a note', () => {
      const j = scanJson(['--keylog', keysFile, '--ca', ROOT_CA, pcap]);
      expect(j.captures[0]!.error).toBeUndefined();
      expect(j.handshakes).toHaveLength(2);
      const [first, reneg] = j.handshakes as [(typeof j.handshakes)[0], (typeof j.handshakes)[0]];
      // Same flow: same client port, same server.
      expect(reneg.client).toEqual(first.client);
      expect(reneg.server).toEqual(first.server);
      expect(first).toMatchObject({ version: 'TLS 1.2', cipher, sni: 'iis.example.test', complete: true, encrypted: false });
      expect(first.serverChain).toEqual(exp.serverChain);
      expect(first.clientChain).toEqual([]);
      expect(first.certificateRequest).toBeUndefined();
      expect(first.notes).toEqual([]);

      expect(reneg).toMatchObject({ version: 'TLS 1.2', cipher, sni: 'iis.example.test', complete: true, encrypted: false });
      expect(reneg.serverChain).toEqual(exp.serverChain); // the server sends its chain again in a full renegotiation
      expect(reneg.clientChain).toEqual(exp.clientChain);
      expect(reneg.certificateRequest).toBeDefined();
      expect(reneg.firstFrame).toBeGreaterThan(first.lastFrame);
      expect(reneg.notes).toHaveLength(1);
      expect(reneg.notes[0]).toMatch(new RegExp(`^renegotiation of handshake #${first.id}: .*decrypted with the key log`));
      expect(reneg.notes.join(' ')).not.toMatch(/decryption-failed|no ClientHello/);
      const codes = (reneg.verdicts ?? []).filter((v) => v.subject === 'client').map((v) => v.code);
      expect(codes).toContain('chain-trusted');
      // Every certificate any handshake references is listed once.
      const listed = j.certificates.map((c) => c.sha256);
      expect(new Set(listed).size).toBe(listed.length);
      expect(new Set(listed)).toEqual(new Set([...exp.serverChain, ...exp.clientChain]));
    });

    it('without a key log: the renegotiation is reported as encrypted with a note, the first handshake unchanged', () => {
      const j = scanJson(['--ca', ROOT_CA, pcap]);
      expect(j.handshakes).toHaveLength(2);
      const [first, reneg] = j.handshakes as [(typeof j.handshakes)[0], (typeof j.handshakes)[0]];
      expect(first.serverChain).toEqual(exp.serverChain);
      expect(first.complete).toBe(true);
      expect(reneg).toMatchObject({ encrypted: true, version: 'TLS 1.2', cipher, serverChain: [], clientChain: [] });
      expect(reneg.client).toEqual(first.client);
      expect(reneg.notes).toHaveLength(1);
      expect(reneg.notes[0]).toMatch(
        new RegExp(`^renegotiated-under-encryption: the server sent an encrypted handshake record at frame \\d+ after handshake #${first.id} completed`),
      );
      expect(reneg.notes[0]).toContain('key log');
      expect((reneg.verdicts ?? []).map((v) => v.code)).toContain('certificates-encrypted');
      expect(j.certificates.map((c) => c.sha256).sort()).toEqual([...exp.serverChain].sort());
    });

    it('no secret of the key log appears in the JSON or the text report', () => {
      const secrets = secretsOf(keylogText);
      expect(secrets).toHaveLength(2);
      for (const args of [['scan', '--json', '--keylog', keysFile, pcap], ['scan', '--keylog', keysFile, pcap]]) {
        const r = cli(args);
        expect(r.code).toBe(0);
        const all = (r.out + r.err).toLowerCase();
        for (const s of secrets) {
          expect(all).not.toContain(s);
          expect(all).not.toContain(s.slice(0, 16));
        }
      }
    });

    it(`the ServerHello's encrypt_then_mac (${etm}) reaches the key provider for both handshakes, and matters for CBC`, async () => {
      const { keys, asked } = recording(keylogText);
      const r = await scanCaptures([pcap], { keys });
      expect(asked.map((p) => [p.version, p.encryptThenMac])).toEqual([
        [0x0303, etm],
        [0x0303, etm],
      ]);
      // The two client_randoms are the two CLIENT_RANDOM lines of the key log.
      const randoms = asked.map((p) => Buffer.from(p.clientRandom).toString('hex'));
      const lines = keylogText.trim().split('\n').map((l) => l.split(' ')[1]!.toLowerCase());
      expect(randoms).toEqual(lines);
      expect(r.handshakes[1]!.clientChain).toEqual(exp.clientChain);

      // Told the opposite, a CBC decryptor reads the records the wrong way and says so; AEAD suites ignore it.
      const wrong = recording(keylogText, { encryptThenMac: !etm });
      const w = await scanCaptures([pcap], { keys: wrong.keys });
      if (etm) {
        // (MAC-then-encrypt framing of an encrypt-then-MAC record: the ciphertext is not block-aligned.)
        expect(w.handshakes[0]!.notes.join(' ')).toMatch(/decryption-failed \(client record, frame \d+\): /);
        expect(w.handshakes[1]!.encrypted).toBe(true);
        expect(w.handshakes[1]!.clientChain).toEqual([]);
      } else {
        expect(w.handshakes[1]!.clientChain).toEqual(exp.clientChain);
      }
    });

    it('only the first CLIENT_RANDOM: the renegotiation still opens (it travels under the first keys)', async () => {
      const firstLine = keylogText.split('\n')[0]! + '\n';
      const r = await scanCaptures([pcap], { keys: new KeyLogProvider(parseKeyLog(firstLine)) });
      expect(r.handshakes).toHaveLength(2);
      expect(r.handshakes[1]!.clientChain).toEqual(exp.clientChain);
      expect(r.handshakes[1]!.complete).toBe(true);
      expect(r.handshakes[1]!.notes.join(' ')).not.toMatch(/decryption-failed/);
    });

    it('only the second CLIENT_RANDOM: the first session stays closed, so does the renegotiation inside it', async () => {
      const secondLine = keylogText.split('\n')[1]! + '\n';
      const r = await scanCaptures([pcap], { keys: new KeyLogProvider(parseKeyLog(secondLine)) });
      expect(r.handshakes).toHaveLength(2);
      expect(r.handshakes[0]!.serverChain).toEqual(exp.serverChain);
      expect(r.handshakes[1]!).toMatchObject({ encrypted: true, clientChain: [] });
      expect(r.handshakes[1]!.notes[0]).toMatch(/^renegotiated-under-encryption/);
    });
  });
}

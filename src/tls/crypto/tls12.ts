import { createDecipheriv, createHmac } from 'node:crypto';
import type { DecryptResult, RecordDecryptor, Side } from '../types.js';
import { aeadOpen, TAG_LENGTH, writeSeq, xorSequence } from './aead.js';
import { tlsPrf } from './kdf.js';
import type { Tls12Suite } from './suites.js';

/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
const MAX_CIPHERTEXT = 16384 + 2048;
const GCM_EXPLICIT_NONCE = 8;
const FAILED = 'decryption failed: wrong key or corrupted record';

interface Direction {
  macKey: Uint8Array;
  key: Uint8Array;
  /** GCM: the 4-byte salt; ChaCha20: the 12-byte IV; CBC: TLS 1.0's initial IV, then the last ciphertext block. */
  iv: Uint8Array;
  seq: number;
  /** CBC only: whether records are MAC-then-encrypt or encrypt-then-MAC (RFC 7366); learnt from the first good record. */
  etm: boolean | undefined;
}

type CbcSuite = Extract<Tls12Suite, { kind: 'cbc' }>;

/**
 * TLS 1.0-1.2 record protection for one handshake's keys. Keys come from the master secret (key log
 * CLIENT_RANDOM line): key_block = PRF(master_secret, "key expansion", server_random + client_random), cut into
 * client/server MAC keys, client/server write keys, client/server IVs (RFC 5246 §6.3).
 *
 * Sequence numbers are per direction and start at 0 with that side's ChangeCipherSpec (RFC 5246 §6.1). In a
 * renegotiation the new handshake's messages travel under the previous keys (this decryptor) until each side's
 * next ChangeCipherSpec, after which the parser switches to the decryptor for the new client_random.
 */
export class Tls12Decryptor implements RecordDecryptor {
  private readonly client: Direction;
  private readonly server: Direction;
  /** seq_num(8) + type(1) + version(2) + length(2): the AEAD additional data and the CBC MAC prefix. */
  private readonly pseudoHeader = new Uint8Array(13);
  private readonly nonce = new Uint8Array(12);

  /** `encryptThenMac`: the ServerHello's encrypt_then_mac extension (RFC 7366), when known; otherwise detected. */
  constructor(
    private readonly suite: Tls12Suite,
    private readonly version: number,
    masterSecret: Uint8Array,
    clientRandom: Uint8Array,
    serverRandom: Uint8Array,
    encryptThenMac?: boolean,
  ) {
    const macLen = suite.kind === 'cbc' ? suite.macLength : 0;
    // GCM's implicit part is 4 bytes (RFC 5288 §3), ChaCha20's the whole 12-byte nonce (RFC 7905 §2); CBC key
    // blocks carry a block-sized IV that only TLS 1.0 uses (TLS 1.1+ sends an explicit IV per record).
    const ivLen = suite.kind === 'gcm' ? 4 : suite.kind === 'chacha' ? 12 : suite.blockLength;
    const seed = new Uint8Array(64);
    seed.set(serverRandom, 0);
    seed.set(clientRandom, 32);
    const kb = tlsPrf(version, suite.prf, masterSecret, 'key expansion', seed, 2 * (macLen + suite.keyLength + ivLen));
    let o = 0;
    const take = (n: number): Uint8Array => kb.subarray(o, (o += n));
    const cMac = take(macLen), sMac = take(macLen);
    const cKey = take(suite.keyLength), sKey = take(suite.keyLength);
    const cIv = take(ivLen), sIv = take(ivLen);
    const etm = suite.kind === 'cbc' ? encryptThenMac : false;
    this.client = { macKey: cMac, key: cKey, iv: Uint8Array.from(cIv), seq: 0, etm };
    this.server = { macKey: sMac, key: sKey, iv: Uint8Array.from(sIv), seq: 0, etm };
  }

  decrypt(from: Side, contentType: number, header: Uint8Array, body: Uint8Array): DecryptResult {
    if (header.length !== 5) return { ok: false, reason: 'record header must be 5 bytes' };
    const dir = from === 'client' ? this.client : this.server;
    const seq = dir.seq++;
    if (body.length > MAX_CIPHERTEXT) {
      return { ok: false, reason: `protected record longer than TLS allows (${body.length} bytes)` };
    }
    const ph = this.pseudoHeader;
    writeSeq(ph, 0, seq);
    ph[8] = contentType;
    // The version in the MAC/AAD is the record's (RFC 5246 §6.2.3.1 TLSCompressed.version).
    ph[9] = header[1]!;
    ph[10] = header[2]!;
    const suite = this.suite;
    if (suite.kind === 'gcm') {
      if (body.length < GCM_EXPLICIT_NONCE + TAG_LENGTH) return tooShort(body.length);
      // nonce = salt (4, implicit) || explicit nonce (8, first bytes of the record) — RFC 5288 §3.
      this.nonce.set(dir.iv, 0);
      this.nonce.set(body.subarray(0, GCM_EXPLICIT_NONCE), 4);
      setLength(ph, body.length - GCM_EXPLICIT_NONCE - TAG_LENGTH);
      const plain = aeadOpen(suite.cipher, dir.key, this.nonce, ph, body.subarray(GCM_EXPLICIT_NONCE));
      return plain ? { ok: true, contentType, plaintext: plain } : { ok: false, reason: FAILED };
    }
    if (suite.kind === 'chacha') {
      if (body.length < TAG_LENGTH) return tooShort(body.length);
      setLength(ph, body.length - TAG_LENGTH);
      const plain = aeadOpen(suite.cipher, dir.key, xorSequence(dir.iv, seq, this.nonce), ph, body);
      return plain ? { ok: true, contentType, plaintext: plain } : { ok: false, reason: FAILED };
    }
    return this.decryptCbc(suite, dir, contentType, body);
  }

  private decryptCbc(suite: CbcSuite, dir: Direction, contentType: number, body: Uint8Array): DecryptResult {
    const bl = suite.blockLength;
    const explicitIv = this.version >= 0x0302; // TLS 1.1+ (RFC 4346 §6.2.3.2); TLS 1.0 chains the IV
    const chainedIv = dir.iv;
    let result: DecryptResult | null = null;
    let etmUsed = dir.etm;
    if (dir.etm !== true) {
      result = this.cbcMacThenEncrypt(suite, dir, body, bl, explicitIv, chainedIv, contentType);
      if (result.ok) etmUsed = false;
    }
    if ((!result || !result.ok) && dir.etm !== false) {
      const r = this.cbcEncryptThenMac(suite, dir, body, bl, explicitIv, chainedIv, contentType);
      if (r.ok || !result || (!result.ok && r.reason === FAILED)) result = r;
      if (r.ok) etmUsed = true;
    }
    if (result!.ok) dir.etm = etmUsed;
    if (!explicitIv) {
      // TLS 1.0: the next record's IV is this record's last ciphertext block, whatever happened to this one.
      const ctEnd = etmUsed === true ? body.length - suite.macLength : body.length;
      if (ctEnd >= bl) dir.iv = Uint8Array.from(body.subarray(ctEnd - bl, ctEnd));
    }
    return result!;
  }

  /** RFC 5246 §6.2.3.2: the record is E(content || MAC || padding || padding_length). */
  private cbcMacThenEncrypt(
    suite: CbcSuite, dir: Direction, body: Uint8Array, bl: number, explicitIv: boolean, chainedIv: Uint8Array, type: number,
  ): DecryptResult {
    const ivLen = explicitIv ? bl : 0;
    const ctLen = body.length - ivLen;
    if (ctLen < suite.macLength + 1 || ctLen % bl !== 0) return tooShortOrUnaligned(body.length);
    const iv = explicitIv ? body.subarray(0, bl) : chainedIv;
    const plain = cbcDecrypt(suite.cipher, dir.key, iv, body.subarray(ivLen));
    if (!plain) return { ok: false, reason: FAILED };
    const unpadded = stripPadding(plain, suite.macLength);
    if (unpadded < 0) return { ok: false, reason: FAILED };
    const contentLen = unpadded - suite.macLength;
    setLength(this.pseudoHeader, contentLen);
    const mac = createHmac(suite.mac, dir.macKey).update(this.pseudoHeader).update(plain.subarray(0, contentLen)).digest();
    if (!bytesEqual(mac, plain.subarray(contentLen, unpadded))) return { ok: false, reason: FAILED };
    return { ok: true, contentType: type, plaintext: plain.subarray(0, contentLen) };
  }

  /** RFC 7366 §3: the record is IV || E(content || padding || padding_length) || MAC over everything before it. */
  private cbcEncryptThenMac(
    suite: CbcSuite, dir: Direction, body: Uint8Array, bl: number, explicitIv: boolean, chainedIv: Uint8Array, type: number,
  ): DecryptResult {
    const ivLen = explicitIv ? bl : 0;
    const macStart = body.length - suite.macLength;
    const ctLen = macStart - ivLen;
    if (ctLen < bl || ctLen % bl !== 0) return tooShortOrUnaligned(body.length);
    setLength(this.pseudoHeader, macStart);
    const mac = createHmac(suite.mac, dir.macKey).update(this.pseudoHeader).update(body.subarray(0, macStart)).digest();
    if (!bytesEqual(mac, body.subarray(macStart))) return { ok: false, reason: FAILED };
    const iv = explicitIv ? body.subarray(0, bl) : chainedIv;
    const plain = cbcDecrypt(suite.cipher, dir.key, iv, body.subarray(ivLen, macStart));
    if (!plain) return { ok: false, reason: FAILED };
    const unpadded = stripPadding(plain, 0);
    if (unpadded < 0) return { ok: false, reason: 'decryption failed: bad CBC padding' };
    return { ok: true, contentType: type, plaintext: plain.subarray(0, unpadded) };
  }
}

function cbcDecrypt(cipher: string, key: Uint8Array, iv: Uint8Array, ct: Uint8Array): Buffer | null {
  try {
    const d = createDecipheriv(cipher, key, iv);
    d.setAutoPadding(false); // TLS padding differs from PKCS#7 (RFC 5246 §6.2.3.2) and is checked below
    const a = d.update(ct);
    const b = d.final();
    return b.length === 0 ? a : Buffer.concat([a, b]);
  } catch {
    return null;
  }
}

/**
 * Checks TLS CBC padding (every padding byte, and the length byte, equal padding_length) and returns the
 * length before it, or -1. `reserve` bytes (the MAC) must remain in front of the padding.
 */
function stripPadding(plain: Uint8Array, reserve: number): number {
  const p = plain[plain.length - 1]!;
  const start = plain.length - 1 - p;
  if (start < reserve) return -1;
  for (let i = start; i < plain.length - 1; i++) if (plain[i] !== p) return -1;
  return start;
}

function setLength(ph: Uint8Array, n: number): void {
  ph[11] = (n >>> 8) & 0xff;
  ph[12] = n & 0xff;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

function tooShort(n: number): DecryptResult {
  return { ok: false, reason: `record too short to be protected (${n} bytes)` };
}

function tooShortOrUnaligned(n: number): DecryptResult {
  return { ok: false, reason: `record length ${n} does not fit the cipher (truncated or corrupted)` };
}

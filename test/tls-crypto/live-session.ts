/**
 * Test helper: runs a real TLS session between Node's own client and server (OpenSSL underneath) over an
 * in-memory duplex pair, taps the raw bytes each side writes, and collects the client's key log lines.
 */
import { concatBytes } from '../bytes.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';

export interface Identity {
  key: string;
  cert: string;
  der: Uint8Array;
}

export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A throwaway self-signed certificate made by the openssl CLI. */
export function makeIdentity(cn: string, keyType: 'rsa' | 'ec'): Identity {
  const dir = mkdtempSync(join(tmpdir(), 'certshark-tls-'));
  try {
    const k = join(dir, 'key.pem');
    const c = join(dir, 'cert.pem');
    const newkey = keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    execFileSync('openssl', ['req', '-x509', ...newkey, '-nodes', '-keyout', k, '-out', c, '-subj', `/CN=${cn}`, '-days', '2'], {
      stdio: 'ignore',
    });
    const cert = readFileSync(c, 'utf8');
    const b64 = cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    return { key: readFileSync(k, 'utf8'), cert, der: Uint8Array.from(Buffer.from(b64, 'base64')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

class TapEnd extends Duplex {
  peer!: TapEnd;
  constructor(private readonly tap: Buffer[]) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.tap.push(Buffer.from(chunk));
    this.peer.push(chunk);
    cb();
  }
  override _read(): void {}
  override _final(cb: (e?: Error | null) => void): void {
    this.peer.push(null);
    cb();
  }
}

export interface LiveSession {
  clientToServer: Buffer;
  serverToClient: Buffer;
  keylog: string;
}

export interface LiveOptions {
  server: Identity;
  /** Shared by both ends: minVersion, maxVersion, ciphers (TLS 1.3 suites too), secureOptions. */
  tlsOptions: tls.SecureContextOptions;
  /** Client certificate, sent when the server asks (renegotiation). */
  clientIdentity?: Identity;
  /** Server asks for a client certificate through a renegotiation after the first application data. */
  renegotiate?: boolean;
}

export const CLIENT_MESSAGE = 'hello from the client';
export const SERVER_MESSAGE = 'hello from the server';

/**
 * The client writes CLIENT_MESSAGE once connected; the server (after renegotiating if asked) answers
 * SERVER_MESSAGE; the session ends when the client has the answer.
 */
export function runSession(o: LiveOptions): Promise<LiveSession> {
  const c2s: Buffer[] = [];
  const s2c: Buffer[] = [];
  const a = new TapEnd(c2s);
  const b = new TapEnd(s2c);
  a.peer = b;
  b.peer = a;
  const keylog: string[] = [];
  return new Promise<LiveSession>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('TLS session timed out')), 10_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      reject(e);
    };
    const server = new tls.TLSSocket(b, {
      isServer: true,
      // A session id context is what tls.Server would set; without it OpenSSL fails a renegotiation that asks
      // for a client certificate with an internal_error alert.
      secureContext: tls.createSecureContext({
        ...o.tlsOptions,
        key: o.server.key,
        cert: o.server.cert,
        sessionIdContext: 'certshark-test',
      }),
    });
    const client = tls.connect({
      ...o.tlsOptions,
      socket: a,
      rejectUnauthorized: false,
      servername: 'certshark.test',
      ...(o.clientIdentity ? { key: o.clientIdentity.key, cert: o.clientIdentity.cert } : {}),
    });
    client.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1')));
    server.on('error', fail);
    client.on('error', fail);
    client.on('secureConnect', () => client.write(CLIENT_MESSAGE));
    server.once('data', () => {
      if (!o.renegotiate) {
        server.write(SERVER_MESSAGE);
        return;
      }
      server.renegotiate({ requestCert: true, rejectUnauthorized: false }, (err) => {
        if (err) fail(err);
        else server.write(SERVER_MESSAGE);
      });
    });
    client.on('data', (d: Buffer) => {
      if (!d.toString().includes(SERVER_MESSAGE)) return;
      clearTimeout(timer);
      // Let the last writes drain through the taps before collecting.
      setImmediate(() => {
        resolve({ clientToServer: Buffer.concat(c2s), serverToClient: Buffer.concat(s2c), keylog: keylog.join('') });
        client.destroy();
        server.destroy();
      });
    });
  });
}

export interface RawRecord {
  type: number;
  header: Uint8Array;
  body: Uint8Array;
}

/** Splits a byte stream into TLS records (5-byte header: type, version, length — RFC 5246 §6.2.1). */
export function splitRecords(stream: Uint8Array): RawRecord[] {
  const out: RawRecord[] = [];
  let o = 0;
  while (o + 5 <= stream.length) {
    const len = (stream[o + 3]! << 8) | stream[o + 4]!;
    if (o + 5 + len > stream.length) break;
    out.push({ type: stream[o]!, header: stream.subarray(o, o + 5), body: stream.subarray(o + 5, o + 5 + len) });
    o += 5 + len;
  }
  return out;
}

/** Handshake messages (type, body) out of concatenated handshake-protocol bytes (RFC 5246 §7.4). */
export function splitHandshake(bytes: Uint8Array): { type: number; body: Uint8Array }[] {
  const out: { type: number; body: Uint8Array }[] = [];
  let o = 0;
  while (o + 4 <= bytes.length) {
    const len = (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
    if (o + 4 + len > bytes.length) break;
    out.push({ type: bytes[o]!, body: bytes.subarray(o + 4, o + 4 + len) });
    o += 4 + len;
  }
  return out;
}

/** ClientHello / ServerHello body: version(2) random(32) ... — the random, and for ServerHello the suite. */
export function helloRandom(body: Uint8Array): Uint8Array {
  return body.subarray(2, 34);
}
export function serverHelloSuite(body: Uint8Array): number {
  const sid = body[34]!;
  return (body[35 + sid]! << 8) | body[36 + sid]!;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts);
}

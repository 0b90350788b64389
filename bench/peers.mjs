// TLS peers for the benchmark's seed recording, run inside the two network namespaces by make-capture.mjs.
// Node's tls module is OpenSSL, so every handshake on the wire is a real OpenSSL handshake.
//
//   node bench/peers.mjs server PKI_DIR SERVER_IP     listens on 443, 7001, 8443; prints "ready"
//   node bench/peers.mjs client PKI_DIR SERVER_IP     runs the plan below, prints a summary line as JSON
//
// The plan (PLAN_SCALE env scales the counts, for a quick smoke run):
//   - mutual-TLS 1.2 handshake-only flows on 7001 (Expressway traversal zone): both sides send leaf + issuing CA
//     (root > issuing CA > leaf), the client closes right after the handshake;
//   - TLS 1.3 sessions on 443 with small downloads (certificates encrypted on the wire);
//   - bulk TLS 1.2 downloads of a few MB on 443 (ECDSA chain) and 8443 (RSA chain);
//   - small TLS 1.2 sessions on 8443.
import tls from 'node:tls';
import fs from 'node:fs';
import path from 'node:path';

const [role, pkiDir, serverIp] = process.argv.slice(2);
const read = (name) => fs.readFileSync(path.join(pkiDir, name));
const chain = (leaf) => Buffer.concat([read(`${leaf}.crt`), read('issuing.crt')]);

export const PORTS = { mtls: 7001, web: 443, alt: 8443 };

// Deterministic PRNG (mulberry32) so two recordings follow the same plan.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILL = Buffer.alloc(64 * 1024);
for (let i = 0; i < FILL.length; i++) FILL[i] = (i * 131 + 7) & 0xff;

/** Serves "GET <n>\n" with n bytes, respecting backpressure, then closes. */
function serveDownload(sock) {
  let line = '';
  sock.on('data', (d) => {
    if (line === null) return;
    line += d.toString('latin1');
    const nl = line.indexOf('\n');
    if (nl < 0) return;
    const n = Number(line.slice(4, nl)) || 0;
    line = null;
    let left = n;
    const pump = () => {
      while (left > 0) {
        const chunk = left >= FILL.length ? FILL : FILL.subarray(0, left);
        left -= chunk.length;
        if (!sock.write(chunk)) { sock.once('drain', pump); return; }
      }
      sock.end();
    };
    pump();
  });
  sock.on('error', () => {});
}

function server() {
  const root = read('root.crt');
  const common = { sessionTimeout: 300 };
  const mtls = tls.createServer({
    ...common, key: read('expressway-e.key'), cert: chain('expressway-e'), ca: [root],
    requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
  }, (sock) => { sock.on('data', () => {}); sock.on('end', () => sock.end()); sock.on('error', () => {}); });
  const web = tls.createServer({ ...common, key: read('vpn.key'), cert: chain('vpn'), minVersion: 'TLSv1.2' }, serveDownload);
  const alt = tls.createServer({ ...common, key: read('portal.key'), cert: chain('portal'), minVersion: 'TLSv1.2' }, serveDownload);
  for (const s of [mtls, web, alt]) s.on('tlsClientError', () => {});
  let up = 0;
  const ready = () => { if (++up === 3) process.stdout.write('ready\n'); };
  mtls.listen(PORTS.mtls, serverIp, ready);
  web.listen(PORTS.web, serverIp, ready);
  alt.listen(PORTS.alt, serverIp, ready);
  process.on('SIGTERM', () => process.exit(0));
}

async function client() {
  const scale = Number(process.env.PLAN_SCALE || 1);
  const n = (x) => Math.max(1, Math.round(x * scale));
  const rnd = prng(7001);
  const root = read('root.crt');
  const clients = ['expressway-c1', 'expressway-c2', 'expressway-c3', 'expressway-c4'].map((c) => ({ key: read(`${c}.key`), cert: chain(c) }));
  const MB = 1024 * 1024;
  const tasks = [];
  for (let i = 0; i < n(3000); i++) tasks.push({ kind: 'mtls' });
  for (let i = 0; i < n(500); i++) tasks.push({ kind: 'tls13', bytes: 8192 + Math.floor(rnd() * 40000) });
  for (let i = 0; i < n(14); i++) tasks.push({ kind: 'bulk', port: PORTS.web, bytes: 2 * MB + Math.floor(rnd() * 4 * MB) });
  for (let i = 0; i < n(8); i++) tasks.push({ kind: 'bulk', port: PORTS.alt, bytes: 2 * MB + Math.floor(rnd() * 4 * MB) });
  for (let i = 0; i < n(300); i++) tasks.push({ kind: 'small12', bytes: 2000 + Math.floor(rnd() * 20000) });
  for (let i = tasks.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [tasks[i], tasks[j]] = [tasks[j], tasks[i]]; }

  const done = { mtls: 0, tls13: 0, bulk: 0, small12: 0, failed: 0, bytes: 0 };
  const run = (t) => new Promise((resolve) => {
    let opts;
    if (t.kind === 'mtls') {
      const c = clients[Math.floor(rnd() * clients.length)];
      opts = { port: PORTS.mtls, key: c.key, cert: c.cert, servername: 'expressway-e.bench.test', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
    } else if (t.kind === 'tls13') {
      opts = { port: PORTS.web, servername: 'vpn.bench.test', minVersion: 'TLSv1.3' };
    } else if (t.kind === 'bulk') {
      opts = { port: t.port, servername: t.port === PORTS.web ? 'vpn.bench.test' : 'portal.bench.test', maxVersion: 'TLSv1.2' };
    } else {
      opts = { port: PORTS.alt, servername: 'portal.bench.test', maxVersion: 'TLSv1.2' };
    }
    const sock = tls.connect({ host: serverIp, ca: [root], checkServerIdentity: () => undefined, ...opts });
    let got = 0;
    sock.on('secureConnect', () => {
      if (t.kind === 'mtls') sock.end();
      else sock.write(`GET ${t.bytes}\n`);
    });
    sock.on('data', (d) => { got += d.length; });
    sock.on('error', () => { done.failed++; resolve(); });
    sock.on('close', () => {
      if (t.kind === 'mtls' || got === t.bytes) done[t.kind]++; else done.failed++;
      done.bytes += got;
      resolve();
    });
  });
  const CONCURRENCY = 6;
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < tasks.length) await run(tasks[next++]);
  }));
  process.stdout.write(JSON.stringify(done) + '\n');
}

if (role === 'server') server();
else if (role === 'client') await client();
else { process.stderr.write('usage: peers.mjs server|client PKI_DIR SERVER_IP\n'); process.exit(2); }

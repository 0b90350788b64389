// The device in the middle of the compare scenarios (captures/compare/make.sh), listening where iptables REDIRECT
// sends the client's connections and connecting on to the real server:
//   relay        a TCP relay: bytes copied both ways, the TLS session stays end to end
//   resign       TLS inspection: terminates the client's TLS with a leaf forged by its own CA, opens a new TLS
//                session to the server (which it verifies against the real root)
//   reoriginate  terminates with the real server certificate and key and opens a new session to the server
//                (a load balancer or reverse proxy holding the server's identity); names in BLOCK are answered
//                here and never forwarded
//
//   node middle.mjs MODE LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT DIR COUNT
// DIR holds the PEM files named below; the process ends after COUNT client connections have closed.
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, listenPort, upHost, upPort, dir, countArg] = process.argv.slice(2);
const read = (n) => readFileSync(join(dir, n));
const BLOCK = new Set(['blocked.example.test']);
let left = Number(countArg);
const done = () => {
  if (--left === 0) server.close();
};
const tls12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };

function pipeBoth(a, b) {
  a.pipe(b);
  b.pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}

function upstream(servername) {
  return tls.connect({
    host: upHost, port: Number(upPort), servername, ca: read('root-ca.pem'), rejectUnauthorized: true, ...tls12,
  });
}

let server;
if (mode === 'relay') {
  server = net.createServer((c) => {
    c.on('close', done);
    pipeBoth(c, net.connect(Number(upPort), upHost));
  });
} else {
  const identity = mode === 'resign'
    ? { key: read('inspection-leaf.key'), cert: Buffer.concat([read('inspection-leaf.pem'), read('inspection-ca.pem')]) }
    : { key: read('server.key'), cert: Buffer.concat([read('server.pem'), read('issuing-ca.pem')]) };
  // An inspecting firewall opens its session to the server while the client's handshake waits (as such devices
  // do to copy the server's names into the forged leaf): the server side then sees every handshake, also those
  // the client goes on to refuse. Connections come one at a time, so one pending upstream is enough.
  let pending;
  const context = tls.createSecureContext({ ...identity });
  const SNICallback = mode === 'resign'
    ? (name, cb) => {
      pending = upstream(name);
      pending.once('secureConnect', () => cb(null, context));
      pending.once('error', (e) => cb(e));
    }
    : undefined;
  server = tls.createServer({ ...identity, ...tls12, SNICallback }, (c) => {
    c.on('close', done);
    c.on('error', () => c.destroy());
    const name = c.servername || undefined;
    if (mode === 'reoriginate' && name && BLOCK.has(name)) {
      c.end('blocked by policy\n');
      return;
    }
    const up = pending ?? upstream(name);
    pending = undefined;
    pipeBoth(c, up);
  });
  // A client that rejects the forged certificate aborts the handshake: that connection is over, on both sides.
  server.on('tlsClientError', (_e, c) => {
    pending?.destroy();
    pending = undefined;
    c.destroy();
    done();
  });
}
server.listen(Number(listenPort), () => process.stdout.write(`listening ${mode} ${listenPort}\n`));

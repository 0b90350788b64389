/**
 * Guesses the plaintext protocol that preceded TLS on a flow (STARTTLS and friends) from the first bytes of each
 * direction. Only a label for the report: TLS itself is found by resynchronising on the first valid record.
 */
const latin1 = new TextDecoder('latin1');

export function guessStartTls(client: Uint8Array, server: Uint8Array): string {
  const c = latin1.decode(client);
  const s = latin1.decode(server);
  const cu = c.toUpperCase();
  // PostgreSQL SSLRequest: length 8, code 80877103 (protocol docs, "SSL Session Encryption").
  if (client.length >= 8 && client[0] === 0 && client[1] === 0 && client[2] === 0 && client[3] === 8 &&
      client[4] === 0x04 && client[5] === 0xd2 && client[6] === 0x16 && client[7] === 0x2f) return 'postgresql';
  // MySQL: the server greets first with protocol version 10 after the 4-byte packet header.
  if (server.length > 5 && server[3] === 0 && server[4] === 0x0a) return 'mysql';
  if (/<stream:stream|jabber:|urn:ietf:params:xml:ns:xmpp-tls/.test(c + s)) return 'xmpp';
  if (/^(EHLO|HELO) /m.test(cu) || /^220[ -].*SMTP/im.test(s)) return 'smtp';
  if (/^\* OK/.test(s) || /^\S+ STARTTLS\r?\n/m.test(cu)) return 'imap';
  if (/^\+OK/.test(s) || /^STLS\r?\n/m.test(cu)) return 'pop3';
  if (/^AUTH (TLS|SSL)/m.test(cu)) return 'ftp';
  if (/^(NICK|CAP|USER) /m.test(cu) || /^:\S+ 670 /m.test(s)) return 'irc';
  if (/^STARTTLS\r?\n/m.test(cu) && /^382 /m.test(s)) return 'nntp';
  if (/^CONNECT \S+ HTTP\/1\.[01]/.test(c)) return 'http-connect';
  // LDAP ExtendedRequest with the StartTLS OID 1.3.6.1.4.1.1466.20037 (RFC 4511 section 4.14).
  if (c.includes('1.3.6.1.4.1.1466.20037')) return 'ldap';
  if (/^220[ -]/.test(s)) return 'ftp';
  return 'unknown';
}

import type { IncomingMessage } from 'node:http';

const FORWARDING_HEADERS = /^(x-forwarded-.*|forwarded|x-real-ip)$/;

/**
 * oidc-provider (Koa) builds the URLs it publishes and accepts — discovery endpoints, the audiences of
 * client assertions, its form actions — from the request's Host and protocol, and reads X-Forwarded-*
 * when told it sits behind a proxy. Before a request reaches it, those headers are replaced: host and
 * protocol become the public URL's (OPENMES_PUBLIC_URL, whatever the client or a proxy wrote), and the
 * client address is the one Fastify derived, which believes X-Forwarded-For from OPENMES_TRUSTED_PROXIES
 * only. The provider then runs with `proxy = true` and sees nothing a client chose.
 */
export function pinToPublicOrigin(raw: IncomingMessage, publicUrl: URL, clientAddress: string): void {
  for (const name of Object.keys(raw.headers)) {
    if (FORWARDING_HEADERS.test(name)) delete raw.headers[name];
  }
  raw.headers.host = publicUrl.host;
  raw.headers['x-forwarded-host'] = publicUrl.host;
  raw.headers['x-forwarded-proto'] = publicUrl.protocol.replace(/:$/, '');
  raw.headers['x-forwarded-for'] = clientAddress;
}

import { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** How long the rest of an unwanted body is read and dropped before the connection is cut anyway. */
const LINGER_MS = 10_000;
/** …and how long the client may stay silent meanwhile. */
const LINGER_IDLE_MS = 2_000;

/**
 * An answer given before the request body was read — 401 from the headers, 413 on the declared length or
 * at the limit, 415 — ends the connection, in stages (RFC 9112 §9.6): the answer, then our FIN, then the
 * rest of the client's body read and dropped until the client closes (or LINGER_MS). Node's own
 * `connection: close` path destroys the socket as soon as the answer is handed to the kernel: with bytes
 * still arriving, the kernel then sends a reset that can wipe the answer before the client reads it
 * (issue 8, item 18: "a 25 MiB upload sometimes gets a connection reset instead of 413").
 */
export function registerCloseAfterEarlyReply(app: FastifyInstance): void {
  const lingering = new Set<Socket>();
  app.addHook('onSend', async (request, reply) => {
    if (!isBodyStillArriving(request)) return;
    reply.header('connection', 'close');
    const socket = request.raw.socket;
    // Node calls destroySoon() once a `connection: close` answer is flushed: linger instead.
    socket.destroySoon = () => lingerThenClose(socket, lingering);
  });
  // Shutting down does not wait for lingering uploads.
  app.addHook('preClose', async () => { for (const socket of lingering) socket.destroy(); });
}

function isBodyStillArriving(request: FastifyRequest): boolean {
  const raw = request.raw;
  // A connection of ours (not inject()'s stand-in), whose request body was neither read whole nor fully received.
  if (!(raw.socket instanceof Socket) || raw.socket.destroyed || raw.complete || raw.readableEnded) return false;
  return raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
}

function lingerThenClose(socket: Socket, lingering: Set<Socket>): void {
  if (socket.destroyed) return;
  lingering.add(socket);
  // Half-close: the answer goes out whole, followed by our FIN; the socket still reads (and the HTTP
  // parser drops what it reads, the request being answered).
  socket.end();
  socket.setTimeout(LINGER_IDLE_MS, () => socket.destroy());
  const deadline = setTimeout(() => socket.destroy(), LINGER_MS);
  deadline.unref();
  // The client closed its side: nothing is left unread, closing now sends no reset.
  socket.once('end', () => socket.destroy());
  socket.once('close', () => {
    clearTimeout(deadline);
    lingering.delete(socket);
  });
}

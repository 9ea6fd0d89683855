import http from 'node:http';

/**
 * The HTTP ceiling (the reference client's hello.mjs): a bare Node HTTP server answering "hello",
 * run as its own process by the workload benchmark. `node --import tsx bench/workload-hello.ts PORT`
 */
const port = Number(process.argv[2] ?? 8099);
http
  .createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 });
    res.end('hello');
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`hello on http://127.0.0.1:${port}/\n`));
process.once('SIGTERM', () => process.exit(0));

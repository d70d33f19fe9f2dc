#!/usr/bin/env node
// A small static file server for the built page (no dependencies):
//   node scripts/serve.mjs [DIR] [PORT] [--course COURSE_PORT] [--no-isolation]
// Serves DIR (default build/wasm/site) on http://localhost:PORT (default 8080) with the right MIME
// types for .wasm and .data, and nothing outside DIR. --course also serves docs/ on another port,
// that is another origin: docs/course-example.html there embeds the lab and scripts it by
// postMessage (README, "Course pages on other origins"). Stops on Ctrl-C.
//
// The page is served cross-origin isolated (Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp), so that its training worker may use wasm threads
// (SharedArrayBuffer); --no-isolation leaves the headers out (one thread, the same results). The
// course page is served without them, as a course site would be.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const courseAt = args.indexOf('--course');
const coursePort = courseAt >= 0 ? Number(args.splice(courseAt, 2)[1]) : 0;
const noIsolationAt = args.indexOf('--no-isolation');
if (noIsolationAt >= 0) args.splice(noIsolationAt, 1);
const root = resolve(args[0] || join(here, '..', 'build', 'wasm', 'site'));
const port = Number(args[1] || process.env.PORT || 8080);
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.data': 'application/octet-stream',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/octet-stream', '.bin': 'application/octet-stream', '.ico': 'image/x-icon',
};

// isolated: send COOP same-origin + COEP require-corp (crossOriginIsolated in the page), as the
// command line does by default; the browser tests ask for it (tests/browser/lib.mjs startLab).
export function startServer(dir = root, listenPort = port, quiet = false, { isolated = false } = {}) {
  const isolation = isolated ? {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    // and let isolated pages of other origins (a course site) embed the lab
    'Cross-Origin-Resource-Policy': 'cross-origin',
  } : {};
  const server = createServer((req, res) => {
    let path;
    try { path = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400).end('bad request'); return; }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) { res.writeHead(403).end('forbidden'); return; }
    let st;
    try { st = statSync(file); } catch { res.writeHead(404).end('not found'); return; }
    if (!st.isFile()) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, {
      'Content-Type': types[extname(file)] || 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...isolation,
    });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => {
      const url = `http://localhost:${server.address().port}/`;
      if (!quiet) console.log(`CNN Sandbox is served at ${url}  (folder ${dir}; Ctrl-C stops)`);
      resolveListen({ server, url, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try { statSync(join(root, 'index.html')); } catch {
    console.error(`serve: ${root}/index.html not found: build the page first (cmake --preset wasm && cmake --build --preset wasm)`);
    process.exit(2);
  }
  if (courseAt >= 0 && !(Number.isInteger(coursePort) && coursePort > 0 && coursePort < 65536)) {
    console.error('serve: --course needs a port number, e.g. --course 8081');
    process.exit(2);
  }
  startServer(root, port, false, { isolated: noIsolationAt < 0 }).then(async () => {
    if (!coursePort) return;
    const course = await startServer(resolve(here, '..', 'docs'), coursePort, true, { isolated: false });
    const lab = `http://localhost:${port}/`;
    console.log(`The example course page (another origin) is at ${course.url}course-example.html` +
                (port === 8080 ? '' : `?lab=${encodeURIComponent(lab)}`));
  }).catch((e) => {
    console.error(e.code === 'EADDRINUSE' ? `serve: port ${e.port || port} is in use; pass another: node scripts/serve.mjs DIR PORT [--course PORT]` : String(e));
    process.exit(1);
  });
  process.on('SIGINT', () => { console.log('\nstopped'); process.exit(0); });
  process.on('SIGTERM', () => process.exit(0));
}

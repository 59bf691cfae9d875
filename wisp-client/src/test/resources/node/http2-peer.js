// An HTTP/2 server on node's built-in http2 module, a peer of the client's interoperability tests (Http2NodePeer).
// Arguments: [--port N] [--tls CERT KEY] [--max-streams N] [--goaway-after N] [--websocket [--no-pongs]]
//   --port          0 (default) for an ephemeral port; prints "listening on PORT" once it listens, on 127.0.0.1
//   --tls           h2 by ALPN over TLS; else h2c by prior knowledge
//   --max-streams   SETTINGS_MAX_CONCURRENT_STREAMS
//   --goaway-after  on the first connection, when its Nth stream arrives: GOAWAY (NO_ERROR) naming that stream as the
//                   last one the server processes, after a first GOAWAY with the highest id as a notice (RFC 9113
//                   §6.8); the streams it processes are answered, later ones are not
//   --websocket     SETTINGS_ENABLE_CONNECT_PROTOCOL 1 (RFC 8441): WebSockets over HTTP/2 at /ws
//   --no-pongs      a WebSocket's pings go unanswered, as from a peer that vanished
//   --http1         over TLS, HTTP/1.1 too when ALPN chooses it, where /ws is a WebSocket upgrade (RFC 6455)
// Routes (any method):
//   /echo           the request body back; x-method, x-length (the request's content-length or "none")
//   /trailers       a body in two parts, then trailers x-checksum: abc, x-parts: 2
//   /index.html     "hello peer\n"
//   /large.bin      3000000 bytes, byte i = (i * 31 + (i >> 8)) & 0xff; content-length set; nothing for HEAD
//   /text.txt       a text (Http2Peer.TEXT), gzip-encoded when the request accepts gzip
//   /slow?ms=N      "slow N" after N ms
//   /stream         the id of its stream, and the connection's remote port, as text "stream ID port PORT"
//   /ws             an extended CONNECT with :protocol websocket: 200 (choosing the subprotocol "echo" if offered,
//                   no extension), then every text or binary message back, a ping answered, a close echoed and the
//                   stream ended; any other CONNECT there is answered 400. ?choose=P answers subprotocol P and
//                   ?extension=E extension E, offered or not
//   /connects       how many CONNECT requests and HTTP/1.1 upgrades the server has seen, and how many WebSocket
//                   streams the client reset rather than end: "connects N upgrades M resets R", once every
//                   WebSocket stream has closed (or after 5 s)
'use strict';
const http2 = require('node:http2');
const fs = require('node:fs');
const zlib = require('node:zlib');

const args = process.argv.slice(2);
let port = 0, tls = null, maxStreams = undefined, goAwayAfter = 0, webSocket = false, http1 = false, pongs = true;
for (let i = 0; i < args.length; i++) {
    switch (args[i]) {
        case '--port': port = Number(args[++i]); break;
        case '--tls': tls = {cert: fs.readFileSync(args[++i]), key: fs.readFileSync(args[++i])}; break;
        case '--max-streams': maxStreams = Number(args[++i]); break;
        case '--goaway-after': goAwayAfter = Number(args[++i]); break;
        case '--websocket': webSocket = true; break;
        case '--http1': http1 = true; break;
        case '--no-pongs': pongs = false; break;
        default: throw new Error('unknown argument ' + args[i]);
    }
}

const TEXT = 'a text the server may compress, '.repeat(400);
const LARGE = large(3000000);
const settings = maxStreams === undefined ? {} : {maxConcurrentStreams: maxStreams};
if (webSocket) {
    settings.enableConnectProtocol = true;
}
let connects = 0, upgrades = 0, resets = 0, openWebSockets = 0;
// Several large responses at once outgrow node's default 10 MB a session, past which it refuses new streams with
// ENHANCE_YOUR_CALM.
const options = {settings, maxSessionMemory: 100};
const server = tls
    ? http2.createSecureServer({...tls, ...options, allowHTTP1: http1})
    : http2.createServer(options);

function large(length) {
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
        bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    }
    return bytes;
}

// The client's WebSocket frames (RFC 6455 §5.2, masked) as they arrive on the stream, each answered unmasked.
function echoWebSocket(stream) {
    let pending = Buffer.alloc(0);
    stream.on('data', (part) => {
        pending = Buffer.concat([pending, part]);
        while (pending.length >= 2) {
            let length = pending[1] & 0x7f, offset = 2;
            if (length === 126) {
                if (pending.length < 4) return;
                length = pending.readUInt16BE(2); offset = 4;
            } else if (length === 127) {
                if (pending.length < 10) return;
                length = Number(pending.readBigUInt64BE(2)); offset = 10;
            }
            if (pending.length < offset + 4 + length) return;
            const mask = pending.subarray(offset, offset + 4);
            const payload = Buffer.from(pending.subarray(offset + 4, offset + 4 + length));
            for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
            const first = pending[0];
            pending = pending.subarray(offset + 4 + length);
            const opcode = first & 0x0f;
            if (opcode === 9 && !pongs) continue;
            stream.write(frame(opcode === 9 ? 0x8a : first & 0x8f, payload));
            if (opcode === 8) {
                stream.end();
            }
        }
    });
    stream.on('end', () => stream.end());
}

function frame(first, payload) {
    const head = payload.length < 126 ? Buffer.from([first, payload.length])
        : payload.length < 65536 ? Buffer.from([first, 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([first, 127]), (() => {
            const size = Buffer.alloc(8); size.writeBigUInt64BE(BigInt(payload.length)); return size;
        })()]);
    return Buffer.concat([head, payload]);
}

function route(stream, headers) {
    const url = new URL(headers[':path'] ?? '/', 'http://peer');
    const method = headers[':method'];
    if (method === 'CONNECT') {
        connects++;
        if (url.pathname === '/ws' && headers[':protocol'] === 'websocket'
                && headers['sec-websocket-version'] === '13') {
            const offered = (headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
            const chosen = url.searchParams.get('choose') ?? (offered.includes('echo') ? 'echo' : null);
            const extension = url.searchParams.get('extension');
            stream.respond({':status': 200, ...(chosen === null ? {} : {'sec-websocket-protocol': chosen}),
                ...(extension === null ? {} : {'sec-websocket-extensions': extension})});
            openWebSockets++;
            stream.on('close', () => {
                openWebSockets--;
                if (stream.rstCode !== http2.constants.NGHTTP2_NO_ERROR) resets++;
            });
            echoWebSocket(stream);
        } else {
            stream.respond({':status': 400});
            stream.end();
        }
        return;
    }
    switch (url.pathname) {
        case '/connects': {
            const until = Date.now() + 5000;
            const answer = () => {
                if (openWebSockets > 0 && Date.now() < until) {
                    setTimeout(answer, 10);
                    return;
                }
                stream.respond({':status': 200});
                stream.end('connects ' + connects + ' upgrades ' + upgrades + ' resets ' + resets);
            };
            answer();
            break;
        }
        case '/echo': {
            const parts = [];
            stream.on('data', (part) => parts.push(part));
            stream.on('end', () => {
                const body = Buffer.concat(parts);
                stream.respond({':status': 200, 'x-method': method,
                    'x-length': headers['content-length'] ?? 'none', 'content-length': body.length});
                stream.end(body);
            });
            return;
        }
        case '/trailers':
            stream.respond({':status': 200, 'content-type': 'text/plain'}, {waitForTrailers: true});
            stream.on('wantTrailers', () => stream.sendTrailers({'x-checksum': 'abc', 'x-parts': '2'}));
            stream.write('part one, ');
            setTimeout(() => stream.end('part two'), 20);
            break;
        case '/index.html':
            stream.respond({':status': 200, 'content-type': 'text/html'});
            stream.end('hello peer\n');
            break;
        case '/large.bin':
            stream.respond({':status': 200, 'content-type': 'application/octet-stream',
                'content-length': LARGE.length});
            stream.end(method === 'HEAD' ? undefined : LARGE);
            break;
        case '/text.txt':
            if (/\bgzip\b/.test(headers['accept-encoding'] ?? '')) {
                stream.respond({':status': 200, 'content-type': 'text/plain', 'content-encoding': 'gzip'});
                stream.end(zlib.gzipSync(TEXT));
            } else {
                stream.respond({':status': 200, 'content-type': 'text/plain'});
                stream.end(TEXT);
            }
            break;
        case '/slow': {
            const ms = Number(url.searchParams.get('ms'));
            const timer = setTimeout(() => {
                stream.respond({':status': 200});
                stream.end('slow ' + ms);
            }, ms);
            stream.on('close', () => clearTimeout(timer));
            break;
        }
        case '/stream':
            stream.respond({':status': 200});
            stream.end('stream ' + stream.id + ' port ' + stream.session.socket.remotePort);
            break;
        default:
            stream.respond({':status': 404});
            stream.end();
    }
    if (method !== 'POST' && method !== 'PUT') {
        stream.resume();
    }
}

let sessions = 0;
server.on('session', (session) => {
    session.on('error', () => {});
    const first = ++sessions === 1;
    let streams = 0;
    session.on('stream', (stream) => {
        streams++;
        if (first && streams === goAwayAfter) {
            session.goaway(http2.constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1);
            session.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id);
        }
    });
});
server.on('stream', (stream, headers) => {
    stream.on('error', () => {}); // a stream the client reset
    route(stream, headers);
});
server.on('upgrade', (request, socket) => {
    socket.on('error', () => {});
    upgrades++;
    const key = request.headers['sec-websocket-key'];
    const accept = require('node:crypto').createHash('sha1')
        .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
        + 'Sec-WebSocket-Accept: ' + accept + '\r\n'
        + (offered.includes('echo') ? 'Sec-WebSocket-Protocol: echo\r\n' : '') + '\r\n');
    echoWebSocket(socket);
});
server.listen(port, '127.0.0.1', () => console.log('listening on ' + server.address().port));
process.on('SIGTERM', () => process.exit(0));

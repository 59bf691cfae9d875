// The two ends of a proxied HTTP/2 exchange with trailers, on node's built-in http2 module: peers of the proxy's
// ProxyTrailersIT. Node sends in trailers what RFC 9110 §6.5.1 keeps out of them (it refuses only the
// connection-specific fields and pseudo-headers), so what arrives at each end shows what the proxy relayed.
//
//   node trailers-relay-peer.js upstream       an h2c server; prints "listening on PORT". It answers with the
//                                              request's trailers as JSON, then trailers of its own.
//   node trailers-relay-peer.js client URL     POSTs to URL over h2c with trailers; prints one JSON line:
//                                              the status, the body and the response's trailers.
'use strict';
const http2 = require('node:http2');

// What a client or an upstream should never get through a proxy in trailers, with one field that should. The
// content-length is the body's own: nghttp2 resets a stream whose trailers give another one.
function trailers(side, length) {
  return {
    'content-length': String(length), 'host': 'evil', 'authorization': 'Basic ZXZpbA==', 'set-cookie': 'evil=1',
    'content-type': 'text/html', 'te': 'trailers', 'x-forwarded-for': '6.6.6.6', 'forwarded': 'for=6.6.6.6',
    'via': '1.1 evil', 'x-checksum': side,
  };
}

// Only the fields a peer sent, not node's own raw pseudo-fields.
function plain(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(':')) {
      out[name] = value;
    }
  }
  return out;
}

if (process.argv[2] === 'upstream') {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('error', (e) => console.log('error ' + e));
    stream.on('data', () => {});
    stream.on('end', () => {
      stream.respond({':status': 200, 'content-type': 'application/json'}, {waitForTrailers: true});
      const body = JSON.stringify(plain(stream.receivedTrailers || {}));
      stream.on('wantTrailers', () => stream.sendTrailers(trailers('upstream', Buffer.byteLength(body))));
      stream.end(body);
    });
    stream.on('trailers', (received) => { stream.receivedTrailers = received; });
  });
  server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port));
} else {
  const url = new URL(process.argv[3]);
  const session = http2.connect(url.origin);
  const request = session.request({':method': 'POST', ':path': url.pathname}, {waitForTrailers: true});
  request.on('wantTrailers', () => request.sendTrailers(trailers('client', 5)));
  let status = 0;
  let body = '';
  let received = {};
  request.on('error', (e) => console.log('error ' + e));
  request.on('response', (headers) => { status = headers[':status']; });
  request.on('trailers', (headers) => { received = plain(headers); });
  request.setEncoding('utf8');
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', () => {
    console.log(JSON.stringify({status: status, body: body, trailers: received}));
    session.close();
  });
  request.end('hello');
}

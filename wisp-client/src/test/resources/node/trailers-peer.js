// Servers that echo a request's trailer fields, on node's built-in http and http2 modules: peers of the client's
// RequestTrailersIT. Prints "listening on HTTP1_PORT H2C_PORT" once both listen on 127.0.0.1.
// Any request is answered with JSON: the body's byte count and the trailers node read after it.
'use strict';
const http = require('node:http');
const http2 = require('node:http2');

function echo(request, response) {
  let bytes = 0;
  request.on('data', (chunk) => { bytes += chunk.length; });
  request.on('end', () => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({bytes: bytes, trailers: request.trailers}));
  });
}

const plain = http.createServer(echo);
const h2c = http2.createServer(echo);
plain.listen(0, '127.0.0.1', () => {
  h2c.listen(0, '127.0.0.1', () => {
    console.log('listening on ' + plain.address().port + ' ' + h2c.address().port);
  });
});

// A server of server-sent events on node's built-in http module, a peer of the client's EventSourceIT.
// Arguments: [--port N]; prints "listening on PORT" once it listens on 127.0.0.1.
// Routes:
//   /events   the first request: "retry: 100", events 1 and 2 (with ids), half of a third event, then the socket is
//             destroyed (no last chunk); a request with Last-Event-ID: an event "done" whose data names that id,
//             then the response ends
//   /gone     204 No Content: the client must stop
//   /json     200 with Content-Type application/json: not an event stream
//   /crlf     events with CR LF and lone CR line ends and a BOM, then the response ends
'use strict';
const http = require('node:http');

const args = process.argv.slice(2);
const port = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : 0;

const server = http.createServer((request, response) => {
  const path = request.url.split('?')[0];
  if (path === '/events') {
    const last = request.headers['last-event-id'];
    response.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-store'});
    if (last === undefined) {
      response.write('retry: 100\n\n');
      response.write('id: 1\ndata: one\n\n');
      response.write('id: 2\nevent: update\ndata: two\ndata: lines\n\n');
      response.write('id: 3\ndata: half of thr', () => setTimeout(() => request.socket.destroy(), 50));
    } else {
      response.end('event: done\ndata: after ' + last + ' ' + request.headers['accept'] + '\n\n');
    }
  } else if (path === '/gone') {
    response.writeHead(204);
    response.end();
  } else if (path === '/json') {
    response.writeHead(200, {'content-type': 'application/json'});
    response.end('{"events": false}');
  } else if (path === '/crlf') {
    response.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8'});
    response.end('\ufeffdata: a\r\ndata: b\r\n\r\nid: 9\rdata: c\r\r: bye\n');
  } else {
    response.writeHead(404);
    response.end();
  }
});
server.listen(port, '127.0.0.1', () => console.log('listening on ' + server.address().port));

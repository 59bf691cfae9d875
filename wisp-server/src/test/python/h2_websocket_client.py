"""Python's h2 (python3-h2) opening WebSockets over HTTP/2 (RFC 8441) on Wisp's server, for Http2WebSocketIT.

usage: h2_websocket_client.py PORT CASE [CA_FILE]   (with CA_FILE: TLS to localhost, h2 by ALPN; else h2c)

The WebSocket frames are written and read here by hand (RFC 6455 §5), masked as a client must mask them unless a
case says otherwise. Cases:

echo:      the server's SETTINGS_ENABLE_CONNECT_PROTOCOL; an extended CONNECT to /ws/echo, its status; a text and a
           binary message and their echoes; then a close 1000, the server's close frame, and END_STREAM both ways.
refused:   an extended CONNECT to /ws/refused, whose handler refuses it with 403: the status and the reason.
bye:       a message "bye", on which the server closes with 1000: its close frame, our answer, and END_STREAM.
unmasked:  an unmasked text frame: the server's close code (1002) and whether it ended the stream.
too-large: a text message of 2,000 bytes to /ws/small (maxMessageBytes 1,024): as unmasked (1009).
idle:      /ws/ping pings after 100 ms; we never answer: the ping, the server's reset of the stream when its pong
           timeout passed, and a GET on the same connection after it.
reset:     a message and its echo, then RST_STREAM CANCEL from us; then a GET on the same connection.
get:       :protocol on a GET (h2's own check turned off): how the server answers the stream.
versions:  an extended CONNECT without Sec-WebSocket-Version, then one with version 8: each status and the
           sec-websocket-version the answer names.
agree:     subprotocols "chat.v2, chat.v1" and permessage-deflate offered: what the 200 chose; a compressed message
           (RSV1) and its echo, compressed too.
mux:       a WebSocket on /ws/echo open while ten GET /hello and a GET /large run on the same connection; a message
           before and after, and the close.
limit:     with maxConcurrentStreams 1, a GET while a WebSocket is open: how it is answered (REFUSED_STREAM); then
           the WebSocket's close, and a GET after it.
shut:      our stream windows at 0 (SETTINGS_INITIAL_WINDOW_SIZE), then a message to /ws/shut, answered with 64 KiB:
           the server's reset of the stream once its write timeout passed, and what came before it.
stop:      a message "stop", on which the server stops: its close code (1001), GOAWAY, and whether the stream ended
           after we answered the close.
stall:     five WebSockets on /ws/stall, which read nothing until /release is requested: a message of 1 MiB sent on
           each fills its stream's window (five of 256 KiB: more than the connection's 1 MiB), and a POST /echo of
           512 KiB on the same connection goes through meanwhile; then /release, the rest of each message goes
           through, and the echo of each length comes back.

Prints one "name value" line per fact; the Java test asserts on them. Every socket wait is bounded (20 s).
"""
import collections
import os
import sys
import time
import zlib

import h2.config
import h2.connection
import h2.events
import h2.settings
import h2_interop_client
from hyperframe.frame import DataFrame, Frame, GoAwayFrame, RstStreamFrame

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA
STALLED = 5
UPLOAD_BYTES = 512 * 1024


def frame(opcode, payload, masked=True, rsv1=False):
    """One whole WebSocket frame as a client sends it (RFC 6455 §5.2), masked unless told otherwise."""
    head = bytearray([0x80 | (0x40 if rsv1 else 0) | opcode])
    bit = 0x80 if masked else 0
    length = len(payload)
    if length < 126:
        head.append(bit | length)
    elif length < 65536:
        head.append(bit | 126)
        head += length.to_bytes(2, 'big')
    else:
        head.append(bit | 127)
        head += length.to_bytes(8, 'big')
    if masked:
        key = os.urandom(4)
        head += key
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return bytes(head) + payload


def parse(buffer):
    """The first whole frame the server sent in buffer, as (fin, rsv1, opcode, payload, size), or None."""
    if len(buffer) < 2:
        return None
    masked = buffer[1] & 0x80
    length = buffer[1] & 0x7F
    at = 2
    if length == 126:
        if len(buffer) < 4:
            return None
        length, at = int.from_bytes(buffer[2:4], 'big'), 4
    elif length == 127:
        if len(buffer) < 10:
            return None
        length, at = int.from_bytes(buffer[2:10], 'big'), 10
    if masked:
        raise AssertionError('the server masked a frame (RFC 6455 §5.1)')
    if len(buffer) < at + length:
        return None
    return buffer[0] & 0x80, buffer[0] & 0x40, buffer[0] & 0x0F, bytes(buffer[at:at + length]), at + length


class Stream:
    def __init__(self):
        self.headers = None
        self.data = bytearray()
        self.ended = False
        self.reset = None


class Client(h2_interop_client.Client):
    """The interop script's client (its socket, TLS and ALPN), reading events into the state of each stream."""

    def __init__(self, port, ca_file, validate=True):
        super().__init__(port, ca_file)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=True, header_encoding='utf-8', validate_outbound_headers=validate))
        self.streams = {}
        self.goaway = None
        self.settings_seen = False
        self.conn.initiate_connection()
        self.flush()
        self.until(lambda: self.settings_seen)

    def stream(self, stream_id):
        return self.streams.setdefault(stream_id, Stream())

    def pump(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError('the server closed the connection')
        for event in self.conn.receive_data(data):
            if isinstance(event, h2.events.RemoteSettingsChanged):
                self.settings_seen = True
            elif isinstance(event, h2.events.ResponseReceived):
                self.stream(event.stream_id).headers = dict(event.headers)
            elif isinstance(event, h2.events.DataReceived):
                self.stream(event.stream_id).data += event.data
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.stream(event.stream_id).ended = True
            elif isinstance(event, h2.events.StreamReset):
                self.stream(event.stream_id).reset = int(event.error_code)
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.goaway = int(event.error_code)
        self.flush()

    def until(self, condition):
        while not condition():
            self.pump()

    def connect(self, path, extra=(), version='13', end_stream=False):
        """Sends an extended CONNECT; returns its stream id once the response head came (or the stream ended)."""
        stream_id = self.conn.get_next_available_stream_id()
        headers = [(':method', 'CONNECT'), (':protocol', 'websocket'), (':scheme', self.scheme),
                   (':path', path), (':authority', self.authority)]
        if version is not None:
            headers.append(('sec-websocket-version', version))
        self.conn.send_headers(stream_id, headers + list(extra), end_stream=end_stream)
        self.flush()
        stream = self.stream(stream_id)
        self.until(lambda: stream.headers is not None or stream.reset is not None)
        return stream_id

    def get(self, path):
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, [(':method', 'GET'), (':scheme', self.scheme), (':path', path),
                                           (':authority', self.authority)], end_stream=True)
        self.flush()
        return stream_id

    def send(self, stream_id, data, end_stream=False):
        """Sends data as the windows and the frame size admit, waiting for WINDOW_UPDATE when they are shut."""
        sent = 0
        while True:
            size = min(len(data) - sent, self.conn.max_outbound_frame_size)
            window = self.conn.local_flow_control_window(stream_id)
            if size > window:
                if window == 0:
                    self.pump()
                    continue
                size = window
            last = sent + size == len(data)
            self.conn.send_data(stream_id, data[sent:sent + size], end_stream=end_stream and last)
            self.flush()
            sent += size
            if last:
                return

    def raw_frames(self):
        """The frames that arrive from now on, parsed here rather than by h2, until the server closes."""
        buffer = bytearray()
        while True:
            while len(buffer) < 9 or len(buffer) < 9 + int.from_bytes(buffer[:3], 'big'):
                data = self.sock.recv(65536)
                if not data:
                    return
                buffer += data
            parsed, length = Frame.parse_frame_header(memoryview(bytes(buffer[:9])))
            parsed.parse_body(memoryview(bytes(buffer[9:9 + length])))
            del buffer[:9 + length]
            yield parsed

    def next_frame(self, stream_id):
        """The next whole WebSocket frame on the stream: (fin, rsv1, opcode, payload), or None at END_STREAM."""
        stream = self.stream(stream_id)
        while True:
            parsed = parse(stream.data)
            if parsed:
                del stream.data[:parsed[4]]
                return parsed[:4]
            if stream.ended or stream.reset is not None:
                return None
            self.pump()

    def close(self, stream_id, code=1000):
        """Sends a close frame; returns the code of the server's, and whether END_STREAM followed it."""
        self.send(stream_id, frame(CLOSE, code.to_bytes(2, 'big')))
        answer = self.next_frame(stream_id)
        stream = self.stream(stream_id)
        self.until(lambda: stream.ended or stream.reset is not None)
        self.send(stream_id, b'', end_stream=True)
        return int.from_bytes(answer[3][:2], 'big') if answer and answer[2] == CLOSE else None, stream.ended


def echo(client):
    print('enable-connect-protocol', client.conn.remote_settings.enable_connect_protocol)
    ws = client.connect('/ws/echo')
    print('status', client.stream(ws).headers.get(':status'))
    print('accept-header', client.stream(ws).headers.get('sec-websocket-accept'))
    client.send(ws, frame(TEXT, 'hello over h2'.encode()))
    fin, rsv1, opcode, payload = client.next_frame(ws)
    print('text', opcode, payload.decode())
    binary = bytes(range(256)) * 300
    client.send(ws, frame(BINARY, binary))
    fin, rsv1, opcode, payload = client.next_frame(ws)
    print('binary', opcode, payload == binary, len(payload))
    code, ended = client.close(ws)
    print('close', code)
    print('server-ended', ended)


def failed(client, path, sent):
    """Sends a frame the server must fail the WebSocket for: its close code, and whether it ended the stream."""
    ws = client.connect(path)
    client.send(ws, sent)
    answer = client.next_frame(ws)
    stream = client.stream(ws)
    client.until(lambda: stream.ended or stream.reset is not None)
    print('close', int.from_bytes(answer[3][:2], 'big') if answer and answer[2] == CLOSE else None)
    print('server-ended', stream.ended)


def unmasked(client):
    failed(client, '/ws/echo', frame(TEXT, b'no mask', masked=False))


def too_large(client):
    failed(client, '/ws/small', frame(TEXT, b'x' * 2000))


def idle(client):
    ws = client.connect('/ws/ping')
    answer = client.next_frame(ws)
    print('ping', answer is not None and answer[2] == PING)
    stream = client.stream(ws)
    client.until(lambda: stream.ended or stream.reset is not None)  # no pong from us: the server gives up
    print('reset', stream.reset)
    hello = client.get('/hello')
    client.until(lambda: client.stream(hello).ended)
    print('after', client.stream(hello).headers.get(':status'))


def refused(client):
    ws = client.connect('/ws/refused')
    stream = client.stream(ws)
    client.until(lambda: stream.ended or stream.reset is not None)
    print('status', stream.headers.get(':status'))
    print('body', stream.data.decode().strip())


def bye(client):
    ws = client.connect('/ws/echo')
    client.send(ws, frame(TEXT, b'bye'))
    answer = client.next_frame(ws)
    print('close', int.from_bytes(answer[3][:2], 'big') if answer and answer[2] == CLOSE else None)
    client.send(ws, frame(CLOSE, answer[3][:2]))
    stream = client.stream(ws)
    client.until(lambda: stream.ended or stream.reset is not None)
    print('server-ended', stream.ended)
    client.send(ws, b'', end_stream=True)


def reset(client):
    ws = client.connect('/ws/echo')
    client.send(ws, frame(TEXT, b'before the reset'))
    print('text', client.next_frame(ws)[3].decode())
    client.conn.reset_stream(ws, error_code=8)
    client.flush()
    hello = client.get('/hello')
    client.until(lambda: client.stream(hello).ended)
    print('after', client.stream(hello).headers.get(':status'), client.stream(hello).data.decode().strip())


def get(client):
    stream_id = client.conn.get_next_available_stream_id()
    client.conn.send_headers(stream_id, [(':method', 'GET'), (':protocol', 'websocket'), (':scheme', client.scheme),
                                         (':path', '/ws/echo'), (':authority', client.authority),
                                         ('sec-websocket-version', '13')])
    client.flush()
    stream = client.stream(stream_id)
    client.until(lambda: stream.headers is not None or stream.reset is not None)
    print('reset', stream.reset)
    print('status', stream.headers.get(':status') if stream.headers else None)
    hello = client.get('/hello')
    client.until(lambda: client.stream(hello).ended)
    print('after', client.stream(hello).headers.get(':status'))


def versions(client):
    for name, version, ended in (('missing', None, False), ('eight', '8', False), ('ended', '13', True)):
        ws = client.connect('/ws/echo', version=version, end_stream=ended)
        stream = client.stream(ws)
        client.until(lambda: stream.ended or stream.reset is not None)
        print(name, stream.headers.get(':status'), stream.headers.get('sec-websocket-version'))


def agree(client):
    ws = client.connect('/ws/echo', extra=[('sec-websocket-protocol', 'chat.v2, chat.v1'),
                                           ('sec-websocket-extensions', 'permessage-deflate; client_max_window_bits')])
    headers = client.stream(ws).headers
    print('status', headers.get(':status'))
    print('subprotocol', headers.get('sec-websocket-protocol'))
    print('extensions', headers.get('sec-websocket-extensions'))
    message = ('compressed over h2 ' * 200).encode()
    compressor = zlib.compressobj(wbits=-15)
    deflated = compressor.compress(message) + compressor.flush(zlib.Z_SYNC_FLUSH)
    client.send(ws, frame(TEXT, deflated[:-4], rsv1=True))  # RFC 7692 §7.2.1: without the final 00 00 ff ff
    fin, rsv1, opcode, payload = client.next_frame(ws)
    inflated = zlib.decompressobj(wbits=-15).decompress(payload + b'\x00\x00\xff\xff')
    print('echo-compressed', bool(rsv1))
    print('echo-matches', inflated == message)
    print('close', client.close(ws)[0])


def mux(client):
    ws = client.connect('/ws/echo')
    client.send(ws, frame(TEXT, b'first'))
    print('first', client.next_frame(ws)[3].decode())
    others = [client.get('/hello') for _ in range(10)] + [client.get('/large')]
    client.until(lambda: all(client.stream(s).ended for s in others))
    print('hellos', sum(1 for s in others[:10] if client.stream(s).headers.get(':status') == '200'))
    print('large', len(client.stream(others[10]).data))
    client.send(ws, frame(TEXT, b'second'))
    print('second', client.next_frame(ws)[3].decode())
    print('close', client.close(ws)[0])


def limit(client):
    ws = client.connect('/ws/echo')
    print('max-concurrent-streams', client.conn.remote_settings.max_concurrent_streams)
    # h2 keeps to the server's limit itself; lift its view of it, to play a client that does not.
    client.conn.remote_settings._settings[h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS] = collections.deque([100])
    refused = client.get('/hello')
    client.until(lambda: client.stream(refused).reset is not None or client.stream(refused).ended)
    print('refused', client.stream(refused).reset)
    print('close', client.close(ws)[0])
    hello = client.get('/hello')
    client.until(lambda: client.stream(hello).ended or client.stream(hello).reset is not None)
    print('after', client.stream(hello).headers.get(':status') if client.stream(hello).headers else None)


def shut(client):
    client.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
    client.flush()
    ws = client.connect('/ws/shut')
    client.send(ws, frame(TEXT, b'big'))
    stream = client.stream(ws)
    client.until(lambda: stream.ended or stream.reset is not None)
    print('reset', stream.reset)
    print('received', len(stream.data))


def stop(client):
    ws = client.connect('/ws/echo')
    client.send(ws, frame(TEXT, b'stop'))
    # h2 treats the connection as closed once GOAWAY came and fails on any frame after it, where RFC 9113 §6.8 lets
    # the streams it names go on: from here the frames are read and written raw.
    received = bytearray()
    goaway, ended, reset, code = None, False, None, None
    for parsed in client.raw_frames():
        if isinstance(parsed, GoAwayFrame):
            goaway = parsed.error_code
        elif isinstance(parsed, RstStreamFrame) and parsed.stream_id == ws:
            reset = parsed.error_code
        elif isinstance(parsed, DataFrame) and parsed.stream_id == ws:
            received += parsed.data
            answer = parse(received)
            if answer and answer[2] == CLOSE and code is None:
                code = int.from_bytes(answer[3][:2], 'big')
                client.sock.sendall(DataFrame(ws, data=frame(CLOSE, (1001).to_bytes(2, 'big'))).serialize())
            if 'END_STREAM' in parsed.flags:
                ended = True
                client.sock.sendall(DataFrame(ws, data=b'', flags=['END_STREAM']).serialize())
    print('close', code)
    print('server-ended', ended)
    print('reset', reset)
    print('goaway', goaway)


def stall(client):
    payload = os.urandom(1024 * 1024)
    pending = frame(BINARY, payload)
    sockets = {client.connect('/ws/stall'): 0 for _ in range(STALLED)}
    # Send what the windows admit; the server reads nothing, so each stream's window runs out. When the
    # connection's runs out first, wait for the server to give it back (it would not, if it waited for the reads).
    for ws in sockets:
        while sockets[ws] < len(pending):
            window = min(client.conn.local_flow_control_window(ws), client.conn.max_outbound_frame_size)
            if window == 0 and client.conn.outbound_flow_control_window == 0:
                client.pump()
                continue
            if window == 0:
                break
            client.send(ws, pending[sockets[ws]:sockets[ws] + window])
            sockets[ws] += window
    print('blocked', sum(1 for sent in sockets.values() if sent < len(pending)))
    print('sent-before', max(sockets.values()))
    print('sent-in-all', sum(sockets.values()))
    upload = os.urandom(UPLOAD_BYTES)
    echo_id = client.conn.get_next_available_stream_id()
    client.conn.send_headers(echo_id, client.request_headers('POST', '/echo')
                             + [('content-length', str(len(upload)))])
    client.send(echo_id, upload, end_stream=True)
    client.until(lambda: client.stream(echo_id).ended)
    print('upload', len(client.stream(echo_id).data), bytes(client.stream(echo_id).data) == upload)
    release = client.get('/release')
    client.until(lambda: client.stream(release).ended)
    for ws, sent in sockets.items():
        client.send(ws, pending[sent:])
    for ws in sockets:
        print('echoed-length', client.next_frame(ws)[3].decode())
        print('close', client.close(ws)[0])


def count(client):
    """The server's count of open WebSockets as two open on one connection, and as each ends."""
    def open_now(expected):
        # A stream's end reaches the count a moment after the client sees it: ask until it shows, for at most 5 s.
        for _ in range(100):
            stream_id = client.get('/websockets-open')
            client.until(lambda: client.stream(stream_id).ended)
            value = client.stream(stream_id).data.decode().strip()
            if value == expected:
                break
            time.sleep(0.05)
        return value
    first = client.connect('/ws/echo')
    second = client.connect('/ws/echo')
    for ws in (first, second):
        client.send(ws, frame(TEXT, b'here'))
        client.next_frame(ws)
    print('open', open_now('2'))
    print('close', client.close(first)[0])
    print('open-after-close', open_now('1'))
    client.conn.reset_stream(second, error_code=8)
    client.flush()
    print('open-after-reset', open_now('0'))


def main():
    port, case = int(sys.argv[1]), sys.argv[2]
    ca_file = sys.argv[3] if len(sys.argv) > 3 else None
    client = Client(port, ca_file, validate=case != 'get')
    {'echo': echo, 'shut': shut, 'refused': refused, 'bye': bye, 'limit': limit, 'unmasked': unmasked, 'too-large': too_large, 'idle': idle, 'reset': reset, 'get': get, 'versions': versions, 'agree': agree,
     'mux': mux, 'stop': stop, 'stall': stall, 'count': count}[case](client)


if __name__ == '__main__':
    main()

"""Python's h2 (python3-h2) as an HTTP/2 client of Wisp's server, for Http2PythonClientIT.

usage: h2_interop_client.py PORT CASE [CA_FILE]   (with CA_FILE: TLS to localhost, h2 by ALPN; else h2c, prior knowledge)

upload:   POST /echo with a body larger than the server's windows, sent only as the server's windows allow, while the
          client's own receive window starts at zero (SETTINGS_INITIAL_WINDOW_SIZE 0) and is opened slowly, 16 KiB at
          a time, each a few milliseconds after the previous one was used up. h2 itself raises FlowControlError if
          the server sends more than the window allows.
trailers: GET /streamed, whose response ends with trailers, then POST /digest with trailers of our own.
shrink:   GET /large, and once its first DATA came, SETTINGS_INITIAL_WINDOW_SIZE 0: the stream's window goes to zero
          or below (RFC 9113 §6.9.2), and the server may send nothing more until SETTINGS raise it again to 1 MiB.
oversize: GET /endless, held by flow control, then on a second stream a request whose one field is larger than the
          server's SETTINGS_MAX_HEADER_LIST_SIZE: what answers the second stream, and whether the first goes on.
refill:   GET /hello 3,000 times, keeping as many streams open as the server's SETTINGS_MAX_CONCURRENT_STREAMS allows
          and opening the next one as soon as one has ended both ways (END_STREAM received): a client within the limit
          by RFC 9113 §5.1.2, whose streams the server should never refuse.

Prints one "name value" line per fact; the Java test asserts on them. Every socket wait is bounded (20 s).
"""
import hashlib
import random
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings

OPENING_STEP = 16 * 1024
UPLOAD_BYTES = 1536 * 1024 + 11


class Client:
    def __init__(self, port, ca_file):
        raw = socket.create_connection(('127.0.0.1', port), timeout=20)
        if ca_file:
            context = ssl.create_default_context(cafile=ca_file)
            context.set_alpn_protocols(['h2'])
            self.sock = context.wrap_socket(raw, server_hostname='localhost')
            print('alpn', self.sock.selected_alpn_protocol())
        else:
            self.sock = raw
        self.sock.settimeout(20)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding='utf-8'))
        self.authority = ('localhost' if ca_file else '127.0.0.1') + ':%d' % port
        self.scheme = 'https' if ca_file else 'http'

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def events(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError('the server closed the connection')
        events = self.conn.receive_data(data)
        self.flush()
        return events

    def request_headers(self, method, path):
        return [(':method', method), (':scheme', self.scheme), (':authority', self.authority), (':path', path)]


def upload(client):
    conn = client.conn
    conn.local_settings = h2.settings.Settings(client=True, initial_values={
        h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
    conn.initiate_connection()
    client.flush()
    body = random.Random(13).randbytes(UPLOAD_BYTES)
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, client.request_headers('POST', '/echo') + [('content-length', str(len(body)))])
    client.flush()
    facts = {'status': None, 'stream-window-updates': 0, 'connection-window-updates': 0,
             'data-while-window-closed': 0}
    received = bytearray()
    state = {'ended': False, 'window-open': False}

    def handle(events):
        for event in events:
            if isinstance(event, h2.events.WindowUpdated):
                facts['connection-window-updates' if event.stream_id == 0 else 'stream-window-updates'] += 1
            elif isinstance(event, h2.events.ResponseReceived):
                facts['status'] = dict(event.headers)[':status']
            elif isinstance(event, h2.events.DataReceived):
                received.extend(event.data)
                if not state['window-open']:
                    facts['data-while-window-closed'] += len(event.data)
                # Both windows are opened by hand, never by h2's own algorithm (acknowledge_received_data), one step
                # at a time once the server has used up the last: the stream window is always the smaller.
                elif len(received) % OPENING_STEP == 0 and not event.stream_ended:
                    time.sleep(0.003)
                    conn.increment_flow_control_window(OPENING_STEP, stream_id=stream)
                    conn.increment_flow_control_window(OPENING_STEP)
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream:
                state['ended'] = True
            elif isinstance(event, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                raise RuntimeError('the server ended the exchange: %r' % event)

    sent = 0
    while not state['ended']:
        # Send what the server's windows allow, one frame at a time.
        while sent < len(body):
            room = min(conn.local_flow_control_window(stream), conn.max_outbound_frame_size, len(body) - sent)
            if room <= 0:
                break
            conn.send_data(stream, body[sent:sent + room], end_stream=sent + room == len(body))
            sent += room
        client.flush()
        handle(client.events())
        client.flush()
        if facts['status'] is not None and not state['window-open']:
            # Our window is still zero: the server may send no content until we open it. Wait to see that it sends
            # none, then open it by one step.
            deadline = time.monotonic() + 0.3
            client.sock.settimeout(0.05)
            while time.monotonic() < deadline:
                try:
                    handle(client.events())
                except socket.timeout:
                    pass
            client.sock.settimeout(20)
            state['window-open'] = True
            opened_at = time.monotonic()
            conn.increment_flow_control_window(OPENING_STEP, stream_id=stream)
            client.flush()
    print('status', facts['status'])
    print('sent', sent)
    print('received', len(received))
    print('echoed', bytes(received) == body)
    for name in ('stream-window-updates', 'connection-window-updates', 'data-while-window-closed'):
        print(name, facts[name])
    print('opened-slowly-for-ms', int((time.monotonic() - opened_at) * 1000))


def exchange(client, headers, body=None, trailers=None):
    conn = client.conn
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, headers, end_stream=body is None)
    if body is not None:
        conn.send_data(stream, body, end_stream=trailers is None)
        if trailers is not None:
            conn.send_headers(stream, trailers, end_stream=True)
    client.flush()
    status, data, response_trailers = None, bytearray(), []
    while True:
        for event in client.events():
            if getattr(event, 'stream_id', None) != stream:
                continue
            if isinstance(event, h2.events.ResponseReceived):
                status = dict(event.headers)[':status']
            elif isinstance(event, h2.events.DataReceived):
                data += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, stream)
            elif isinstance(event, h2.events.TrailersReceived):
                response_trailers = event.headers
            elif isinstance(event, h2.events.StreamEnded):
                client.flush()
                return status, bytes(data), response_trailers
            elif isinstance(event, h2.events.StreamReset):
                raise RuntimeError('the server reset stream %d: %r' % (stream, event))


def trailers(client):
    client.conn.initiate_connection()
    client.flush()
    status, data, response_trailers = exchange(client, client.request_headers('GET', '/streamed'))
    print('streamed-status', status)
    print('streamed-lines', data.count(b'\n'))
    print('streamed-sha256-matches', dict(response_trailers).get('x-sha256') == hashlib.sha256(data).hexdigest())
    for name, value in response_trailers:
        print('trailer', name + '=' + value)
    body = b'summed by the server'
    status, data, _ = exchange(client, client.request_headers('POST', '/digest'), body,
                               [('x-python', 'yes'), ('x-count', '2')])
    print('digest-status', status)
    print('digest', data.decode('utf-8').replace('\n', '|'))
    print('expected', '%d %s' % (len(body), hashlib.sha256(body).hexdigest()))


def shrink(client):
    conn = client.conn
    conn.initiate_connection()
    conn.increment_flow_control_window(16 * 1024 * 1024)  # only the stream's window limits the server
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, client.request_headers('GET', '/large'), end_stream=True)
    client.flush()
    body = bytearray()
    phase = 'open'  # then 'shrinking' (SETTINGS sent), 'closed' (acknowledged), 'reopened'
    after_ack = 0
    ended = False
    deadline = None
    while not ended:
        try:
            events = client.events()
        except socket.timeout:
            if phase != 'closed':
                raise
            events = []
        for event in events:
            if isinstance(event, h2.events.DataReceived):
                body += event.data
                if phase == 'closed':
                    after_ack += len(event.data)
                if phase in ('open', 'reopened'):
                    conn.acknowledge_received_data(event.flow_controlled_length, stream)
                if phase == 'open':
                    conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
                    phase = 'shrinking'
            elif isinstance(event, h2.events.SettingsAcknowledged) and phase == 'shrinking':
                phase = 'closed'
                print('received-before-ack', len(body))
                deadline = time.monotonic() + 0.3
                client.sock.settimeout(0.05)
            elif isinstance(event, h2.events.StreamEnded):
                ended = True
            elif isinstance(event, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                raise RuntimeError('the server ended the exchange: %r' % event)
        if phase == 'closed' and time.monotonic() >= deadline:
            print('received-while-closed', after_ack)
            client.sock.settimeout(20)
            conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1024 * 1024})
            phase = 'reopened'
        client.flush()
    print('phase', phase)
    print('length', len(body))
    print('sha256', hashlib.sha256(body).hexdigest())


def oversize(client):
    conn = client.conn
    conn.initiate_connection()
    client.flush()
    first = conn.get_next_available_stream_id()
    conn.send_headers(first, client.request_headers('GET', '/endless'), end_stream=True)
    client.flush()
    first_data = 0
    while first_data == 0:
        for event in client.events():
            if isinstance(event, h2.events.DataReceived):
                first_data += len(event.data)
    limit = conn.remote_settings.max_header_list_size or 16384
    second = conn.get_next_available_stream_id()
    conn.send_headers(second, client.request_headers('GET', '/hello') + [('x-large', 'r' * (limit + 1000))],
                      end_stream=True)
    client.flush()
    second_answer = None
    more_first_data = 0
    while second_answer is None or more_first_data == 0:
        try:
            events = client.events()
        except EOFError:
            print('closed', 'True')
            break
        for event in events:
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == second:
                second_answer = 'status ' + dict(event.headers)[':status']
            elif isinstance(event, h2.events.StreamReset) and event.stream_id == second:
                second_answer = 'reset %s' % event.error_code
            elif isinstance(event, h2.events.DataReceived) and event.stream_id == first:
                if second_answer is not None:
                    more_first_data += len(event.data)
                conn.acknowledge_received_data(event.flow_controlled_length, first)
            elif isinstance(event, h2.events.ConnectionTerminated):
                print('goaway', '%s last_stream_id=%d %s' % (event.error_code, event.last_stream_id,
                                                             (event.additional_data or b'').decode('utf-8', 'replace')))
        client.flush()
    print('second', second_answer)
    print('first-went-on', more_first_data > 0)


def refill(client):
    conn = client.conn
    conn.initiate_connection()
    client.flush()
    while conn.remote_settings.max_concurrent_streams > 1000:  # h2's "unlimited" until the server's SETTINGS come
        client.events()
    limit = conn.remote_settings.max_concurrent_streams
    total, opened, completed, refused = 3000, 0, 0, 0
    active = set()
    while completed + refused < total:
        while len(active) < limit and opened < total:
            stream = conn.get_next_available_stream_id()
            conn.send_headers(stream, client.request_headers('GET', '/hello'), end_stream=True)
            active.add(stream)
            opened += 1
        client.flush()
        for event in client.events():
            if isinstance(event, h2.events.DataReceived):
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                active.discard(event.stream_id)
                completed += 1
            elif isinstance(event, h2.events.StreamReset):
                active.discard(event.stream_id)
                refused += 1
                if refused == 1:
                    print('first-reset', 'stream %d %s after %d completed' % (event.stream_id, event.error_code,
                                                                             completed))
            elif isinstance(event, h2.events.ConnectionTerminated):
                raise RuntimeError('the server ended the connection: %r' % event)
        client.flush()
    print('limit', limit)
    print('completed', completed)
    print('refused', refused)


def main():
    port, case = int(sys.argv[1]), sys.argv[2]
    client = Client(port, sys.argv[3] if len(sys.argv) > 3 else None)
    try:
        {'upload': upload, 'trailers': trailers, 'refill': refill, 'shrink': shrink, 'oversize': oversize}[case](client)
        client.conn.close_connection()
        client.flush()
    finally:
        client.sock.close()


if __name__ == '__main__':
    main()

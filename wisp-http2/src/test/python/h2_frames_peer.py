"""Python's h2 (python3-h2) as a peer of Wisp's HTTP/2 frame layer, for FramePythonPeerTest.

client: a client-side H2Connection makes a preface, SETTINGS, two requests (the second with a header block too large
        for one frame, so h2 adds CONTINUATION frames), padded DATA, PING, WINDOW_UPDATE, RST_STREAM and GOAWAY;
        prints the bytes in hex on the first line and the large header's value on the second.
server: a server-side H2Connection receives the bytes given in hex on stdin and prints one line per event.
"""
import random
import sys

import h2.config
import h2.connection
import h2.events


def client():
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))
    connection.initiate_connection()
    connection.send_headers(1, [(':method', 'POST'), (':path', '/upload'), (':scheme', 'https'),
                                (':authority', 'example.com')])
    # Random letters and digits: Huffman saves little on them, so the block stays above 16,384 bytes.
    letters = random.Random(7)
    large = ''.join(letters.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(40000))
    connection.send_headers(3, [(':method', 'GET'), (':path', '/large'), (':scheme', 'https'),
                                (':authority', 'example.com'), ('x-large', large)], end_stream=True)
    connection.send_data(1, b'hello', pad_length=10)
    connection.ping(b'12345678')
    connection.increment_flow_control_window(1000)
    connection.increment_flow_control_window(500, stream_id=1)
    connection.reset_stream(1, error_code=8)
    connection.close_connection(error_code=0, additional_data=b'bye', last_stream_id=0)
    print(connection.data_to_send().hex())
    print(large)


def describe(event):
    if isinstance(event, h2.events.RemoteSettingsChanged):
        changed = sorted((int(key), setting.new_value) for key, setting in event.changed_settings.items())
        return 'settings ' + ' '.join('%d=%d' % pair for pair in changed)
    if isinstance(event, h2.events.RequestReceived):
        return 'request %d %s' % (event.stream_id, ' '.join(
            name.decode('latin-1') + '=' + (value.decode('latin-1') if len(value) < 100 else '%d bytes' % len(value))
            for name, value in event.headers))
    if isinstance(event, h2.events.DataReceived):
        return 'data %d %s flow %d' % (event.stream_id, event.data.hex(), event.flow_controlled_length)
    if isinstance(event, h2.events.StreamEnded):
        return 'end %d' % event.stream_id
    if isinstance(event, h2.events.PingReceived):
        return 'ping ' + event.ping_data.hex()
    if isinstance(event, h2.events.WindowUpdated):
        return 'window %d %d' % (event.stream_id, event.delta)
    if isinstance(event, h2.events.PriorityUpdated):
        return 'priority %d on %d weight %d exclusive %s' % (event.stream_id, event.depends_on, event.weight,
                                                             event.exclusive)
    if isinstance(event, h2.events.StreamReset):
        return 'reset %d %d' % (event.stream_id, event.error_code)
    if isinstance(event, h2.events.ConnectionTerminated):
        return 'goaway %d last %d debug %s' % (event.error_code, event.last_stream_id,
                                               (event.additional_data or b'').hex())
    return type(event).__name__


def server():
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding=None))
    connection.initiate_connection()
    for event in connection.receive_data(bytes.fromhex(sys.stdin.read().strip())):
        print(describe(event))


if __name__ == '__main__':
    client() if sys.argv[1] == 'client' else server()

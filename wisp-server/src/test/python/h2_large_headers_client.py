"""An HTTP/2 client (Python's h2) that sends requests one after another on one connection, with prior knowledge,
each with an x-padding field of the given length, and prints each answer's status, or how the connection ended."""
import socket
import sys

import h2.config
import h2.connection
import h2.events
import h2.settings

port = int(sys.argv[1])
sizes = [int(size) for size in sys.argv[2:]]
sock = socket.create_connection(("127.0.0.1", port), timeout=10)
config = h2.config.H2Configuration(client_side=True, validate_outbound_headers=False)
conn = h2.connection.H2Connection(config=config)
conn.initiate_connection()
sock.sendall(conn.data_to_send())
# The server announces SETTINGS_MAX_HEADER_LIST_SIZE; h2 would refuse to send past it, so it is not applied here.
conn.max_outbound_frame_size = 16384
stream_id = 1
for size in sizes:
    headers = [(":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", "/hello"),
               ("x-padding", "p" * size)]
    conn.send_headers(stream_id, headers, end_stream=True)
    sock.sendall(conn.data_to_send())
    done = False
    while not done:
        data = sock.recv(65536)
        if not data:
            print("closed")
            sys.exit(0)
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream_id:
                print("status", dict(event.headers)[b":status"].decode())
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream_id:
                done = True
            elif isinstance(event, h2.events.StreamReset) and event.stream_id == stream_id:
                print("reset", event.error_code)
                done = True
            elif isinstance(event, h2.events.ConnectionTerminated):
                print("goaway", event.error_code)
                sys.exit(0)
        sock.sendall(conn.data_to_send())
    stream_id += 2

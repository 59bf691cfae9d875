"""An HTTP/2 client (Python's h2) that makes one request with prior knowledge, then waits, idle, for the server
to end the connection, and prints what it saw: the status, the body, and how the connection ended."""
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events

port = int(sys.argv[1])
wait_seconds = float(sys.argv[2])
sock = socket.create_connection(("127.0.0.1", port), timeout=wait_seconds)
conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
conn.initiate_connection()
conn.send_headers(1, [(":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", "/hello")],
                  end_stream=True)
sock.sendall(conn.data_to_send())
started = time.monotonic()
body = b""
while True:
    try:
        data = sock.recv(65536)
    except socket.timeout:
        print("timed out")
        break
    if not data:
        print("closed after %.1f s" % (time.monotonic() - started))
        break
    for event in conn.receive_data(data):
        if isinstance(event, h2.events.ResponseReceived):
            print("status", dict(event.headers)[b":status"].decode())
        elif isinstance(event, h2.events.DataReceived):
            body += event.data
            conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            print("body", body.decode().strip())
        elif isinstance(event, h2.events.ConnectionTerminated):
            print("goaway", event.error_code.name if hasattr(event.error_code, "name") else event.error_code,
                  "last stream", event.last_stream_id)
    sock.sendall(conn.data_to_send())

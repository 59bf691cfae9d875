"""An h2c server (prior knowledge) that answers every request 304 with a body, which RFC 9110 §15.4.5 forbids.

Usage: h2_304_with_data.py PORT. Prints "ready" once it listens on 127.0.0.1:PORT; serves connections one at a time
until killed, each closed half a second after its answer."""
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(5)
print("ready", flush=True)
while True:
    client, _ = listener.accept()
    client.settimeout(10)
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    connection.initiate_connection()
    client.sendall(connection.data_to_send())
    answered = False
    try:
        while not answered:
            data = client.recv(65536)
            if not data:
                break
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    connection.send_headers(event.stream_id, [(":status", "304"), ("etag", '"a"')])
                    connection.send_data(event.stream_id, b"a body a 304 cannot have", end_stream=True)
                    answered = True
            client.sendall(connection.data_to_send())
        time.sleep(0.5)
    except OSError:
        pass
    client.close()

package dev.wisp.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A python3 HTTP/1.1 server listening on a Linux abstract Unix socket name (python's socket module takes a name that
 * starts with a NUL byte), one thread per connection, keep-alive as the client asks. It answers
 * {@code <method> <target> on connection <n> for <Host>}, with {@code : <body>} after a request body; connections
 * are numbered from 1 as they come, so a test sees a connection reused. {@code /hold} answers only once
 * {@code /release?n=N} has come after N held requests; {@code /slow} answers after 3 s. An upgrade to WebSocket
 * echoes each text message until the close. Stopped by its process handle.
 */
public final class AbstractSocketPeer implements AutoCloseable {
    private static final String SCRIPT = """
            import base64, hashlib, http.server, itertools, socketserver, struct, sys, threading, time
            numbers = itertools.count(1)
            held = threading.Semaphore(0)
            released = threading.Event()

            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"

                def setup(self):
                    super().setup()
                    self.number = next(numbers)

                def log_message(self, *arguments):
                    pass

                def answer(self, extra=""):
                    text = "%s %s on connection %d for %s%s" % (self.command, self.path, self.number,
                            self.headers["Host"], extra)
                    body = text.encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

                def do_GET(self):
                    if self.headers.get("Upgrade", "").lower() == "websocket":
                        return self.echo_websocket()
                    if self.path == "/hold":
                        held.release()
                        released.wait(30)
                    elif self.path.startswith("/release?n="):
                        for _ in range(int(self.path.split("=")[1])):
                            held.acquire(timeout=30)
                        released.set()
                    elif self.path == "/slow":
                        time.sleep(3)
                    self.answer()

                def do_POST(self):
                    body = self.rfile.read(int(self.headers["Content-Length"]))
                    self.answer(": " + body.decode())

                def echo_websocket(self):
                    key = self.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
                    self.send_response(101)
                    self.send_header("Upgrade", "websocket")
                    self.send_header("Connection", "Upgrade")
                    self.send_header("Sec-WebSocket-Accept", base64.b64encode(hashlib.sha1(key.encode()).digest())
                            .decode())
                    self.end_headers()
                    self.wfile.flush()
                    while True:
                        first, second = self.rfile.read(2)
                        length = second & 0x7f
                        if length == 126:
                            length = struct.unpack(">H", self.rfile.read(2))[0]
                        mask = self.rfile.read(4)
                        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
                        opcode = first & 0x0f
                        header = bytes([0x80 | opcode])
                        header += bytes([len(payload)]) if len(payload) < 126 else b"\\x7e" + struct.pack(">H",
                                len(payload))
                        self.wfile.write(header + payload)
                        self.wfile.flush()
                        if opcode == 8:
                            self.close_connection = True
                            return

            class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
                daemon_threads = True

            server = Server("\\0" + sys.argv[1], Handler)
            print("ready", flush=True)
            server.serve_forever()
            """;

    private final String name;
    private final PeerProcess process;

    private AbstractSocketPeer(String name, PeerProcess process) {
        this.name = name;
        this.process = process;
    }

    /** Starts the peer on a fresh abstract name; skips the test without python3 (fails it in CI). */
    public static AbstractSocketPeer start() throws IOException, InterruptedException {
        String python = PeerTools.require("python3").toString();
        String name = "wisp-test-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        return new AbstractSocketPeer(name, PeerProcess.start(List.of(python, "-c", SCRIPT, name), Map.of(),
                "ready", Duration.ofSeconds(20)));
    }

    /** The abstract name, without its leading NUL byte. */
    public String name() {
        return name;
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}

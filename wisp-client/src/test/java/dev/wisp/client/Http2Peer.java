package dev.wisp.client;

import dev.wisp.tls.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real HTTP/2 server started for a test, over TLS with ALPN {@code h2} or in plaintext by prior knowledge (h2c),
 * serving the same content whoever it is: {@code /index.html}, {@code /large.bin} ({@link #LARGE_BYTES} bytes of
 * {@link #large}) and {@code /text.txt} (text worth compressing, gzip-encoded where the server does that), and taking
 * uploads back through {@link #upload}. Stopped by closing it.
 */
final class Http2Peer implements AutoCloseable {
    static final int LARGE_BYTES = 3_000_000;
    static final String TEXT = "a text the server may compress, ".repeat(400);

    /** How a peer takes a request body back to the client. */
    enum Uploads {
        /** {@code POST /echo} answers with the request body. */
        ECHO,
        /** {@code PUT /up/NAME} stores the body (WebDAV), a {@code GET} of it reads it back. */
        STORE
    }

    private final String name;
    private final int port;
    private final TlsConfig tls;
    private final Uploads uploads;
    private final AutoCloseable process;

    /** @param tls the client's configuration trusting the server's certificate, or null for h2c */
    Http2Peer(String name, int port, TlsConfig tls, Uploads uploads, AutoCloseable process) {
        this.name = name;
        this.port = port;
        this.tls = tls;
        this.uploads = uploads;
        this.process = process;
    }

    /** Writes the files every file-serving peer serves into {@code directory/www}, and returns that folder. */
    static Path writeContent(Path directory) throws IOException {
        Path www = Files.createDirectories(directory.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello peer\n");
        Files.write(www.resolve("large.bin"), large(LARGE_BYTES));
        Files.writeString(www.resolve("text.txt"), TEXT);
        Files.createDirectories(www.resolve("up"));
        return www;
    }

    /** Bytes where byte i is {@code (i * 31 + (i >> 8)) & 0xff}, as the node peer makes them too. */
    static byte[] large(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >> 8));
        }
        return bytes;
    }

    boolean isTls() {
        return tls != null;
    }

    String url(String path) {
        return (isTls() ? "https://localhost:" : "http://127.0.0.1:") + port + path;
    }

    int port() {
        return port;
    }

    /** A client configuration for this peer: trusting its certificate, or speaking h2c by prior knowledge. */
    ClientConfig.Builder clientConfig(ClientConfig.Builder builder) {
        return isTls() ? builder.tls(tls) : builder.http2(Http2Mode.PRIOR_KNOWLEDGE);
    }

    /** Sends the body up, and returns what the server took: echoed, or stored and read back. */
    byte[] upload(Client client, String name, byte[] body) throws IOException {
        if (uploads == Uploads.ECHO) {
            try (Response echoed = client.send(Request.builder(url("/echo")).method("POST").body(body).build())) {
                check(echoed, 200);
                return echoed.bytes();
            }
        }
        try (Response stored = client.send(Request.builder(url("/up/" + name)).method("PUT").body(body).build())) {
            check(stored, 201);
        }
        try (Response read = client.send(Request.get(url("/up/" + name)))) {
            check(read, 200);
            return read.bytes();
        }
    }

    private void check(Response response, int status) throws IOException {
        if (response.statusCode() != status) {
            throw new AssertionError(this + " answered " + response.statusCode() + " where " + status + " was due: "
                    + response.text());
        }
    }

    @Override
    public void close() throws Exception {
        process.close();
    }

    @Override
    public String toString() {
        return name + (isTls() ? " h2" : " h2c");
    }
}

package dev.wisp.bench.load;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Opens a new connection at a steady pace, sends one request on it, times the response and closes it: how long a
 * client that connects to a busy server waits for its first answer. Run it beside a load that keeps the server busy
 * (the latency harness runs it during the closed-loop measurement); a server that starts new connections' work
 * behind all its open ones shows it here, while the load's own percentiles look fine.
 *
 * <p>Usage: {@code NewConnectionProbe HOST PORT PATH [--every-ms N] [--duration S]}: one connection every N ms
 * (default 100) for S seconds (default 15), each with a 10 s limit. The response must carry
 * {@code Content-Length}. Prints one line: {@code new_connections=… new_p50_ms=… new_p99_ms=… new_max_ms=…
 * new_errors=…}.
 */
public final class NewConnectionProbe {
    private static final int TIMEOUT_MILLIS = 10_000;

    private NewConnectionProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options = Options.parse(args, 3, "NewConnectionProbe HOST PORT PATH [--every-ms N] [--duration S]",
                "--every-ms", "--duration");
        long everyMillis = options.getLong("--every-ms", 100);
        double duration = options.getDouble("--duration", 15);
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        byte[] request = ("GET " + args[2] + " HTTP/1.1\r\nHost: " + args[0] + "\r\n\r\n").getBytes(US_ASCII);
        List<Double> millis = new ArrayList<>();
        int errors = 0;
        long end = System.nanoTime() + (long) (duration * 1e9);
        while (System.nanoTime() - end < 0) {
            long start = System.nanoTime();
            try {
                firstAnswer(address, request);
                millis.add((System.nanoTime() - start) / 1e6);
            } catch (IOException e) {
                errors++;
            }
            Thread.sleep(everyMillis);
        }
        Collections.sort(millis);
        System.out.printf("new_connections=%d new_p50_ms=%.2f new_p99_ms=%.2f new_max_ms=%.2f new_errors=%d%n",
                millis.size(), percentile(millis, 0.50), percentile(millis, 0.99), percentile(millis, 1.0), errors);
    }

    /** Connects, sends the request and reads the response to the end of its body. */
    private static void firstAnswer(InetSocketAddress address, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            int at = head.toLowerCase().indexOf("\r\ncontent-length:");
            if (at < 0) {
                throw new IOException("no Content-Length in " + head);
            }
            int lineEnd = head.indexOf('\r', at + 2);
            long length = Long.parseLong(head.substring(at + 17, lineEnd < 0 ? head.length() : lineEnd).trim());
            if (in.readNBytes((int) length).length != length) {
                throw new IOException("the body ended early");
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended before the response head did");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static double percentile(List<Double> sorted, double fraction) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(fraction * sorted.size()) - 1));
    }
}

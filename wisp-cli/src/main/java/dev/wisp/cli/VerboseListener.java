package dev.wisp.cli;

import dev.wisp.client.ConnectionInfo;
import dev.wisp.client.EventListener;
import dev.wisp.client.Request;
import dev.wisp.client.Timing;
import dev.wisp.core.Headers;
import dev.wisp.core.IpAddresses;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Version;
import dev.wisp.tls.TlsSessionInfo;
import java.io.PrintStream;
import java.net.InetSocketAddress;

/**
 * What {@code wisp get -v} prints on stderr, in curl's manner: {@code *} lines for the connection, {@code >} for
 * the request head as sent, {@code <} for the response head, and the timing breakdown at the end.
 */
final class VerboseListener implements EventListener {
    private final PrintStream err;

    VerboseListener(PrintStream err) {
        this.err = err;
    }

    @Override
    public void connected(ConnectionInfo connection, InetSocketAddress remote) {
        // A Unix domain socket has no IP address: its path comes as an unresolved host.
        err.println("* Connected to " + connection.origin().host() + " ("
                + (remote.isUnresolved() ? remote.getHostString() : IpAddresses.text(remote.getAddress()))
                + ") port " + remote.getPort());
    }

    @Override
    public void tlsHandshakeDone(ConnectionInfo connection, TlsSessionInfo session) {
        err.println("* TLS " + session.protocol() + " / " + session.cipherSuite()
                + session.alpnProtocol().map(alpn -> " / ALPN " + alpn).orElse("")
                + (session.resumed() ? " (session resumed)" : ""));
    }

    @Override
    public void requestHeadersSent(Request request, RequestHead head) {
        err.println("> " + head.method() + " " + head.target().raw() + " " + head.version().text());
        print("> ", head.headers());
        err.println(">");
    }

    @Override
    public void interimResponse(Request request, ResponseHead head) {
        responseHeaders(request, head); // as curl shows a 100 Continue: a head like any other
    }

    @Override
    public void responseHeaders(Request request, ResponseHead head) {
        // HTTP/2 carries no reason phrase (RFC 9113 §8.3.2): the line shows what came, as curl's does.
        err.println("< " + head.version().text() + " "
                + (head.version() == Version.HTTP_2 ? String.valueOf(head.status().code()) : head.status()));
        print("< ", head.headers());
        err.println("<");
    }

    @Override
    public void redirected(Request request, ResponseHead response, Request next) {
        err.println("* Issue another request to this URL: '" + next.uri() + "'");
    }

    @Override
    public void authenticating(Request request, ResponseHead response, Request next) {
        err.println("* Answering the " + response.status().code() + " challenge with "
                + next.credentials().map(c -> c.scheme().toString()).orElse("credentials"));
    }

    @Override
    public void finished(Request request, Timing timing) {
        err.println("* " + timing);
    }

    @Override
    public void disconnected(ConnectionInfo connection, String reason) {
        err.println("* Closed connection to " + connection.origin().host() + ": " + reason);
    }

    private void print(String prefix, Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            err.println(prefix + headers.name(i) + ": " + headers.value(i));
        }
    }
}

/**
 * Wisp benchmarks: the JMH benchmarks of the HTTP/1.1 request reader and the WebSocket frame reader, the
 * plaintext peer servers (Wisp, Netty, Jetty, Undertow, Helidon, the JDK's HTTP server; Wisp, Netty and Jetty
 * also over HTTPS) and the idle-connection holder that the load harnesses {@code run.sh} and {@code tls.sh}
 * start; the client load drivers of {@code client.sh} (Wisp, OkHttp, the JDK's HttpClient, Jetty's HttpClient,
 * Apache HttpClient 5; all but Apache's also over HTTP/2); the WebSocket echo peers (Wisp, Java-WebSocket, Netty,
 * Jetty) and the WebSocket load client of {@code websocket.sh}; the HTTP/2 peers of {@code http2.sh} (Wisp's plaintext
 * peer with HTTP/2 on, Netty's HTTP/2 codec).
 * Never released; the scripts run it from the class path ({@code java -cp target/wisp-bench.jar:target/lib/*}).
 */
module dev.wisp.bench {
    requires dev.wisp.client;
    requires dev.wisp.http1;
    requires dev.wisp.server;
    requires dev.wisp.websocket;
    requires java.net.http;
    requires jdk.httpserver;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.helidon.http;
    requires io.helidon.webserver;
    requires io.helidon.webserver.sse;
    requires io.helidon.http.sse;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.util;
    requires undertow.core;
    requires okhttp3;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    requires org.eclipse.jetty.client;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.http2.client;
    requires org.eclipse.jetty.http2.client.transport;
    requires org.eclipse.jetty.websocket.api;
    requires org.eclipse.jetty.websocket.server;
    requires org.java_websocket;
    requires jmh.core;

    // Jetty's WebSocket layer finds the echo listener's methods with MethodHandles.publicLookup(), which sees only
    // packages exported to everyone
    exports dev.wisp.bench.peers;
}

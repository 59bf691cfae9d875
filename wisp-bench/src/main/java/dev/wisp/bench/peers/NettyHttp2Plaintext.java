package dev.wisp.bench.peers;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty 4.2 HTTP/2 peer: h2c with prior knowledge only (a client that starts with the connection preface), or h2
 * over TLS, the same {@code GET /plaintext} exchange as {@link NettyPlaintext}.
 *
 * <p>Configuration: the transport of every Netty peer ({@link NettyTransport}: epoll, one event loop thread,
 * {@code TCP_NODELAY}), {@code Http2FrameCodec} with its defaults (no limit on concurrent streams, header
 * validation on), and one handler on the connection's channel (no child channel per stream) that answers each
 * request's HEADERS frame with a HEADERS and a DATA frame and flushes once per read batch. Everything runs on the
 * event loop thread.
 *
 * <p>HTTPS mode: the same behind an {@code SslHandler} from the JDK's SSLEngine ({@code SslProvider.JDK}, as
 * {@link NettyPlaintext}), offering {@code h2} alone by ALPN; a client that does not choose it is still spoken
 * HTTP/2 to.
 */
public final class NettyHttp2Plaintext {
    private static final AsciiString TEXT_PLAIN = AsciiString.cached(Plaintext.CONTENT_TYPE);
    private static final AsciiString BODY_LENGTH = AsciiString.cached(Integer.toString(Plaintext.body().length));
    private static final AsciiString PATH = AsciiString.cached(Plaintext.PATH);

    private NettyHttp2Plaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("netty-h2", args, NettyHttp2Plaintext::start, NettyHttp2Plaintext::startTls);
    }

    static AutoCloseable start(int port) throws InterruptedException {
        return NettyTransport.servePlaintext(port, null, NettyHttp2Plaintext::handlers);
    }

    static AutoCloseable startTls(int port, PeerLauncher.TlsFiles tls) throws Exception {
        return NettyTransport.servePlaintext(port, NettyTransport.jdkTls(tls)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build(), NettyHttp2Plaintext::handlers);
    }

    private static ChannelHandler[] handlers(ByteBuf body) {
        return new ChannelHandler[] {Http2FrameCodecBuilder.forServer().build(), new PlaintextHandler(body)};
    }

    /** Answers each request whose HEADERS frame ends its stream (a GET); every other frame is released. */
    private static final class PlaintextHandler extends NettyBatchHandler {
        private final ByteBuf body;

        PlaintextHandler(ByteBuf body) {
            this.body = body;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Http2HeadersFrame frame) || !frame.isEndStream()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            Http2Headers request = frame.headers();
            Http2FrameStream stream = frame.stream();
            if (HttpMethod.GET.asciiName().contentEquals(request.method()) && PATH.contentEquals(request.path())) {
                Http2Headers headers = new DefaultHttp2Headers(false)
                        .status(HttpResponseStatus.OK.codeAsText())
                        .add(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                        .add(HttpHeaderNames.CONTENT_LENGTH, BODY_LENGTH);
                ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
                ctx.write(new DefaultHttp2DataFrame(body.duplicate(), true).stream(stream));
            } else {
                Http2Headers headers = new DefaultHttp2Headers(false)
                        .status(HttpResponseStatus.NOT_FOUND.codeAsText())
                        .add(HttpHeaderNames.CONTENT_LENGTH, AsciiString.cached("0"));
                ctx.write(new DefaultHttp2HeadersFrame(headers, true).stream(stream));
            }
        }
    }
}

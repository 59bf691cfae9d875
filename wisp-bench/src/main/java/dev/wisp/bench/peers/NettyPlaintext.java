package dev.wisp.bench.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty 4.2 plaintext peer.
 *
 * <p>Configuration, the usual best one for a single-core keep-alive test: native epoll transport when the
 * platform has it (NIO otherwise), one event loop thread that both accepts and serves, {@link HttpServerCodec}
 * and one handler that writes a prebuilt response per request and flushes once per read batch
 * ({@code channelReadComplete}), the default pooled allocator, {@code TCP_NODELAY} on. No Date or Server
 * header, as Netty adds none by itself. Everything runs on the event loop thread.
 *
 * <p>HTTPS mode: the same pipeline behind an {@code SslHandler} from
 * {@code SslContextBuilder.forServer(chain, key).sslProvider(SslProvider.JDK)}, the JDK's SSLEngine (as Wisp
 * uses) with Netty's defaults for it: TLS 1.3 and 1.2, Netty's default cipher suites, the JDK's session cache
 * and tickets.
 */
public final class NettyPlaintext {
    private static final AsciiString TEXT_PLAIN = AsciiString.cached(Plaintext.CONTENT_TYPE);
    private static final AsciiString BODY_LENGTH = AsciiString.cached(Integer.toString(Plaintext.body().length));

    private NettyPlaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("netty", args, NettyPlaintext::start, NettyPlaintext::startTls);
    }

    static AutoCloseable start(int port) throws InterruptedException {
        return NettyTransport.servePlaintext(port, null, NettyPlaintext::handlers);
    }

    static AutoCloseable startTls(int port, PeerLauncher.TlsFiles tls) throws Exception {
        return NettyTransport.servePlaintext(port, NettyTransport.jdkTls(tls).build(), NettyPlaintext::handlers);
    }

    private static ChannelHandler[] handlers(ByteBuf body) {
        return new ChannelHandler[] {new HttpServerCodec(), new PlaintextHandler(body)};
    }

    /** Answers each request head; the codec's content parts carry nothing for a GET and are released. */
    private static final class PlaintextHandler extends NettyBatchHandler {
        private final ByteBuf body;

        PlaintextHandler(ByteBuf body) {
            this.body = body;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpRequest request)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            FullHttpResponse response;
            if (request.method().equals(HttpMethod.GET) && Plaintext.PATH.equals(request.uri())) {
                HttpHeaders headers = new DefaultHttpHeaders(false)
                        .add(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                        .add(HttpHeaderNames.CONTENT_LENGTH, BODY_LENGTH);
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        body.duplicate(), headers, EmptyHttpHeaders.INSTANCE);
            } else {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                        Unpooled.EMPTY_BUFFER);
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            ReferenceCountUtil.release(msg);
            if (keepAlive) {
                ctx.write(response, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}

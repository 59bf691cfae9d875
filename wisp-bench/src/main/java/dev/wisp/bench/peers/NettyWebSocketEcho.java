package dev.wisp.bench.peers;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty 4.2 WebSocket echo peer: {@link HttpServerCodec}, {@link HttpObjectAggregator} for the upgrade request,
 * {@link WebSocketServerProtocolHandler} on {@code /echo} (handshake, pings, close), then a handler that writes
 * each text or binary frame back as it came and flushes once per read batch.
 *
 * <p>Configuration: as the plaintext peer (native epoll, one event loop thread, pooled allocator,
 * {@code TCP_NODELAY}), frames up to 1 MiB instead of 64 KiB, its compression handler for permessage-deflate when a
 * client offers it (the load client does not; the idle-memory test does, once); UTF-8 validation of text frames
 * on, its default, as the other peers validate.
 */
public final class NettyWebSocketEcho {

    private NettyWebSocketEcho() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("netty-websocket", args, NettyWebSocketEcho::start);
    }

    static AutoCloseable start(int port) throws InterruptedException {
        WebSocketServerProtocolConfig webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WebSocketEcho.PATH)
                .maxFramePayloadLength(WebSocketEcho.MAX_MESSAGE_BYTES)
                .build();
        return NettyTransport.serve(port, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                        new WebSocketServerCompressionHandler(WebSocketEcho.MAX_MESSAGE_BYTES),
                        new WebSocketServerProtocolHandler(webSocket), new EchoHandler());
            }
        });
    }

    /** Sends data frames back; anything else that reaches it (a plain HTTP request) is dropped and closes. */
    private static final class EchoHandler extends NettyBatchHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg, ctx.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
                ctx.close();
            }
        }
    }
}

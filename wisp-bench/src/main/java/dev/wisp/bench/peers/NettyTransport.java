package dev.wisp.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * How every Netty peer listens: native epoll when the platform has it (NIO otherwise), one event loop thread that
 * both accepts and serves (the usual best setup for one core), backlog 1024, {@code TCP_NODELAY} on, the default
 * pooled allocator; and how the peers of the plaintext exchange set up their pipelines, over TLS or not.
 */
final class NettyTransport {

    private NettyTransport() {
    }

    /**
     * Listens for the plaintext exchange: each new connection's pipeline is the handlers {@code protocol} makes
     * from the response body, which all connections share, behind an {@code SslHandler} when {@code ssl} is not
     * null.
     */
    static AutoCloseable servePlaintext(int port, SslContext ssl, Function<ByteBuf, ChannelHandler[]> protocol)
            throws InterruptedException {
        ByteBuf body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(13).writeBytes(Plaintext.body()));
        return serve(port, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (ssl != null) {
                    ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(protocol.apply(body));
            }
        });
    }

    /**
     * TLS for a Netty peer, from the certificate chain and key: the JDK's SSLEngine (as Wisp uses) with Netty's
     * defaults for it; a peer may add to the builder (ALPN) before it builds.
     */
    static SslContextBuilder jdkTls(PeerLauncher.TlsFiles tls) {
        return SslContextBuilder.forServer(tls.chain().toFile(), tls.key().toFile()).sslProvider(SslProvider.JDK);
    }

    /** Listens on {@code 127.0.0.1:port}, each new connection's pipeline set up by the initializer. */
    static AutoCloseable serve(int port, ChannelInitializer<SocketChannel> pipeline) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory());
        Channel channel = new ServerBootstrap()
                .group(loop)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(pipeline)
                .bind(new InetSocketAddress(Plaintext.HOST, port))
                .sync()
                .channel();
        return () -> {
            channel.close().syncUninterruptibly();
            loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        };
    }
}

package dev.wisp.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * How every Netty peer listens: native epoll when the platform has it (NIO otherwise), one event loop thread that
 * both accepts and serves (the usual best setup for one core), backlog 1024, {@code TCP_NODELAY} on, the default
 * pooled allocator.
 */
final class NettyTransport {

    private NettyTransport() {
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

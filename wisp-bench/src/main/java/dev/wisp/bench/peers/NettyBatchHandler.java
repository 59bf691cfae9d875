package dev.wisp.bench.peers;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler of a Netty peer's pipeline: it writes its answers without flushing and flushes once per read
 * batch, so several answers read together leave in one write; a failure closes the connection.
 */
abstract class NettyBatchHandler extends ChannelInboundHandlerAdapter {

    @Override
    public final void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

package dev.wisp.client.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * The C socket addresses the native sockets connect and bind to, laid out as Linux declares them: the family in
 * native byte order, the port and the address in network order.
 * <pre>
 * struct sockaddr_un  { sa_family_t sun_family; char sun_path[108]; }                            110 bytes
 * struct sockaddr_in  { sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr;      16 bytes
 *                       unsigned char sin_zero[8]; }
 * struct sockaddr_in6 { sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo;    28 bytes
 *                       struct in6_addr sin6_addr; uint32_t sin6_scope_id; }
 * </pre>
 */
final class Sockaddr {
    /** {@code sun_path}'s size but the leading NUL that makes a name abstract. */
    static final int MAX_ABSTRACT_NAME_BYTES = 107;
    /** The largest of the IP addresses, big enough for what {@code getsockname} returns. */
    static final int MAX_IP_BYTES = 28;

    private static final int IN_BYTES = 16;
    private static final int IN6_BYTES = 28;
    /** The port, and the address after it, are big-endian whatever the machine's order. */
    private static final java.lang.foreign.ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private Sockaddr() {
    }

    /**
     * An abstract Unix socket name: {@code | AF_UNIX | 0 | name ... |}, its length 2 + 1 + the name's bytes, with
     * no trailing NUL (the kernel takes every byte of the given length as the name).
     */
    static MemorySegment abstractUnix(byte[] name, Arena arena) {
        MemorySegment address = arena.allocate(2 + 1 + name.length, 2);
        address.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(name, 0, address, JAVA_BYTE, 3, name.length);
        return address;
    }

    /** The family ({@code AF_INET} or {@code AF_INET6}) of the address. */
    static int family(InetAddress address) {
        return address instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET;
    }

    /** A {@code sockaddr_in} or {@code sockaddr_in6}, by the address's family; its size is the length to pass. */
    static MemorySegment ip(InetSocketAddress socketAddress, Arena arena) {
        InetAddress address = socketAddress.getAddress();
        byte[] bytes = address.getAddress();
        boolean v6 = bytes.length == 16;
        MemorySegment segment = arena.allocate(v6 ? IN6_BYTES : IN_BYTES, 4);
        segment.set(JAVA_SHORT, 0, (short) (v6 ? Libc.AF_INET6 : Libc.AF_INET));
        segment.set(PORT, 2, (short) socketAddress.getPort());
        MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, v6 ? 8 : 4, bytes.length);
        if (v6) {
            segment.set(JAVA_INT, 24, ((Inet6Address) address).getScopeId());
        }
        return segment;
    }

    /** The IP address in a {@code sockaddr_in} or {@code sockaddr_in6}, as {@code getsockname} wrote it. */
    static InetSocketAddress ip(MemorySegment segment) {
        boolean v6 = segment.get(JAVA_SHORT, 0) == Libc.AF_INET6;
        int port = Short.toUnsignedInt(segment.get(PORT, 2));
        byte[] bytes = segment.asSlice(v6 ? 8 : 4, v6 ? 16 : 4).toArray(JAVA_BYTE);
        int scope = v6 ? segment.get(JAVA_INT, 24) : 0;
        try {
            return new InetSocketAddress(scope != 0 ? Inet6Address.getByAddress(null, bytes, scope)
                    : InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the kernel returned an address of " + bytes.length + " bytes", e);
        }
    }
}

package dev.wisp.client.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library's socket calls that the client's native sockets need (an abstract Unix socket, a TCP socket with
 * {@code SO_PRIORITY}), through the Foreign Function and Memory API.
 * Each returns what the call returns, or the negated {@code errno} when it fails, so callers test the sign and
 * allocate nothing for an error they expect ({@code EAGAIN}, {@code EINTR}).
 *
 * <p>The constants are Linux's, the same on x86-64, AArch64 and RISC-V (the generic ABI; only Alpha, MIPS, PA-RISC
 * and SPARC differ).
 *
 * <p>Linking a C function and reading the C string {@code strerror} returns are restricted methods: this class is
 * where the client uses them, with the layouts the C library declares, and the only place.
 */
@SuppressWarnings("restricted")
final class Libc {
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_DONTWAIT = 0x40;
    /** Without it a write to a socket the peer closed raises SIGPIPE, which ends the JVM. */
    static final int MSG_NOSIGNAL = 0x4000;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int SO_PRIORITY = 12;
    static final int SO_REUSEADDR = 2;
    static final int IPPROTO_IP = 0;
    static final int IP_TOS = 1;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_TCLASS = 67;
    /** {@code ioctl} request that sets a descriptor non-blocking (non-zero) or blocking (zero). */
    static final long FIONBIO = 0x5421;
    /** {@code ioctl} request that counts the bytes a descriptor holds to be read. */
    static final long FIONREAD = 0x541B;
    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ECONNREFUSED = 111;
    static final int EINPROGRESS = 115;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** {@code struct pollfd}: the descriptor, the events asked for, the events returned. */
    private static final StructLayout POLLFD = MemoryLayout.structLayout(JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    private static final MethodHandle SOCKET = call("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_INT));
    private static final MethodHandle CONNECT = call("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            JAVA_INT));
    private static final MethodHandle BIND = call("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            JAVA_INT));
    private static final MethodHandle GETSOCKNAME = call("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
            ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = call("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = call("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    /** {@code int ioctl(int fd, unsigned long request, ...)}: variadic after the request, here an {@code int *}. */
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle RECV = call("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
            JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = call("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
            JAVA_LONG, JAVA_INT));
    private static final MethodHandle POLL = call("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG,
            JAVA_INT));
    private static final MethodHandle SHUTDOWN = call("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
            JAVA_INT));
    private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    /** A call whose {@code errno} is captured: its handle takes the capture segment first. */
    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    static int socket(int domain, int type, int protocol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (Throwable e) {
            throw failed("socket", e);
        }
    }

    static int connect(int fd, MemorySegment address, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) CONNECT.invokeExact(state, fd, address, length), state);
        } catch (Throwable e) {
            throw failed("connect", e);
        }
    }

    static int bind(int fd, MemorySegment address, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) BIND.invokeExact(state, fd, address, length), state);
        } catch (Throwable e) {
            throw failed("bind", e);
        }
    }

    /** Writes the socket's own address into {@code address}, which must hold a {@code sockaddr_in6}; 0 or -errno. */
    static int getsockname(int fd, MemorySegment address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) address.byteSize());
            return (int) result((int) GETSOCKNAME.invokeExact(state, fd, address, length), state);
        } catch (Throwable e) {
            throw failed("getsockname", e);
        }
    }

    /** Sets an {@code int} option: 0, or -errno. */
    static int setsockopt(int fd, int level, int name, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment option = arena.allocateFrom(JAVA_INT, value);
            return (int) result((int) SETSOCKOPT.invokeExact(state, fd, level, name, option, (int) JAVA_INT.byteSize()),
                    state);
        } catch (Throwable e) {
            throw failed("setsockopt", e);
        }
    }

    /** Reads an {@code int} option: its value (never negative for the options read here), or -errno. */
    static int getsockopt(int fd, int level, int name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment option = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
            int result = (int) result((int) GETSOCKOPT.invokeExact(state, fd, level, name, option, length), state);
            return result < 0 ? result : option.get(JAVA_INT, 0);
        } catch (Throwable e) {
            throw failed("getsockopt", e);
        }
    }

    /** Makes the descriptor non-blocking, or blocking again: 0, or -errno. */
    static int setNonBlocking(int fd, boolean nonBlocking) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment on = arena.allocateFrom(JAVA_INT, nonBlocking ? 1 : 0);
            return (int) result((int) IOCTL.invokeExact(state, fd, FIONBIO, on), state);
        } catch (Throwable e) {
            throw failed("ioctl", e);
        }
    }

    /** How many bytes the descriptor holds to be read, or -errno. */
    static int bytesReadable(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment count = arena.allocate(JAVA_INT);
            int result = (int) result((int) IOCTL.invokeExact(state, fd, FIONREAD, count), state);
            return result < 0 ? result : count.get(JAVA_INT, 0);
        } catch (Throwable e) {
            throw failed("ioctl", e);
        }
    }

    static long recv(int fd, MemorySegment buffer, long length, int flags) {
        return transfer(RECV, "recv", fd, buffer, length, flags);
    }

    static long send(int fd, MemorySegment buffer, long length, int flags) {
        return transfer(SEND, "send", fd, buffer, length, flags);
    }

    /** {@code recv} or {@code send}, which take the same arguments. */
    private static long transfer(MethodHandle handle, String name, int fd, MemorySegment buffer, long length,
            int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return result((long) handle.invokeExact(state, fd, buffer, length, flags), state);
        } catch (Throwable e) {
            throw failed(name, e);
        }
    }

    /**
     * Waits at most this long (-1: without end) for the descriptor to be ready for the events ({@link #POLLIN},
     * {@link #POLLOUT}): 1 if it is (or has an error or hang-up to report), 0 if not.
     */
    static int poll(int fd, short events, int millis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment pollfd = arena.allocate(POLLFD);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, events);
            return (int) result((int) POLL.invokeExact(state, pollfd, 1L, millis), state);
        } catch (Throwable e) {
            throw failed("poll", e);
        }
    }

    static int shutdown(int fd, int how) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) SHUTDOWN.invokeExact(state, fd, how), state);
        } catch (Throwable e) {
            throw failed("shutdown", e);
        }
    }

    static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) result((int) CLOSE.invokeExact(state, fd), state);
        } catch (Throwable e) {
            throw failed("close", e);
        }
    }

    /** The C library's text for an error number, such as "Connection refused". */
    static String message(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable e) {
            throw failed("strerror", e);
        }
    }

    private static long result(long returned, MemorySegment state) {
        return returned >= 0 ? returned : -(int) ERRNO.get(state, 0L);
    }

    /** A downcall throws only what the JVM does (out of memory, a linkage error): nothing to handle here. */
    private static RuntimeException failed(String call, Throwable e) {
        if (e instanceof Error error) {
            throw error;
        }
        return e instanceof RuntimeException runtime ? runtime : new IllegalStateException(call + " failed", e);
    }
}

package dev.wisp.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command in a network namespace of its own where the Linux socket priority ({@code SO_PRIORITY}) of a
 * client's connections can be read back two ways, both by a python3 peer listening on {@code 127.0.0.1} and
 * {@code ::1}, port {@link #PORT}:
 * <ul>
 *   <li><b>on the client's own socket</b>: on each accepted connection the peer finds the client's descriptor (the
 *       socket whose {@code /proc/net/tcp} line has the connection's ports, among the descriptors of the processes
 *       in the namespace), takes a copy of it with {@code pidfd_getfd(2)} and reads {@code getsockopt(SOL_SOCKET,
 *       SO_PRIORITY)} on it;</li>
 *   <li><b>on the wire</b>: a packet socket on {@code lo} with an eBPF socket filter that keeps {@code 1 +
 *       skb->priority} bytes of each packet, so the length read is the priority the kernel queued the packet
 *       with, for every packet sent in the namespace.</li>
 * </ul>
 * To every HTTP/1.1 request it answers {@code 200} with the body {@code SO_PRIORITY <n>, on the wire [<p>, ...]}:
 * the client's socket option, then the priorities of the packets sent since the peer last answered: this
 * connection's handshake and request, both ways, and the last packets of the connection before (its FIN and ACKs,
 * sent after that answer). The peer's own packets have priority 0, so 0 is always among them; a client that puts a
 * connection without a priority between two it measures keeps one measured connection's last packets out of the
 * next one's figures.
 *
 * <p>A {@code prio} queueing discipline with its per-band counters would show the priority's effect, but a kernel
 * built without {@code CONFIG_NET_SCH_PRIO} (the machines these tests were written on have none) cannot have one,
 * and a classic BPF filter cannot read the priority; the eBPF filter needs only {@code CONFIG_BPF_SYSCALL}, and
 * reads the value itself rather than the band it selects.
 *
 * <p>Making a namespace, loading the filter and copying another process's descriptor take root; without it the
 * test is skipped, or fails in CI. The peer is stopped by its process id when the command ends, and by itself after
 * a minute with no connection.
 */
public final class PriorityObservingNamespace {
    /** The peer's port; the namespace is new, so nothing else holds it. */
    public static final int PORT = 8000;

    private static final String PEER = NetworkNamespace.READ_HEAD + """
            import ctypes, os, platform, select, socket, struct, sys
            libc = ctypes.CDLL(None, use_errno=True)
            libc.syscall.restype = ctypes.c_long
            BPF = {"x86_64": 321, "aarch64": 280}[platform.machine()]
            PIDFD_GETFD = 438

            def priority_sniffer():
                instructions = (struct.pack("<BBhi", 0x61, 0x10, 32, 0)  # r0 = ((struct __sk_buff *) r1)->priority
                        + struct.pack("<BBhi", 0x07, 0x00, 0, 1)         # r0 += 1: bytes to keep (0 drops)
                        + struct.pack("<BBhi", 0x95, 0x00, 0, 0))        # exit
                code = ctypes.create_string_buffer(instructions)
                license = ctypes.create_string_buffer(b"GPL")
                # union bpf_attr for BPF_PROG_LOAD: prog_type SOCKET_FILTER, insn_cnt, insns, license; zeros after
                attr = ctypes.create_string_buffer(struct.pack("<IIQQ", 1, 3, ctypes.addressof(code),
                        ctypes.addressof(license)), 128)
                program = libc.syscall(BPF, 5, attr, 128)
                if program < 0:
                    raise OSError(ctypes.get_errno(), "bpf(BPF_PROG_LOAD)")
                sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
                sniffer.setsockopt(socket.SOL_SOCKET, 50, program)  # SO_ATTACH_BPF
                sniffer.bind(("lo", 0))
                sniffer.setblocking(False)
                return sniffer

            def sent_priorities(sniffer):
                seen = set()
                while True:
                    try:
                        data, address = sniffer.recvfrom(64)
                    except BlockingIOError:
                        return sorted(seen)
                    if address[2] == socket.PACKET_OUTGOING:
                        seen.add(len(data) - 1)

            def client_priority(connection):
                port = connection.getpeername()[1]
                inodes = []
                for table in ("/proc/net/tcp", "/proc/net/tcp6"):  # a JDK socket is IPv6 even to an IPv4 peer
                    with open(table) as lines:
                        inodes += [fields[9] for fields in (line.split() for line in list(lines)[1:])
                                if int(fields[1].split(":")[1], 16) == port and int(fields[2].split(":")[1], 16) == %d]
                if not inodes:
                    return "not found"
                namespace = os.readlink("/proc/self/ns/net")
                for pid in filter(str.isdigit, os.listdir("/proc")):
                    try:
                        if os.readlink("/proc/" + pid + "/ns/net") != namespace:
                            continue
                        for fd in os.listdir("/proc/" + pid + "/fd"):
                            if os.readlink("/proc/" + pid + "/fd/" + fd) == "socket:[" + inodes[0] + "]":
                                pidfd = os.pidfd_open(int(pid))
                                copy = libc.syscall(PIDFD_GETFD, pidfd, int(fd), 0)
                                os.close(pidfd)
                                if copy < 0:
                                    return "unreadable: " + os.strerror(ctypes.get_errno())
                                with socket.socket(fileno=copy) as theirs:
                                    return str(theirs.getsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY))
                    except (FileNotFoundError, ProcessLookupError, PermissionError):
                        continue
                return "not found"

            sniffer = priority_sniffer()
            servers = []
            for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
                server = socket.socket(family)
                server.bind((host, %d))
                server.listen(16)
                servers.append(server)
            child = os.fork()
            if child:
                print(child)
                sys.exit(0)
            os.dup2(os.open(os.devnull, os.O_RDWR), 1)
            while True:
                ready, _, _ = select.select(servers, [], [], 60)
                if not ready:
                    sys.exit(0)
                connection, _ = ready[0].accept()
                connection.settimeout(10)
                option = client_priority(connection)
                read_head(connection)
                body = ("SO_PRIORITY " + option + ", on the wire " + str(sent_priorities(sniffer))).encode()
                connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: " + str(len(body)).encode()
                        + b"\\r\\nConnection: close\\r\\n\\r\\n" + body)
                connection.close()
            """.formatted(PORT, PORT);

    private PriorityObservingNamespace() {
    }

    /**
     * Runs the command inside a new namespace with the peer listening, to its end.
     *
     * @throws AssertionError if the namespace or the peer cannot be set up, or the command outlives the timeout
     */
    public static PeerTools.Result run(Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        return NetworkNamespace.run(timeout, "ip link set lo up", PEER, command);
    }
}

package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Resolver;
import dev.wisp.client.RetryPolicy;
import dev.wisp.client.SocketOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The connection flags of {@code wisp get} and {@code wisp ws}: {@code --unix-socket PATH} and
 * {@code --abstract-unix-socket NAME} (a Linux abstract name) replace TCP, {@code --interface ADDR} and
 * {@code --local-port N} bind the socket, {@code --ip-tos} sets the IP type of service, {@code --resolve} pins a host
 * and port to addresses, {@code -4}/{@code -6} keep to one address family, {@code --retry N} retries a refused or
 * failed connection up to N times with exponential backoff and jitter from 1 s (curl's start), at most 10 minutes a
 * wait. The proxy options are {@link ProxyOptions}.
 */
final class SocketFlags {
    static final List<Option> OPTIONS = List.of(
            new Option("--unix-socket", null, "PATH", "connect to this Unix domain socket instead of host and port"),
            new Option("--abstract-unix-socket", null, "NAME", "connect to the Unix domain socket with this Linux"
                    + " abstract name instead of host and port"),
            new Option("--interface", null, "ADDR", "bind the socket to this local IP address"),
            new Option("--local-port", null, "N", "bind the socket to this local port"),
            new Option("--ip-tos", null, "TOS", "IP type of service: lowdelay, throughput, reliability, lowcost or"
                    + " a number 0-255"),
            new Option("--resolve", null, "HOST:PORT:ADDR[,ADDR]", "connect to these addresses for HOST:PORT"
                    + " (repeatable)"),
            new Option("--connect-to", null, "HOST1:PORT1:HOST2:PORT2", "for a request to HOST1:PORT1 connect to"
                    + " HOST2:PORT2 instead, TLS and Host still for HOST1 (empty parts: any, or the URL's;"
                    + " repeatable)"),
            new Option("--ipv4", "-4", null, "connect to IPv4 addresses only"),
            new Option("--ipv6", "-6", null, "connect to IPv6 addresses only"),
            new Option("--retry", null, "N", "retry a refused or failed connection N times, backing off from 1 s"));

    private SocketFlags() {
    }

    /** curl's {@code --ip-tos}: the RFC 1349 names (MINCOST for LOWCOST as curl allows) or a number. */
    private static void typeOfService(String value, SocketOptions.Builder options) throws UsageException {
        switch (value.toUpperCase(java.util.Locale.ROOT)) {
            case "LOWDELAY" -> options.typeOfService(SocketOptions.TypeOfService.LOW_DELAY);
            case "THROUGHPUT" -> options.typeOfService(SocketOptions.TypeOfService.THROUGHPUT);
            case "RELIABILITY" -> options.typeOfService(SocketOptions.TypeOfService.RELIABILITY);
            case "LOWCOST", "MINCOST" -> options.typeOfService(SocketOptions.TypeOfService.LOW_COST);
            default -> {
                try {
                    options.typeOfService(Integer.decode(value));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("option --ip-tos takes lowdelay, throughput, reliability, lowcost or"
                            + " a number 0-255: '" + value + "'");
                }
            }
        }
    }

    /** An IP address literal, never a name to look up. */
    private static InetAddress ipAddress(String literal, String refusal) throws UsageException {
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new UsageException(refusal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new UsageException(refusal);
        }
    }

    /** curl's {@code --resolve HOST:PORT:ADDR[,ADDR]...}; an IPv6 address may be in brackets. */
    private static Resolver resolver(List<String> entries) throws UsageException {
        Map<String, List<InetAddress>> fixed = new HashMap<>();
        for (String entry : entries) {
            String[] parts = entry.split(":", 3);
            if (parts.length < 3 || parts[0].isEmpty() || !parts[1].matches("\\d{1,5}") || parts[2].isEmpty()) {
                throw new UsageException("option --resolve takes HOST:PORT:ADDRESS[,ADDRESS]: '" + entry + "'");
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (String literal : parts[2].split(",")) {
                String bare = literal.startsWith("[") && literal.endsWith("]")
                        ? literal.substring(1, literal.length() - 1) : literal;
                addresses.add(ipAddress(bare, "option --resolve: not an IP address: '" + literal + "'"));
            }
            fixed.put(parts[0] + ":" + Integer.parseInt(parts[1]), addresses);
        }
        return Resolver.fixed(fixed, Resolver.SYSTEM);
    }

    static void apply(Arguments parsed, ClientConfig.Builder config) throws UsageException {
        SocketOptions.Builder options = SocketOptions.builder();
        parsed.value("--unix-socket").ifPresent(path -> options.unixSocket(Path.of(path)));
        parsed.value("--abstract-unix-socket").ifPresent(options::abstractUnixSocket);
        if (parsed.has("--interface")) {
            String address = parsed.value("--interface").orElseThrow();
            options.localAddress(ipAddress(address, "option --interface takes an IP address (no interface names): '"
                    + address + "'"));
        }
        options.localPort(parsed.intValue("--local-port", 0, 1, 65535));
        if (parsed.has("--ip-tos")) {
            typeOfService(parsed.value("--ip-tos").orElseThrow(), options);
        }
        if (parsed.has("--ipv4") && parsed.has("--ipv6")) {
            throw new UsageException("options -4 and -6 exclude each other");
        }
        if (parsed.has("--ipv4") || parsed.has("--ipv6")) {
            options.ipPreference(parsed.has("--ipv4") ? SocketOptions.IpPreference.IPV4_ONLY
                    : SocketOptions.IpPreference.IPV6_ONLY);
        }
        try {
            config.socketOptions(options.build());
        } catch (IllegalArgumentException e) {
            throw new UsageException("option " + (parsed.has("--abstract-unix-socket") ? "--abstract-unix-socket"
                    : "--unix-socket") + ": " + e.getMessage());
        }
        if (parsed.has("--resolve")) {
            config.resolver(resolver(parsed.values("--resolve")));
        }
        if (parsed.has("--connect-to")) {
            config.connectTarget(ConnectToOption.rules(parsed.values("--connect-to")));
        }
        int retries = parsed.intValue("--retry", 0, 0, 1000);
        if (retries > 0) {
            config.retryPolicy(RetryPolicy.exponential(retries, Duration.ofSeconds(1), Duration.ofMinutes(10)));
        }
    }
}

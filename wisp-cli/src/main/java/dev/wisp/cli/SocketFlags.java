package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.ProxyConfig;
import dev.wisp.client.RetryPolicy;
import dev.wisp.client.SocketOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The connection flags of {@code wisp get}: {@code --unix-socket PATH} replaces TCP, {@code --interface ADDR} and {@code --local-port N} bind the socket,
 * {@code -4}/{@code -6} keep to one address family, {@code --retry N} retries a refused or failed connection up
 * to N times with exponential backoff and jitter from 1 s (curl's start), at most 10 minutes a wait;
 * {@code -x URL} goes through an HTTP proxy (port 1080 unless given, as curl), {@code -U} gives its credentials.
 */
final class SocketFlags {
    static final List<Option> OPTIONS = List.of(
            new Option("--unix-socket", null, "PATH", "connect to this Unix domain socket instead of host and port"),
            new Option("--interface", null, "ADDR", "bind the socket to this local IP address"),
            new Option("--local-port", null, "N", "bind the socket to this local port"),
            new Option("--ipv4", "-4", null, "connect to IPv4 addresses only"),
            new Option("--ipv6", "-6", null, "connect to IPv6 addresses only"),
            new Option("--retry", null, "N", "retry a refused or failed connection N times, backing off from 1 s"),
            new Option("--proxy", "-x", "URL", "go through the HTTP proxy http://[user:password@]host[:port]"),
            new Option("--proxy-user", "-U", "USER:PASSWORD", "Basic credentials for the proxy"));

    private SocketFlags() {
    }

    private static ProxyConfig proxy(Arguments parsed) throws UsageException {
        try {
            ProxyConfig proxy = ProxyConfig.of(parsed.value("--proxy").orElseThrow());
            if (parsed.has("--proxy-user")) {
                String pair = parsed.value("--proxy-user").orElseThrow();
                int colon = pair.indexOf(':');
                if (colon < 0) {
                    throw new UsageException("option --proxy-user needs USER:PASSWORD");
                }
                proxy = proxy.withCredentials(pair.substring(0, colon), pair.substring(colon + 1));
            }
            return proxy;
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --proxy: " + e.getMessage());
        }
    }

    static void apply(Arguments parsed, ClientConfig.Builder config) throws UsageException {
        SocketOptions.Builder options = SocketOptions.builder();
        parsed.value("--unix-socket").ifPresent(path -> options.unixSocket(Path.of(path)));
        if (parsed.has("--interface")) {
            String address = parsed.value("--interface").orElseThrow();
            if (!address.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new UsageException("option --interface takes an IP address (no interface names): '"
                        + address + "'");
            }
            try {
                options.localAddress(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                throw new UsageException("option --interface: not an IP address: '" + address + "'");
            }
        }
        options.localPort(parsed.intValue("--local-port", 0, 1, 65535));
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
            throw new UsageException("option --unix-socket: " + e.getMessage());
        }
        if (parsed.has("--proxy")) {
            config.proxy(proxy(parsed));
        }
        int retries = parsed.intValue("--retry", 0, 0, 1000);
        if (retries > 0) {
            config.retryPolicy(RetryPolicy.exponential(retries, Duration.ofSeconds(1), Duration.ofMinutes(10)));
        }
    }
}

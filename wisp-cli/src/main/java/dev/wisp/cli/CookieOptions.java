package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.CookieJar;
import dev.wisp.client.Request;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The cookie flags of {@code wisp get}, as curl has them: {@code -b NAME=VALUE} sends that Cookie field,
 * {@code -b FILE} loads a Netscape cookies.txt into a jar that the request and its redirects use (none if there is
 * no such file yet; {@code -b ''} the jar alone), and
 * {@code -c FILE} keeps a jar and writes it to the file after the transfer.
 */
final class CookieOptions {
    static final List<Option> OPTIONS = List.of(
            new Option("--cookie", "-b", "DATA|FILE", "send NAME=VALUE[; ...] as Cookie, or cookies from FILE"),
            new Option("--cookie-jar", "-c", "FILE", "keep cookies and write them to FILE (Netscape format)"));

    private CookieOptions() {
    }

    /** A cookie file that could not be read. */
    static final class CookieFileException extends IOException {
        CookieFileException(String message) {
            super(message);
        }
    }

    /**
     * Sets up the jar when -b names a file or -c is given, and adds a -b cookie string to the request.
     *
     * @return the jar, or null when there is none
     */
    static CookieJar apply(Arguments parsed, ClientConfig.Builder config, Request.Builder request)
            throws CookieFileException, UsageException {
        CookieJar jar = parsed.has("--cookie-jar") ? CookieJar.create() : null;
        for (String cookie : parsed.values("--cookie")) {
            if (cookie.contains("=")) {
                try {
                    request.header("Cookie", ArgumentBytes.fieldValue(cookie));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("option --cookie: " + e.getMessage());
                }
                continue;
            }
            jar = jar == null ? CookieJar.create() : jar;
            if (cookie.isEmpty()) {
                continue; // as curl's -b '': cookies kept across redirects, none read
            }
            try {
                CookieJar.load(Path.of(cookie)).cookies().forEach(jar::add);
            } catch (NoSuchFileException e) {
                // As curl: a jar's first run (-b jar -c jar) reads none, and the cookies are kept all the same.
            } catch (IOException e) {
                throw new CookieFileException("cannot read cookie file " + cookie + ": " + e.getMessage());
            }
        }
        if (jar != null) {
            config.cookieJar(jar);
        }
        return jar;
    }

    /** Writes the jar to the -c file, if one was given; a failure is a warning, as curl gives. */
    static void save(Arguments parsed, CookieJar jar, PrintStream err, boolean silent) {
        if (jar == null || !parsed.has("--cookie-jar")) {
            return;
        }
        String file = parsed.value("--cookie-jar").orElseThrow();
        try {
            jar.save(Path.of(file));
        } catch (IOException e) {
            if (!silent) {
                err.println("wisp get: warning: cannot write cookies to " + file + ": " + e.getMessage());
            }
        }
    }
}

package dev.wisp.cli;

import dev.wisp.core.Headers;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Version;

/**
 * A message head as the text HTTP/1.1 gives it, which curl shows and counts for either version: the status or request
 * line, each field as {@code Name: value}, CRLF after each and after the last. What {@code -i} and {@code -D} print and
 * what {@code -w}'s {@code size_header} and {@code size_request} count. HTTP/2 has no reason phrase (RFC 9113 §8.3.2):
 * its status line is the version and the code with a space after it, as curl writes it.
 */
final class HeadText {
    private HeadText() {
    }

    static String of(ResponseHead head) {
        StringBuilder text = new StringBuilder(head.version().text()).append(' ')
                .append(head.version() == Version.HTTP_2 ? head.status().code() + " " : head.status())
                .append("\r\n");
        return fields(text, head.headers());
    }

    static String of(RequestHead head) {
        StringBuilder text = new StringBuilder(head.method().toString()).append(' ').append(head.target().raw())
                .append(' ').append(head.version().text()).append("\r\n");
        return fields(text, head.headers());
    }

    private static String fields(StringBuilder text, Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            text.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
        }
        return text.append("\r\n").toString();
    }
}

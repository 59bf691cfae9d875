package dev.wisp.client;

import dev.wisp.core.Authority;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.PercentEncoding;
import java.net.URI;
import java.net.URISyntaxException;

/** The userinfo of a request URI: turned into credentials, then removed so it is never sent or shown. */
final class UserInfo {
    private UserInfo() {
    }

    /**
     * Basic credentials from {@code user[:password]}, percent-decoded.
     *
     * @throws IllegalArgumentException if the percent-encoding is broken
     */
    static Credentials credentials(String rawUserInfo) {
        int colon = rawUserInfo.indexOf(':');
        String user = colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon);
        String password = colon < 0 ? "" : rawUserInfo.substring(colon + 1);
        try {
            return Credentials.basic(PercentEncoding.decode(user, false), PercentEncoding.decode(password, false));
        } catch (MalformedMessageException e) {
            throw new IllegalArgumentException("URI userinfo is not valid percent-encoding");
        }
    }

    /** The URI without userinfo and fragment; the same URI if it has neither. */
    static URI strip(URI uri) {
        if (Authority.rawUserInfoOf(uri) == null && uri.getRawFragment() == null) {
            return uri;
        }
        StringBuilder text = new StringBuilder(uri.getScheme()).append("://").append(Authority.hostAndPortOf(uri));
        if (uri.getRawPath() != null) {
            text.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            text.append('?').append(uri.getRawQuery());
        }
        try {
            return new URI(text.toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("URI without its userinfo is not valid: " + e.getMessage());
        }
    }
}

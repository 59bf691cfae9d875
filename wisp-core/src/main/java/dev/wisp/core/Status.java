package dev.wisp.core;

/**
 * An HTTP response status code with its reason phrase (RFC 9110 §15). The registered codes are constants, and
 * {@link #of(int)} returns them; other codes in 100..999 get the reason phrase of their class.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Status {
    public static final Status CONTINUE = new Status(100, "Continue");
    public static final Status SWITCHING_PROTOCOLS = new Status(101, "Switching Protocols");
    public static final Status OK = new Status(200, "OK");
    public static final Status CREATED = new Status(201, "Created");
    public static final Status ACCEPTED = new Status(202, "Accepted");
    public static final Status NO_CONTENT = new Status(204, "No Content");
    public static final Status PARTIAL_CONTENT = new Status(206, "Partial Content");
    public static final Status MOVED_PERMANENTLY = new Status(301, "Moved Permanently");
    public static final Status FOUND = new Status(302, "Found");
    public static final Status SEE_OTHER = new Status(303, "See Other");
    public static final Status NOT_MODIFIED = new Status(304, "Not Modified");
    public static final Status TEMPORARY_REDIRECT = new Status(307, "Temporary Redirect");
    public static final Status PERMANENT_REDIRECT = new Status(308, "Permanent Redirect");
    public static final Status BAD_REQUEST = new Status(400, "Bad Request");
    public static final Status UNAUTHORIZED = new Status(401, "Unauthorized");
    public static final Status FORBIDDEN = new Status(403, "Forbidden");
    public static final Status NOT_FOUND = new Status(404, "Not Found");
    public static final Status METHOD_NOT_ALLOWED = new Status(405, "Method Not Allowed");
    public static final Status NOT_ACCEPTABLE = new Status(406, "Not Acceptable");
    public static final Status REQUEST_TIMEOUT = new Status(408, "Request Timeout");
    public static final Status CONFLICT = new Status(409, "Conflict");
    public static final Status GONE = new Status(410, "Gone");
    public static final Status LENGTH_REQUIRED = new Status(411, "Length Required");
    public static final Status PRECONDITION_FAILED = new Status(412, "Precondition Failed");
    public static final Status CONTENT_TOO_LARGE = new Status(413, "Content Too Large");
    public static final Status URI_TOO_LONG = new Status(414, "URI Too Long");
    public static final Status UNSUPPORTED_MEDIA_TYPE = new Status(415, "Unsupported Media Type");
    public static final Status RANGE_NOT_SATISFIABLE = new Status(416, "Range Not Satisfiable");
    public static final Status EXPECTATION_FAILED = new Status(417, "Expectation Failed");
    public static final Status UPGRADE_REQUIRED = new Status(426, "Upgrade Required");
    public static final Status TOO_MANY_REQUESTS = new Status(429, "Too Many Requests");
    public static final Status REQUEST_HEADER_FIELDS_TOO_LARGE = new Status(431, "Request Header Fields Too Large");
    public static final Status INTERNAL_SERVER_ERROR = new Status(500, "Internal Server Error");
    public static final Status NOT_IMPLEMENTED = new Status(501, "Not Implemented");
    public static final Status BAD_GATEWAY = new Status(502, "Bad Gateway");
    public static final Status SERVICE_UNAVAILABLE = new Status(503, "Service Unavailable");
    public static final Status GATEWAY_TIMEOUT = new Status(504, "Gateway Timeout");
    public static final Status HTTP_VERSION_NOT_SUPPORTED = new Status(505, "HTTP Version Not Supported");
    /** The server cannot store what the request needs stored, for now (RFC 4918 §11.5): a full disk. */
    public static final Status INSUFFICIENT_STORAGE = new Status(507, "Insufficient Storage");

    private static final Status[] REGISTERED = {
        CONTINUE, SWITCHING_PROTOCOLS, OK, CREATED, ACCEPTED, NO_CONTENT, PARTIAL_CONTENT, MOVED_PERMANENTLY, FOUND,
        SEE_OTHER, NOT_MODIFIED, TEMPORARY_REDIRECT, PERMANENT_REDIRECT, BAD_REQUEST, UNAUTHORIZED, FORBIDDEN,
        NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE, REQUEST_TIMEOUT, CONFLICT, GONE, LENGTH_REQUIRED,
        PRECONDITION_FAILED, CONTENT_TOO_LARGE, URI_TOO_LONG, UNSUPPORTED_MEDIA_TYPE, RANGE_NOT_SATISFIABLE,
        EXPECTATION_FAILED, UPGRADE_REQUIRED, TOO_MANY_REQUESTS, REQUEST_HEADER_FIELDS_TOO_LARGE,
        INTERNAL_SERVER_ERROR, NOT_IMPLEMENTED, BAD_GATEWAY, SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT,
        HTTP_VERSION_NOT_SUPPORTED, INSUFFICIENT_STORAGE,
    };
    private static final Status[] BY_CODE = new Status[600];

    static {
        for (Status status : REGISTERED) {
            BY_CODE[status.code] = status;
        }
    }

    private final int code;
    private final String reason;

    private Status(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    /**
     * Returns the status for a code: the registered constant, or a status with the generic reason of its class.
     *
     * @throws IllegalArgumentException if the code is not three digits (100..999)
     */
    public static Status of(int code) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status code must be 100..999: " + code);
        }
        if (code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        return new Status(code, classReason(code));
    }

    /**
     * Returns a status with a custom reason phrase.
     *
     * @throws IllegalArgumentException if the code is out of range or the reason holds CR, LF or other controls
     */
    public static Status of(int code, String reason) {
        Status status = of(code);
        if (!HeaderValidation.isFieldValue(reason)) {
            throw new IllegalArgumentException("reason phrase has forbidden characters: '" + Ascii.escape(reason)
                    + "'");
        }
        return reason.equals(status.reason) ? status : new Status(code, reason);
    }

    private static String classReason(int code) {
        return switch (code / 100) {
            case 1 -> "Informational";
            case 2 -> "Success";
            case 3 -> "Redirection";
            case 4 -> "Client Error";
            case 5 -> "Server Error";
            default -> "Unknown";
        };
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** 1xx: an interim response; the final response follows. */
    public boolean isInformational() {
        return code < 200;
    }

    public boolean isSuccess() {
        return code >= 200 && code < 300;
    }

    public boolean isRedirection() {
        return code >= 300 && code < 400;
    }

    public boolean isClientError() {
        return code >= 400 && code < 500;
    }

    public boolean isServerError() {
        return code >= 500 && code < 600;
    }

    /** RFC 9110 §6.4.1: 1xx, 204 and 304 responses never carry content, whatever their headers say. */
    public boolean allowsContent() {
        return code >= 200 && code != 204 && code != 304;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Status status && status.code == code && status.reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return code;
    }

    @Override
    public String toString() {
        return code + " " + reason;
    }
}

package dev.wisp.server.forms;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MediaType;
import dev.wisp.core.UnsupportedMediaTypeException;
import dev.wisp.server.ServerRequest;

/** Checks that a request's Content-Type is the form type a reader expects. Stateless. */
final class FormContentType {
    private FormContentType() {
    }

    /**
     * The request's Content-Type, if it is {@code type/subtype}.
     *
     * @throws UnsupportedMediaTypeException (415) if there is none or it is another type
     * @throws MalformedMessageException (400) if it does not parse
     */
    static MediaType require(ServerRequest request, String type, String subtype)
            throws UnsupportedMediaTypeException, MalformedMessageException {
        String field = request.headers().firstOrNull(HeaderNames.CONTENT_TYPE);
        if (field == null) {
            throw new UnsupportedMediaTypeException("request has no Content-Type; expected " + type + "/" + subtype);
        }
        MediaType mediaType = MediaType.parse(field);
        if (!mediaType.is(type, subtype)) {
            throw new UnsupportedMediaTypeException("Content-Type is '" + Ascii.escape(field) + "'; expected " + type
                    + "/" + subtype);
        }
        return mediaType;
    }
}

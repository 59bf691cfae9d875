package dev.wisp.http1;

import static dev.wisp.http1.Feeding.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.Ascii;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.UnsupportedTransferCodingException;
import dev.wisp.core.WireInput;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@link Http1Framing#ofRequest} delimits a request body, read from the wire with {@link Http1RequestReader}.
 * Each request smuggling family (RFC 9112 §6.1, §6.3, §11.2) has its own test: any disagreement between framing
 * fields is an error, never a guess.
 */
class Http1RequestFramingTest {
    private static final Http1RequestReader READER = new Http1RequestReader(Http1Limits.defaults());

    private static Http1Framing framing(String fieldLines) throws IOException {
        return framing("HTTP/1.1", fieldLines);
    }

    private static Http1Framing framing(String version, String fieldLines) throws IOException {
        return Feeding.read("POST / " + version + "\r\nHost: h\r\n" + fieldLines + "\r\n",
                Http1RequestFramingTest::read);
    }

    private static Http1Framing read(WireInput in) throws IOException {
        return Http1Framing.ofRequest(READER.readHead(in));
    }

    private static void assertMalformed(String message, String fieldLines) {
        assertRejected(MalformedMessageException.class, 400, message, "POST / HTTP/1.1\r\nHost: h\r\n" + fieldLines
                + "\r\n", Http1RequestFramingTest::read);
    }

    private static void assertUnsupported(String coding, String fieldLines) {
        assertRejected(UnsupportedTransferCodingException.class, 501, "transfer coding '" + coding
                + "' is not supported", "POST / HTTP/1.1\r\nHost: h\r\n" + fieldLines + "\r\n",
                Http1RequestFramingTest::read);
    }

    @Test
    void aRequestWithoutFramingFieldsHasNoBody() throws Exception {
        assertEquals(Http1Framing.NONE, framing(""));
        assertEquals(Http1Framing.NONE, framing("HTTP/1.0", ""));
    }

    @Test
    void readsAContentLength() throws Exception {
        assertEquals(new Http1Framing.FixedLength(5), framing("Content-Length: 5\r\n"));
        assertEquals(new Http1Framing.FixedLength(5), framing("HTTP/1.0", "content-length: 5\r\n"));
        assertEquals(new Http1Framing.FixedLength(5), framing("Content-Length: 005\r\n"));
        assertEquals(Http1Framing.NONE, framing("Content-Length: 0\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "content-length: 5\r\ntransfer-encoding: CHUNKED\r\n"})
    void rejectsContentLengthFollowedByTransferEncoding(String fieldLines) {
        assertMalformed("request has both Transfer-Encoding and Content-Length", fieldLines);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n", "Transfer-Encoding: chunked\r\nContent-Length: x\r\n"})
    void rejectsTransferEncodingFollowedByContentLength(String fieldLines) {
        assertMalformed("request has both Transfer-Encoding and Content-Length", fieldLines);
    }

    @Test
    void acceptsDuplicateContentLengthsThatAgree() throws Exception {
        assertEquals(new Http1Framing.FixedLength(5), framing("Content-Length: 5\r\nContent-Length: 5\r\n"));
    }

    @Test
    void rejectsDuplicateContentLengthsThatDiffer() {
        assertMalformed("differing Content-Length values: 5 and 6", "Content-Length: 5\r\nContent-Length: 6\r\n");
        assertMalformed("differing Content-Length values: 0 and 5", "Content-Length: 0\r\nContent-Length: 5\r\n");
    }

    @Test
    void acceptsAContentLengthListOfOneValue() throws Exception {
        assertEquals(new Http1Framing.FixedLength(5), framing("Content-Length: 5, 5\r\n"));
        assertEquals(new Http1Framing.FixedLength(5), framing("Content-Length: 5,5 ,\t5\r\nContent-Length: 5\r\n"));
    }

    @Test
    void rejectsAContentLengthListThatDiffers() {
        assertMalformed("differing Content-Length values: 5 and 6", "Content-Length: 5, 6\r\n");
        assertMalformed("differing Content-Length values: 5 and 50", "Content-Length: 5, 50\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+5", "-5", "0x5", "5.0", "5 5", "five", "", "5,", ",5", "5, ,5", "1e3", "5;", "\"5\"",
        "0X5", "\u00bd"})
    void rejectsAContentLengthThatIsNotDigits(String value) {
        assertMalformed("invalid Content-Length: '" + Ascii.escape(value) + "'",
                "Content-Length: " + value + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {" 5 ", "\t5\t", "5  ", "  5"})
    void acceptsOptionalWhitespaceAroundAContentLength(String value) throws Exception {
        assertEquals(new Http1Framing.FixedLength(5), framing("Content-Length:" + value + "\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "9223372036854775807", "18446744073709551616",
        "99999999999999999999999999", "0000000000000000005"})
    void rejectsAContentLengthOfNineteenDigitsOrMore(String value) {
        assertMalformed("invalid Content-Length: '" + value + "'", "Content-Length: " + value + "\r\n");
    }

    @Test
    void acceptsAContentLengthOfEighteenDigits() throws Exception {
        assertEquals(new Http1Framing.FixedLength(999_999_999_999_999_999L),
                framing("Content-Length: 999999999999999999\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED", "\tchunked\t", ", chunked", "chunked ,", ",,chunked,,"})
    void readsChunkedInAnyCaseAndWithEmptyListElements(String value) throws Exception {
        assertEquals(Http1Framing.CHUNKED, framing("Transfer-Encoding:" + value + "\r\n"));
    }

    @Test
    void rejectsChunkedFollowedByAnotherCoding() {
        assertMalformed("chunked is not the final transfer coding", "Transfer-Encoding: chunked, gzip\r\n");
    }

    @Test
    void answersACodingBeforeChunkedWith501() {
        assertUnsupported("gzip", "Transfer-Encoding: gzip, chunked\r\n");
        assertUnsupported("x-custom", "Transfer-Encoding: X-Custom;a=b;c=\"d, e\" ,chunked\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"xchunked", "chunk", "chunkedx", "gzip", "identity", "chunked-"})
    void rejectsAFinalCodingOtherThanChunkedWith400(String coding) {
        assertMalformed("final transfer coding of a request is '" + coding + "', not chunked",
                "Transfer-Encoding: " + coding + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked;", "chunked;a=b", "chunked ; q=1", "chunked;\"x\""})
    void rejectsParametersOnChunked(String value) {
        assertMalformed("chunked transfer coding takes no parameters: '" + value + "'",
                "Transfer-Encoding: " + value + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"chunked\"", "chu nked", "chunked chunked", "gzip;, chunked", "gzip;a, chunked",
        "gzip;a=, chunked", "gzip;=b, chunked", "gzip;a=\"b, chunked", "gzip;a=b c, chunked", "chunked/1",
        "gzip;a=\"b\"c, chunked", "[chunked]"})
    void rejectsAMalformedTransferEncoding(String value) {
        assertMalformed("invalid transfer coding: '" + value + "'", "Transfer-Encoding: " + value + "\r\n");
    }

    @Test
    void rejectsChunkedTwice() {
        assertMalformed("chunked transfer coding applied more than once", "Transfer-Encoding: chunked, chunked\r\n");
        assertMalformed("chunked transfer coding applied more than once",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n");
    }

    @Test
    void combinesSeveralTransferEncodingFieldsInOrder() throws Exception {
        assertUnsupported("gzip", "Transfer-Encoding: gzip\r\nX: y\r\ntransfer-encoding: chunked\r\n");
        assertMalformed("chunked is not the final transfer coding",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n");
        assertEquals(Http1Framing.CHUNKED, framing("Transfer-Encoding: \r\nTransfer-Encoding: chunked\r\n"));
    }

    @Test
    void rejectsTransferEncodingInHttp10() {
        assertRejected(MalformedMessageException.class, 400, "HTTP/1.0 request has Transfer-Encoding",
                "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", Http1RequestFramingTest::read);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u000bchunked", "chunked\u000b", "chu\u0000nked", "\u000cchunked", "chunked\u007f"})
    void rejectsControlCharactersInTransferEncodingAtTheFieldLevel(String value) {
        assertMalformed("control character in the value of Transfer-Encoding in header section",
                "Transfer-Encoding: " + value + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", " , ,\t"})
    void rejectsAnEmptyTransferEncoding(String value) {
        assertMalformed("empty Transfer-Encoding", "Transfer-Encoding:" + value + "\r\n");
    }

    @Test
    void rejectsWhitespaceBeforeTheColonOfAFramingField() {
        assertMalformed("whitespace between field name and colon in header section: 'Transfer-Encoding : chunked'",
                "Transfer-Encoding : chunked\r\n");
        assertMalformed("whitespace between field name and colon in header section: 'Content-Length\\t: 5'",
                "Content-Length\t: 5\r\n");
    }

    @Test
    void rejectsAFoldedFramingField() {
        assertMalformed("obsolete line folding in header section: ' chunked'",
                "Transfer-Encoding: gzip,\r\n chunked\r\n");
    }

    @Test
    void treatsLookalikeNamesAsOtherFields() throws Exception {
        assertEquals(Http1Framing.NONE, framing("Transfer_Encoding: chunked\r\nContent_Length: 5\r\n"));
        assertEquals(Http1Framing.NONE, framing("X-Transfer-Encoding: chunked\r\nContent-Lengths: 5\r\n"));
    }
}

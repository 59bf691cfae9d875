package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Utf8ValidatorTest {

    /** Feeds the bytes whole, one at a time, and split at every offset; all must agree. */
    private static boolean valid(byte[] bytes) {
        boolean whole = Utf8Validator.isValid(bytes, 0, bytes.length);
        Utf8Validator oneByOne = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++) {
            oneByOne.feed(bytes, i, 1);
        }
        assertEquals(whole, oneByOne.isComplete(), "one byte at a time");
        for (int split = 1; split < bytes.length; split++) {
            Utf8Validator two = new Utf8Validator();
            two.feed(bytes, 0, split);
            two.feed(bytes, split, bytes.length - split);
            assertEquals(whole, two.isComplete(), "split at " + split);
        }
        return whole;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "41", "7f", "c2 80", "df bf", "e0 a0 80", "ed 9f bf", "ee 80 80", "ef bf bf",
            "f0 90 80 80", "f4 8f bf bf", "ce ba e1 bd b9 cf 83 ce bc ce b5", "ef bb bf 41"})
    void acceptsWellFormedSequences(String hex) {
        assertTrue(valid(Wire.hex(hex)), hex);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "80", "bf", "c0 80", "c1 bf", "e0 80 80", "e0 9f bf", "f0 80 80 80", "f0 8f bf bf",   // overlong, stray
        "ed a0 80", "ed bf bf", "ed a0 80 ed b0 80",                                           // surrogates
        "f4 90 80 80", "f5 80 80 80", "f7 bf bf bf", "f8 88 80 80 80", "fe", "ff",              // past U+10FFFF
        "c2", "e2 82", "f0 9f 98", "c2 41", "e2 28 a1", "ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74"})
    void rejectsMalformedSequences(String hex) {
        assertFalse(valid(Wire.hex(hex)), hex);
    }

    @Test
    void staysFailedOnceABadByteIsSeen() {
        Utf8Validator validator = new Utf8Validator();
        assertFalse(validator.feed(Wire.hex("c0"), 0, 1));
        assertFalse(validator.feed(Wire.hex("41"), 0, 1));
        validator.reset();
        assertTrue(validator.feed(Wire.hex("41"), 0, 1));
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomInput() {
        Random random = new Random(6455);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int j = 0; j < bytes.length; j++) {
                // Mostly bytes that matter to UTF-8: leads, continuations, the edges of the ranges.
                bytes[j] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
            }
            assertEquals(jdkAccepts(bytes), valid(bytes), Wire.hex(bytes));
        }
    }

    @Test
    void agreesWithTheJdkDecoderOnLongAsciiRunsWithSomethingElseAnywhere() {
        Random random = new Random(7692);
        byte[][] others = {Wire.hex("c3 a9"), Wire.hex("e2 82 ac"), Wire.hex("f0 9f 98 80"), Wire.hex("ff"),
            Wire.hex("c3"), Wire.hex("80"), Wire.hex("ed a0 80")};
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) random.nextInt(0x80);
            }
            byte[] other = others[random.nextInt(others.length)];
            if (bytes.length >= other.length) {
                System.arraycopy(other, 0, bytes, random.nextInt(bytes.length - other.length + 1), other.length);
            }
            int split = random.nextInt(bytes.length + 1);
            Utf8Validator validator = new Utf8Validator();
            boolean fed = validator.feed(bytes, 0, split) & validator.feed(bytes, split, bytes.length - split);
            assertEquals(jdkAccepts(bytes), fed && validator.isComplete(), Wire.hex(bytes) + " split at " + split);
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}

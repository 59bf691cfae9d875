package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeParserTest {
    private static List<AuthChallenge> parse(String... fields) {
        return AuthChallengeParser.parse(List.of(fields));
    }

    @Test
    void readsSeveralChallengesInOneFieldWithQuotedCommasAndEscapes() {
        assertEquals(List.of(
                new AuthChallenge("basic", Map.of("realm", "a, b")),
                new AuthChallenge("digest", Map.of("realm", "say \"hi\"", "qop", "auth, auth-int", "nonce", "n1",
                        "algorithm", "SHA-256")),
                new AuthChallenge("newauth", Map.of())),
                parse("Basic realm=\"a, b\", Digest realm=\"say \\\"hi\\\"\", qop=\"auth, auth-int\","
                        + " nonce=n1,algorithm = SHA-256, NewAuth"));
    }

    @Test
    void skipsToken68AndKeepsChallengesFromEveryField() {
        assertEquals(List.of(new AuthChallenge("negotiate", Map.of()), new AuthChallenge("bearer", Map.of()),
                        new AuthChallenge("basic", Map.of("realm", "x"))),
                parse("Negotiate YII/+ab==, Bearer abc", "Basic realm=x"));
    }

    @Test
    void keepsWhatCameBeforeInputThatBreaksTheGrammar() {
        assertEquals(List.of(new AuthChallenge("digest", Map.of("realm", "r"))), parse("Digest realm=r nonce"));
        assertEquals(List.of(new AuthChallenge("digest", Map.of())), parse("Digest realm=\"unterminated"));
        assertEquals(List.of(), parse("", " , "));
    }
}

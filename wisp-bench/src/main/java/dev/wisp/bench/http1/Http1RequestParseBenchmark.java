package dev.wisp.bench.http1;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.wisp.core.RequestHead;
import dev.wisp.core.WireInput;
import dev.wisp.http1.Http1Limits;
import dev.wisp.http1.Http1RequestReader;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parses a whole HTTP/1.1 request head from a {@code byte[]} with {@link Http1RequestReader}: a browser-like GET
 * with eight header fields, and a three-field curl GET. Each invocation wraps the bytes in a new
 * {@link WireInput}, as a connection does for each socket, and returns the head so it is not optimized away.
 *
 * <p>Public and not final because JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Http1RequestParseBenchmark {
    static final String BROWSER_GET = """
            GET /articles/2024/http-parsing?page=2&sort=recent HTTP/1.1\r
            Host: www.example.com\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r
            Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r
            Accept-Language: en-US,en;q=0.5\r
            Accept-Encoding: gzip, deflate, br, zstd\r
            Referer: https://www.example.com/articles/2024\r
            Connection: keep-alive\r
            Cookie: session=7f3c9a1e5b2d4c6f8a0b; theme=dark; consent=analytics%3Dno\r
            \r
            """;
    static final String CURL_GET = """
            GET /plaintext HTTP/1.1\r
            Host: 127.0.0.1:8080\r
            User-Agent: curl/7.88.1\r
            Accept: */*\r
            \r
            """;

    private Http1RequestReader reader;
    private byte[] browserGet;
    private byte[] curlGet;

    @Setup
    public void setUp() {
        reader = new Http1RequestReader(Http1Limits.defaults());
        browserGet = BROWSER_GET.getBytes(US_ASCII);
        curlGet = CURL_GET.getBytes(US_ASCII);
    }

    @Benchmark
    public RequestHead browserGet() throws IOException {
        return reader.readHead(WireInput.of(browserGet));
    }

    @Benchmark
    public RequestHead curlGet() throws IOException {
        return reader.readHead(WireInput.of(curlGet));
    }
}

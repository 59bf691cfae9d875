package dev.wisp.bench.core;

import dev.wisp.core.HeaderField;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpDate;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireOutput;
import dev.wisp.http1.Http1HeadWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The header work of a small text response, in the order the HTTP/1.1 server does it for
 * {@code response.send("Hello, World!")}: the handler's content type, the framing fields, the connection fields and
 * the date, then the head written to a {@link WireOutput} that discards its bytes. It measures {@link Headers} and
 * {@link Http1HeadWriter} on the server's hot path without a socket.
 *
 * <p>Public and not final because JMH generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResponseHeadBenchmark {
    private static final HeaderField TEXT_PLAIN =
            new HeaderField(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");

    private WireOutput out;

    @Setup
    public void setUp() {
        out = WireOutput.of(OutputStream.nullOutputStream());
    }

    @Benchmark
    public Headers textResponse() throws IOException {
        Headers.Builder headers = Headers.builder();
        if (!headers.contains(HeaderNames.CONTENT_TYPE)) {
            headers.add(TEXT_PLAIN);
        }
        headers.set(HeaderNames.CONTENT_LENGTH, 13);
        headers.remove(HeaderNames.TRANSFER_ENCODING);
        if (headers.contains(HeaderNames.CONNECTION)) {
            headers.build().containsToken(HeaderNames.CONNECTION, "close");
        }
        headers.remove(HeaderNames.CONNECTION);
        headers.set(HttpDate.dateField());
        headers.contains(HeaderNames.UPGRADE);
        Headers built = headers.build();
        Http1HeadWriter.writeResponseHead(out, new ResponseHead(Version.HTTP_1_1, Status.OK, built));
        out.flush();
        return built;
    }
}

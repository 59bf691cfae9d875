package dev.wisp.server.forms;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The limits a form body is read within, and where uploads spill to. Immutable; make one with {@link #builder()},
 * derive variants with {@link #toBuilder()}, or take {@link #defaults()}.
 *
 * <p>Each limit, when crossed, ends the reading with a {@link dev.wisp.core.MessageTooLargeException} naming it, a
 * 413 Content Too Large when the handler lets it through. The server's {@code maxRequestBodyBytes} holds as well.
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>option</th><th>default</th><th>what it bounds</th></tr>
 *   <tr><td>{@code maxFormBytes}</td><td>256 KiB</td><td>a whole {@code application/x-www-form-urlencoded}
 *       body</td></tr>
 *   <tr><td>{@code maxFields}</td><td>1,000</td><td>the fields of a urlencoded body</td></tr>
 *   <tr><td>{@code maxFieldBytes}</td><td>64 KiB</td><td>a urlencoded name or value as sent (encoded), and the
 *       content of a multipart part without a file name</td></tr>
 *   <tr><td>{@code maxMultipartBytes}</td><td>10 MiB</td><td>a whole {@code multipart/form-data} body, its
 *       boundaries and part headers included</td></tr>
 *   <tr><td>{@code maxParts}</td><td>100</td><td>the parts of a multipart body</td></tr>
 *   <tr><td>{@code maxPartHeaderBytes}</td><td>8 KiB</td><td>the header section of one part</td></tr>
 *   <tr><td>{@code maxFileBytes}</td><td>10 MiB</td><td>the content of a part with a file name</td></tr>
 * </table>
 * {@code memoryThresholdBytes} (64 KiB): a part's content up to this size is kept in memory, a longer one is
 * written to a temporary file in {@code tempDirectory} (the {@code java.io.tmpdir} of when the configuration was
 * built, unless set), deleted when the form is closed or its exchange ends.
 */
public final class FormConfig {
    private static final FormConfig DEFAULTS = builder().build();

    private final long maxFormBytes;
    private final int maxFields;
    private final int maxFieldBytes;
    private final long maxMultipartBytes;
    private final int maxParts;
    private final int maxPartHeaderBytes;
    private final long maxFileBytes;
    private final int memoryThresholdBytes;
    private final Path tempDirectory;

    private FormConfig(Builder builder) {
        this.maxFormBytes = builder.maxFormBytes;
        this.maxFields = builder.maxFields;
        this.maxFieldBytes = builder.maxFieldBytes;
        this.maxMultipartBytes = builder.maxMultipartBytes;
        this.maxParts = builder.maxParts;
        this.maxPartHeaderBytes = builder.maxPartHeaderBytes;
        this.maxFileBytes = builder.maxFileBytes;
        this.memoryThresholdBytes = builder.memoryThresholdBytes;
        this.tempDirectory = builder.tempDirectory != null ? builder.tempDirectory
                : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The limits of the table above. */
    public static FormConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .maxFormBytes(maxFormBytes)
                .maxFields(maxFields)
                .maxFieldBytes(maxFieldBytes)
                .maxMultipartBytes(maxMultipartBytes)
                .maxParts(maxParts)
                .maxPartHeaderBytes(maxPartHeaderBytes)
                .maxFileBytes(maxFileBytes)
                .memoryThresholdBytes(memoryThresholdBytes)
                .tempDirectory(tempDirectory);
    }

    public long maxFormBytes() {
        return maxFormBytes;
    }

    public int maxFields() {
        return maxFields;
    }

    public int maxFieldBytes() {
        return maxFieldBytes;
    }

    public long maxMultipartBytes() {
        return maxMultipartBytes;
    }

    public int maxParts() {
        return maxParts;
    }

    public int maxPartHeaderBytes() {
        return maxPartHeaderBytes;
    }

    public long maxFileBytes() {
        return maxFileBytes;
    }

    public int memoryThresholdBytes() {
        return memoryThresholdBytes;
    }

    public Path tempDirectory() {
        return tempDirectory;
    }

    /** Collects options; not thread-safe. */
    public static final class Builder {
        private long maxFormBytes = 256 * 1024;
        private int maxFields = 1000;
        private int maxFieldBytes = 64 * 1024;
        private long maxMultipartBytes = 10L * 1024 * 1024;
        private int maxParts = 100;
        private int maxPartHeaderBytes = 8 * 1024;
        private long maxFileBytes = 10L * 1024 * 1024;
        private int memoryThresholdBytes = 64 * 1024;
        private Path tempDirectory;

        private Builder() {
        }

        public Builder maxFormBytes(long maxFormBytes) {
            this.maxFormBytes = maxFormBytes;
            return this;
        }

        public Builder maxFields(int maxFields) {
            this.maxFields = maxFields;
            return this;
        }

        public Builder maxFieldBytes(int maxFieldBytes) {
            this.maxFieldBytes = maxFieldBytes;
            return this;
        }

        public Builder maxMultipartBytes(long maxMultipartBytes) {
            this.maxMultipartBytes = maxMultipartBytes;
            return this;
        }

        public Builder maxParts(int maxParts) {
            this.maxParts = maxParts;
            return this;
        }

        public Builder maxPartHeaderBytes(int maxPartHeaderBytes) {
            this.maxPartHeaderBytes = maxPartHeaderBytes;
            return this;
        }

        public Builder maxFileBytes(long maxFileBytes) {
            this.maxFileBytes = maxFileBytes;
            return this;
        }

        /** Content up to this size stays in memory; 0 writes every part to a file. */
        public Builder memoryThresholdBytes(int memoryThresholdBytes) {
            this.memoryThresholdBytes = memoryThresholdBytes;
            return this;
        }

        /** Where parts above the memory threshold are written; it must exist when a form is read. */
        public Builder tempDirectory(Path tempDirectory) {
            this.tempDirectory = Objects.requireNonNull(tempDirectory, "tempDirectory");
            return this;
        }

        /**
         * Checks the options and builds the configuration.
         *
         * @throws IllegalArgumentException naming the first option out of range
         */
        public FormConfig build() {
            requirePositive(maxFormBytes, "maxFormBytes");
            requirePositive(maxFields, "maxFields");
            requirePositive(maxFieldBytes, "maxFieldBytes");
            requirePositive(maxMultipartBytes, "maxMultipartBytes");
            requirePositive(maxParts, "maxParts");
            requirePositive(maxPartHeaderBytes, "maxPartHeaderBytes");
            requirePositive(maxFileBytes, "maxFileBytes");
            if (memoryThresholdBytes < 0) {
                throw new IllegalArgumentException("memoryThresholdBytes must be at least 0: " + memoryThresholdBytes);
            }
            return new FormConfig(this);
        }

        private static void requirePositive(long value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
        }
    }
}

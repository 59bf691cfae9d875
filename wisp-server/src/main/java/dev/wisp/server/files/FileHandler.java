package dev.wisp.server.files;

import dev.wisp.core.Accept;
import dev.wisp.core.AcceptEncoding;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.PercentEncoding;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Status;
import dev.wisp.server.Handler;
import dev.wisp.server.PathPattern;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.server.filters.Compression;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves the files under a root directory, as nginx or esp_http_server's file server would: mount it on a
 * wildcard route and the rest of the path names the file.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *         .get("/static/*", FileHandler.of(Path.of("public")))
 *         .build();
 * }</pre>
 *
 * <ul>
 *   <li><b>Confinement.</b> The path after the route's fixed prefix (the {@code *} remainder; the whole path if the
 *       route has no wildcard) is resolved segment by segment; a decoded segment holding '/', '\' or NUL is refused,
 *       and the result, all symbolic links followed, must lie inside the root's real path. A path that fails to
 *       resolve (but for a directory inside the root that the server may not enter: see open failures), does not
 *       exist, or is neither file nor directory is a 404, never a 403, so nothing about the tree outside is
 *       revealed; so is a file at a path with a trailing slash ({@code /a.txt/}), as nginx does.
 *   <li><b>Hidden files.</b> A name that starts with a dot ({@code .git}, {@code .env}) is neither listed nor served,
 *       nor is anything under such a directory: a 404, as the JDK's {@code jwebserver} answers (nginx only leaves
 *       them out of its listings; python's http.server shows them). Such files are mostly repositories, keys and
 *       settings, put in the tree but never meant for the web; a link with a plain name that leads to one, or into
 *       one, is treated as it is. {@link Builder#hiddenFiles(boolean)} serves and
 *       lists them like any other, for a {@code .well-known} folder say; but for an upload's temporary file
 *       ({@code .wisp-upload-*.part}, see {@link Builder#writable}), which stays a 404 either way.
 *   <li><b>Open failures.</b> A file or directory that resolved but then cannot be opened is not a 404: the server
 *       may not read it, or may not enter a directory inside the root on the way to it (a misconfiguration), is a
 *       500; any other failure, above all a full descriptor table, a 503 with {@code Retry-After}; both are logged
 *       at WARNING. Only a file removed in between is a 404. A file replaced as it is opened is opened again, so its
 *       ETag and Last-Modified describe the bytes sent; one that changes each of three times is a 503 too.
 *   <li><b>File names</b> are bytes on Linux: a decoded URL segment names the file with the same UTF-8 bytes,
 *       whatever the JVM's locale (under {@code LANG=C} Java's own path strings cannot carry them, so the names go
 *       through {@code file:} URIs).
 *       An entry whose name is not UTF-8 could not be requested by any URL, so it is left out of listings.
 *   <li><b>Files</b> are streamed, never read whole, with Content-Type from the extension (an {@code .svgz} file as
 *       {@code image/svg+xml} with {@code Content-Encoding: gzip}), a strong ETag (size and
 *       modification time), Last-Modified (a modification time in the future is sent as the present, RFC 9110
 *       §8.8.2.1) and {@code Accept-Ranges: bytes}. Every answer from a file of a type that
 *       {@link dev.wisp.server.filters.Compression} compresses by default, 304 and multi-range 206 included, has
 *       {@code Vary: Accept-Encoding}: behind that filter the 200 has it, and RFC 9110 §15.4.5 wants it on the 304
 *       too, where the filter cannot see the type.
 *   <li><b>Precompressed copies</b> ({@link Builder#precompressed}, off unless set): {@code app.js.br},
 *       {@code app.js.zst} or {@code app.js.gz} stored beside {@code app.js} is served in its place, coded, to a
 *       client that accepts the coding, as nginx's {@code gzip_static} does.
 *   <li><b>Conditional requests</b> (RFC 9110 §13): If-Match and If-Unmodified-Since give 412; If-None-Match (weak
 *       comparison, {@code *}) and, without it, If-Modified-Since give 304 (a date later than the server's clock
 *       is ignored).
 *   <li><b>Ranges</b> (RFC 9110 §14), GET only: one range {@code a-b}, {@code a-} or {@code -n} gives 206 with
 *       Content-Range, one past the end gives 416 with {@code Content-Range: bytes *}{@code /size}. Several
 *       ranges give 206 with {@code multipart/byteranges}, one part per satisfiable range in the order asked; more
 *       than 16 ranges, or ranges that overlap, get the whole file with 200 instead, so no answer repeats the
 *       file's bytes. An invalid Range header, or an If-Range that no longer matches, gets the whole file too; a
 *       date in If-Range matches only Last-Modified that is a strong validator, a second or more before now
 *       (RFC 9110 §13.1.5, §8.8.2.2).
 *   <li><b>Directories.</b> A directory path without a trailing slash is redirected (301) to the slash form with a
 *       relative Location. Then the index file ({@code index.html} unless configured) is served if present; else an
 *       HTML listing, unless listing is turned off, when it is a 404; a client that weighs {@code application/json}
 *       above {@code text/html} in its {@code Accept} gets the listing as JSON, in the shape of nginx's
 *       {@code autoindex_format json} (both with {@code Vary: Accept}).
 *   <li>Only GET and HEAD; other methods get 405 with {@code Allow: GET, HEAD} (mounted with
 *       {@code Router.Builder.get}, the router already answers them). With {@link Builder#writable}, PUT stores a
 *       file and DELETE removes one.
 * </ul>
 *
 * <p>Immutable and thread-safe; one instance serves any number of exchanges at once. Make one with {@link #of} or
 * {@link #builder}.
 */
public final class FileHandler implements Handler {
    private static final String ALLOWED_METHODS = "GET, HEAD";
    private static final String WRITABLE_METHODS = "GET, HEAD, PUT, DELETE, POST";
    /** How many times a file that changes as it is opened is opened again before the answer is a 503. */
    private static final int OPEN_ATTEMPTS = 3;

    private final Path root;
    private final RootDirectory rootDirectory;
    private final String indexFile;
    private final boolean directoryListing;
    private final boolean hiddenFiles;
    private final Handler notFound;
    private final String fallbackFile;
    private final Precompressed precompressed;
    /** PUT and DELETE, or null if the handler only reads. */
    private final FileWrites writes;
    /** The listing's upload and delete forms, or null if the handler only reads. */
    private final FolderForm folderForm;

    private FileHandler(Builder builder, RootDirectory rootDirectory) {
        this.root = builder.root;
        this.rootDirectory = rootDirectory;
        this.indexFile = builder.indexFile;
        this.directoryListing = builder.directoryListing;
        this.hiddenFiles = builder.hiddenFiles;
        this.notFound = builder.notFound;
        this.fallbackFile = builder.fallbackFile;
        this.precompressed = builder.precompressed;
        this.writes = builder.writable ? new FileWrites(rootDirectory) : null;
        this.folderForm = writes == null ? null : new FolderForm(rootDirectory, writes);
    }

    /**
     * A handler for this root with the defaults: index file {@code index.html}, directory listing on, hidden files
     * off.
     *
     * @throws IllegalArgumentException if the root is not an existing directory
     */
    public static FileHandler of(Path root) {
        return builder(root).build();
    }

    /** A builder for a handler of this root. */
    public static Builder builder(Path root) {
        return new Builder(Objects.requireNonNull(root, "root"));
    }

    /** A builder holding this handler's configuration. */
    public Builder toBuilder() {
        return new Builder(root).indexFile(indexFile).directoryListing(directoryListing)
                .hiddenFiles(hiddenFiles).notFound(notFound).fallbackFile(fallbackFile)
                .precompressed(precompressed.codings()).writable(writes != null);
    }

    /** The root directory as configured. */
    public Path root() {
        return root;
    }

    /** The file served for a directory that has one; empty if directories are only listed. */
    public Optional<String> indexFile() {
        return Optional.ofNullable(indexFile);
    }

    /** The page served for a browser's navigation to a path with nothing to serve; empty if none. */
    public Optional<String> fallbackFile() {
        return Optional.ofNullable(fallbackFile);
    }

    /** Whether a directory without an index file gets an HTML listing (else 404). */
    public boolean hasDirectoryListing() {
        return directoryListing;
    }

    /** Whether names that start with a dot are served and listed (else they are a 404 and left out of listings). */
    public boolean servesHiddenFiles() {
        return hiddenFiles;
    }

    /** Whether PUT stores files and DELETE removes them ({@link Builder#writable}). */
    public boolean isWritable() {
        return writes != null;
    }

    /** The codings of the stored copies served in place of a file, in order of preference; empty if none are. */
    public List<String> precompressedCodings() {
        return precompressed.codings();
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        Method method = request.method();
        if (writes != null && method.equals(Method.PUT)) {
            writes.put(request, response, relativeSegments(request));
            return;
        }
        if (writes != null && method.equals(Method.DELETE)) {
            writes.delete(request, response, relativeSegments(request));
            return;
        }
        if (folderForm != null && method.equals(Method.POST)
                && (request.target().hasTrailingSlash() || request.target().segments().isEmpty())) {
            folderForm.post(request, response, relativeSegments(request));
            return;
        }
        if (!method.equals(Method.GET) && !method.equals(Method.HEAD)) {
            response.status(Status.METHOD_NOT_ALLOWED)
                    .header(HeaderNames.ALLOW, writes != null ? WRITABLE_METHODS : ALLOWED_METHODS)
                    .send(method + " is not allowed\n");
            return;
        }
        List<String> segments = relativeSegments(request);
        if (segments != null && rootDirectory.hidesAny(segments)) {
            segments = null;
        }
        Path path;
        try {
            path = segments == null ? null : rootDirectory.resolve(segments);
            if (path != null && rootDirectory.leadsToHidden(path)) {
                path = null;
            }
        } catch (AccessDeniedException e) {
            Path denied = e.getFile() == null ? rootDirectory.realPath() : Path.of(e.getFile());
            FileOpenFailures.answer(response, denied, e, () -> notFound(request, response));
            return;
        }
        BasicFileAttributes attributes = path == null ? null : attributes(path);
        if (attributes != null && attributes.isDirectory()) {
            serveDirectory(request, response, path, segments.isEmpty());
        } else if (attributes != null && attributes.isRegularFile() && !request.target().hasTrailingSlash()) {
            serveFile(request, response, path, attributes);
        } else {
            notFound(request, response);
        }
    }

    /**
     * The request's segments after the route's fixed prefix. The router reports the wildcard remainder as
     * segments joined with '/', but a decoded segment may hold a '/' too, so the remainder is matched back to the
     * request's own segments by length, from the end.
     */
    private static List<String> relativeSegments(ServerRequest request) {
        List<String> all = request.target().segments();
        String rest = request.pathParameters().get(PathPattern.WILDCARD);
        if (rest == null) {
            return all;
        }
        if (rest.isEmpty()) {
            return List.of();
        }
        int start = all.size();
        int length = -1;
        while (start > 0 && length < rest.length()) {
            start--;
            length += all.get(start).length() + 1;
        }
        List<String> tail = all.subList(start, all.size());
        return String.join("/", tail).equals(rest) ? tail : null;
    }

    private void serveDirectory(ServerRequest request, ServerResponse response, Path directory, boolean isRoot)
            throws IOException {
        RequestTarget target = request.target();
        // The root reached through dot segments ("/docs/..") has no slash at the end either: its listing's
        // relative links would resolve against "/docs/".
        boolean rootWithoutSlash = target.segments().isEmpty() && !target.rawPath().endsWith("/");
        if ((!target.segments().isEmpty() && !target.hasTrailingSlash()) || rootWithoutSlash) {
            response.status(Status.MOVED_PERMANENTLY).header(HeaderNames.LOCATION, slashLocation(target))
                    .send("moved to the directory's path with a trailing slash\n");
            return;
        }
        if (indexFile != null && serveNamedFile(request, response, directory, indexFile,
                () -> notFound(request, response))) {
            return;
        }
        if (!directoryListing) {
            notFound(request, response);
            return;
        }
        // A client that weighs JSON above HTML (a script's Accept: application/json) gets the JSON listing; a browser,
        // curl's */* and a request without Accept get the page.
        Accept accept = Accept.parse(request.headers().all(HeaderNames.ACCEPT));
        boolean json = accept.weight("application/json") > accept.weight("text/html");
        String listing;
        try {
            listing = json ? DirectoryListing.renderJson(rootDirectory, directory)
                    : DirectoryListing.render(rootDirectory, directory, request.path(), !isRoot, writes != null);
        } catch (IOException e) {
            FileOpenFailures.answer(response, directory, e, () -> notFound(request, response));
            return;
        }
        response.header(HeaderNames.VARY, HeaderNames.ACCEPT);
        if (json) {
            response.header(HeaderNames.CONTENT_TYPE, "application/json").send(listing);
        } else {
            response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            if (writes == null) {
                response.header("Content-Security-Policy", DirectoryListing.CONTENT_SECURITY_POLICY);
            } else {
                // X-Frame-Options for browsers that predate frame-ancestors.
                response.header("Content-Security-Policy", DirectoryListing.WRITABLE_CONTENT_SECURITY_POLICY)
                        .header("X-Frame-Options", "DENY");
            }
            response.send(listing);
        }
    }

    /**
     * The Location of a directory's slash form, relative to the request path: {@code ./name/} (the {@code ./}
     * keeps a name with ':' from reading as a scheme). Relative, so it survives a proxy that strips a prefix or
     * terminates TLS. When the path as sent ends in a dot segment, the last segment is not what the client will
     * resolve against, so the Location is the absolute path instead.
     */
    private static String slashLocation(RequestTarget target) {
        List<String> segments = target.segments();
        String location;
        if (segments.isEmpty()) {
            location = "/";
        } else if (endsWithSegment(target.rawPath(), segments.getLast())) {
            location = "./" + PercentEncoding.encodePathSegment(segments.getLast()) + "/";
        } else {
            StringBuilder path = new StringBuilder();
            for (String segment : segments) {
                path.append('/').append(PercentEncoding.encodePathSegment(segment));
            }
            location = path.append('/').toString();
        }
        return target.rawQuery().map(query -> location + "?" + query).orElse(location);
    }

    private static boolean endsWithSegment(String rawPath, String segment) {
        try {
            return PercentEncoding.decode(rawPath.substring(rawPath.lastIndexOf('/') + 1), false).equals(segment);
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    /**
     * Opens the file and answers from it. The validators must describe the bytes sent, but a file replaced by a
     * rename (as editors, build tools and rsync save) between its attributes and its opening would go out with the
     * old one's ETag and the new one's bytes, and a cache or an If-Range would then mix the two versions. The JDK has
     * no fstat, so the attributes are read again once the file is open: the same file, size and modification time
     * as before mean the open file is that version; else the file changed in between and is opened again, up to
     * {@value #OPEN_ATTEMPTS} times, then left with a 503.
     */
    private void serveFile(ServerRequest request, ServerResponse response, Path file,
            BasicFileAttributes attributes) throws IOException {
        serveFile(request, response, file, attributes, () -> notFound(request, response));
    }

    private void serveFile(ServerRequest request, ServerResponse response, Path file, BasicFileAttributes attributes,
            FileOpenFailures.NotFound gone) throws IOException {
        String storedName = FileNames.nameOf(file);
        String name = Objects.requireNonNullElse(storedName, file.getFileName().toString());
        String contentType = ContentTypes.forFileName(name);
        String storedCoding = ContentTypes.contentEncodingFor(name);
        boolean variesByEncoding = storedCoding == null
                && (precompressed.isEnabled() || Compression.isCompressibleByDefault(contentType));
        if (storedCoding == null && storedName != null && precompressed.isEnabled()) {
            Precompressed.Copy copy = precompressed.select(AcceptEncoding.parse(request.headers().all(
                    HeaderNames.ACCEPT_ENCODING)), file, name, attributes, rootDirectory);
            if (copy != null && sendCopy(request, response, copy,
                    new FileResponses.Representation(contentType, copy.coding(), true))) {
                return;
            }
        }
        FileResponses.Representation representation =
                new FileResponses.Representation(contentType, storedCoding, variesByEncoding);
        BasicFileAttributes before = attributes;
        for (int attempt = 1; attempt <= OPEN_ATTEMPTS; attempt++) {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                FileOpenFailures.answer(response, file, e, gone);
                return;
            }
            FileOpenFailures.opened();
            try (channel) {
                BasicFileAttributes opened = attributes(file);
                if (opensVersion(channel, before, opened)) {
                    FileResponses.send(request, response, channel, Validators.of(opened, Instant.now()),
                            representation);
                    return;
                }
                before = opened;
            }
            if (before == null || !before.isRegularFile()) {
                gone.answer();
                return;
            }
        }
        FileOpenFailures.answer(response, file, new IOException("it changed each of " + OPEN_ATTEMPTS
                + " times it was opened"), gone);
    }

    /**
     * Answers from a stored coded copy if it opens as the version found; false, with nothing answered, if it does
     * not (gone, changed or not to be opened), and the file itself is served instead: whatever made the copy fail
     * is then met, and answered, on the file.
     */
    private static boolean sendCopy(ServerRequest request, ServerResponse response, Precompressed.Copy copy,
            FileResponses.Representation representation) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(copy.path(), StandardOpenOption.READ);
        } catch (IOException e) {
            return false;
        }
        try (channel) {
            BasicFileAttributes opened = attributes(copy.path());
            if (!opensVersion(channel, copy.attributes(), opened)) {
                return false;
            }
            FileResponses.send(request, response, channel, Validators.of(opened, Instant.now(), copy.coding()),
                    representation);
            return true;
        }
    }

    /**
     * Whether the open channel holds the version found before it was opened: the attributes read again once it was
     * open ({@code opened}, null if they could not be) are that version's, and so is the channel's size.
     */
    private static boolean opensVersion(FileChannel channel, BasicFileAttributes found, BasicFileAttributes opened)
            throws IOException {
        return opened != null && isSameVersion(found, opened) && channel.size() == opened.size();
    }

    private static boolean isSameVersion(BasicFileAttributes before, BasicFileAttributes after) {
        return Objects.equals(before.fileKey(), after.fileKey()) && before.size() == after.size()
                && before.lastModifiedTime().equals(after.lastModifiedTime());
    }

    private static BasicFileAttributes attributes(Path realPath) {
        try {
            return Files.readAttributes(realPath, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Answers a path with nothing to serve: with the fallback page if one is set and the request is a browser's
     * navigation to it ({@link PageFallback}), else 404. A page that is gone by the time it is opened is a 404 too.
     */
    private void notFound(ServerRequest request, ServerResponse response) throws IOException {
        if (fallbackFile != null && PageFallback.applies(request) && serveNamedFile(request, response,
                rootDirectory.realPath(), fallbackFile, () -> answerNotFound(request, response))) {
            return;
        }
        answerNotFound(request, response);
    }

    /**
     * Serves the regular file of this name in the directory (an index file, the fallback page) if there is one inside
     * the root; false, with nothing answered, if there is none.
     */
    private boolean serveNamedFile(ServerRequest request, ServerResponse response, Path directory, String name,
            FileOpenFailures.NotFound gone) throws IOException {
        Path file = rootDirectory.inside(FileNames.child(directory, name));
        BasicFileAttributes attributes = file == null ? null : attributes(file);
        if (attributes == null || !attributes.isRegularFile()) {
            return false;
        }
        serveFile(request, response, file, attributes, gone);
        return true;
    }

    private void answerNotFound(ServerRequest request, ServerResponse response) throws IOException {
        response.status(Status.NOT_FOUND);
        notFound.handle(request, response);
    }

    /** Collects a {@link FileHandler}'s configuration; not thread-safe. */
    public static final class Builder {
        private final Path root;
        private String indexFile = "index.html";
        private boolean directoryListing = true;
        private boolean hiddenFiles;
        private Handler notFound = (request, response) -> response.send("not found\n");
        private String fallbackFile;
        private Precompressed precompressed = Precompressed.NONE;
        private boolean writable;

        private Builder(Path root) {
            this.root = root;
        }

        /**
         * The file to serve for a directory, {@code index.html} unless set; {@code null} for none.
         *
         * @throws IllegalArgumentException if it is not a plain file name
         */
        public Builder indexFile(String indexFile) {
            if (indexFile != null && !RootDirectory.isSafeSegment(indexFile)) {
                throw new IllegalArgumentException("indexFile must be a plain file name: '" + indexFile + "'");
            }
            this.indexFile = indexFile;
            return this;
        }

        /** Whether to list a directory that has no index file; on unless set. Off, such a directory is a 404. */
        public Builder directoryListing(boolean directoryListing) {
            this.directoryListing = directoryListing;
            return this;
        }

        /**
         * Whether to serve and list hidden files, those whose name starts with a dot, and what lies under hidden
         * directories; off unless set, when they are a 404 and left out of listings.
         */
        public Builder hiddenFiles(boolean hiddenFiles) {
            this.hiddenFiles = hiddenFiles;
            return this;
        }

        /**
         * Answers a path with nothing to serve (no such file, a directory without index file or listing). The
         * handler runs with the status already 404; {@code "not found"} as text unless set.
         */
        public Builder notFound(Handler handler) {
            this.notFound = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * A file under the root (such as {@code index.html}) served, 200, for a path with nothing to serve that a
         * browser navigates to, as a single-page application's router needs: the page's script reads the path and
         * shows what it names, so a link to {@code /orders/42} or a reload there works. Such a request is a GET or
         * HEAD whose last path segment has no dot (a missing {@code app.js} or {@code logo.png} stays a 404) and whose
         * {@code Accept} admits HTML ({@code text/html}, {@code text/*} or {@code *}{@code /*}, or no Accept at all);
         * others get the 404. The page is served as any file is (validators, conditional requests, ranges). None unless
         * set; {@code null} for none.
         *
         * @throws IllegalArgumentException if it is not a plain file name
         */
        public Builder fallbackFile(String fallbackFile) {
            if (fallbackFile != null && !RootDirectory.isSafeSegment(fallbackFile)) {
                throw new IllegalArgumentException("fallbackFile must be a plain file name: '" + fallbackFile + "'");
            }
            this.fallbackFile = fallbackFile;
            return this;
        }

        /**
         * Serves a file's coded copy stored beside it, made when the site is built, to a client that accepts its
         * coding: {@code app.js.br} for {@code br}, {@code app.js.zst} for {@code zstd}, {@code app.js.gz} for
         * {@code gzip}, with the file's Content-Type, the copy's {@code Content-Encoding}, length and bytes (ranges
         * count them), an ETag of its own that names the coding, and {@code Vary: Accept-Encoding} on every answer from
         * a file under this handler. Of the codings the client accepts, the one it weighs highest is served, ties going
         * to the earlier one here; a copy older than its file (left stale by a change) is passed over, and so is one
         * outside the root or hidden, as the file would be. The copy's bytes are sent as they are, never checked.
         * None unless set; {@code FileHandler.builder(root).precompressed("br", "zstd", "gzip")} serves all three.
         *
         * @throws IllegalArgumentException for a coding other than {@code br}, {@code zstd} and {@code gzip}, or one
         *     named twice
         */
        public Builder precompressed(String... codings) {
            return precompressed(List.of(codings));
        }

        /** {@link #precompressed(String...)} from a list; an empty list for none. */
        public Builder precompressed(List<String> codings) {
            this.precompressed = Precompressed.of(List.copyOf(codings));
            return this;
        }

        /**
         * Whether PUT stores the request's content as the file at its path (201 for a new file, 204 for one
         * replaced, atomically) and DELETE removes a file (204), with their preconditions, as esp_http_server's file
         * server uploads and deletes; off unless set. The handler must then be mounted for those methods too
         * ({@code Router.Builder.any}), and the routes should be behind authentication: anyone who reaches them can
         * change the tree. A PUT's content goes to a hidden temporary file beside its file, forced to the disk, then
         * takes the file's place in one rename, so a reader sees the old file or the new one whole; its folder must
         * exist (else 409), a folder is never replaced nor removed (409), coded content is refused (415), a partial
         * PUT too (400); {@code If-Match}, {@code If-None-Match: *} and {@code If-Unmodified-Since} are honoured (412);
         * names are confined as for reads, a link is never written through nor replaced (403), and a full disk is a
         * 507 that leaves nothing behind.
         */
        public Builder writable(boolean writable) {
            this.writable = writable;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the root is not an existing directory
         * @throws UncheckedIOException if its real path cannot be resolved
         */
        public FileHandler build() {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("root is not a directory: " + root);
            }
            try {
                return new FileHandler(this, new RootDirectory(root, hiddenFiles));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot resolve the root " + root + ": " + e.getMessage(), e);
            }
        }
    }
}

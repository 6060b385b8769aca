package dev.linnet.controller.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the demo's manifests come from. There is one source of truth, {@code examples/demo/}
 * in the repository; Maven copies it into the jar as {@code /examples/demo/}.
 *
 * <ul>
 *   <li>Run from a checkout ({@code ./examples/demo} exists) with the default backend ports: the
 *       demo serves those very files, so editing them changes routing live.</li>
 *   <li>Otherwise the files (from {@code ./examples/demo}, else from the jar) are copied to a
 *       temporary directory, with the backend ports rewritten when they are not the defaults.</li>
 * </ul>
 *
 * @param dir the directory to serve
 * @param temporary whether {@code dir} is a copy that {@link #close()} deletes
 */
record DemoManifests(Path dir, boolean temporary) implements AutoCloseable {

    static final String LOCAL_DIR = "examples/demo";
    private static final String BUNDLED_DIR = "/examples/demo";

    static DemoManifests prepare(Path workingDir, int v1Port, int v2Port) throws IOException {
        Path local = workingDir.resolve(LOCAL_DIR);
        boolean defaultPorts = v1Port == DemoBackends.DEFAULT_V1_PORT && v2Port == DemoBackends.DEFAULT_V2_PORT;
        if (Files.isDirectory(local) && defaultPorts) {
            return new DemoManifests(local.toAbsolutePath().normalize(), false);
        }
        Path copy = Files.createTempDirectory("linnet-demo-");
        if (Files.isDirectory(local)) {
            copyManifests(local, copy, v1Port, v2Port);
        } else {
            copyBundled(copy, v1Port, v2Port);
        }
        return new DemoManifests(copy, true);
    }

    private static void copyBundled(Path target, int v1Port, int v2Port) throws IOException {
        URL url = DemoManifests.class.getResource(BUNDLED_DIR);
        if (url == null) {
            throw new IOException("the demo manifests are not bundled (" + BUNDLED_DIR + " is missing from the classpath)");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                copyManifests(jar.getPath(BUNDLED_DIR), target, v1Port, v2Port);
            }
        } else {
            copyManifests(Path.of(uri), target, v1Port, v2Port);
        }
    }

    private static void copyManifests(Path from, Path to, int v1Port, int v2Port) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(from)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            // The manifests name the backends by their default ports; nothing else in them
            // carries these numbers.
            String text = Files.readString(f, StandardCharsets.UTF_8)
                    .replace(String.valueOf(DemoBackends.DEFAULT_V1_PORT), String.valueOf(v1Port))
                    .replace(String.valueOf(DemoBackends.DEFAULT_V2_PORT), String.valueOf(v2Port));
            Files.writeString(to.resolve(f.getFileName().toString()), text, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp directory is harmless.
        }
    }
}

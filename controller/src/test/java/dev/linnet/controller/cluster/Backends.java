package dev.linnet.controller.cluster;

import dev.linnet.gateway.testing.TestBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Real HTTP backends on 127.0.0.1 answering their own name, closed together. */
final class Backends implements AutoCloseable {

    private final List<TestBackend> started = new ArrayList<>();

    /** Starts a backend answering {@code name}; returns its port. */
    int start(String name) {
        try {
            TestBackend backend = TestBackend.start(name);
            started.add(backend);
            return backend.port();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        started.forEach(TestBackend::close);
    }
}

package dev.linnet.controller.source;

import static dev.linnet.controller.source.Manifests.deployment;
import static dev.linnet.controller.source.Manifests.ingress;
import static dev.linnet.controller.source.Manifests.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.linnet.controller.build.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {

    private static final Duration QUIET = Duration.ofMillis(200);
    private static final Duration MAX_WAIT = Duration.ofMillis(500);
    private static final Duration CONFIRM = Duration.ofMillis(2000);
    private static final FileSource.Timings TIMINGS = new FileSource.Timings(Duration.ofMillis(100), QUIET, MAX_WAIT,
            CONFIRM);

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<ClusterState> published = new CopyOnWriteArrayList<>();
    private FileSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    /** A source whose clock only the test moves; the test calls poll() itself. */
    private FileSource manual(Path... paths) {
        source = FileSource.of(List.of(paths), clock::get, TIMINGS);
        source.load(() -> published.add(source.snapshot()));
        return source;
    }

    private void advance(long millis) {
        clock.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    /** Polls until the quiet period has surely passed (the way the polling thread would). */
    private boolean settle() {
        boolean any = source.poll();
        advance(QUIET.toMillis());
        return source.poll() | any;
    }

    /** Polls until a removal by an in-place edit has surely been confirmed by a second read. */
    private boolean confirm() {
        boolean any = settle();
        advance(CONFIRM.toMillis());
        return source.poll() | any;
    }

    private List<String> hosts() {
        return source.snapshot().ingresses().stream().map(i -> i.getSpec().getRules().get(0).getHost()).toList();
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()).toList();
    }

    @Test
    void readsEveryDocumentOfAMultiDocumentYamlAndSkipsOtherKinds() throws IOException {
        Files.writeString(dir.resolve("all.yaml"), "# leading comment\n---\n" + service("web") + "---\n"
                + ingress("web", "a.example.com", "web") + "---\n" + deployment("web") + "---\n");

        manual(dir);

        ClusterState s = source.snapshot();
        assertThat(names(s.services())).containsExactly("default/web");
        assertThat(names(s.ingresses())).containsExactly("default/web");
        assertThat(s.ingresses().get(0).getSpec().getRules().get(0).getHost()).isEqualTo("a.example.com");
        assertThat(source.hasSynced()).isTrue();
        assertThat(published).hasSize(1);
    }

    @Test
    void readsJsonAndYmlAndKindList() throws IOException {
        Files.writeString(dir.resolve("svc.json"), """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "json", "namespace": "shop"}}
                """);
        Files.writeString(dir.resolve("svc.yml"), service("yml"));
        Files.writeString(dir.resolve("list.yaml"), """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Service
                  metadata:
                    name: listed
                """);

        manual(dir);

        assertThat(names(source.snapshot().services()))
                .containsExactlyInAnyOrder("shop/json", "default/yml", "default/listed");
    }

    @Test
    void defaultsTheNamespaceExceptForClusterScopedIngressClass() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), ingress("web", "a.example.com", "web") + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata:
                  name: linnet
                spec:
                  controller: linnet.dev/ingress-controller
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: web-1
                  namespace: shop
                addressType: IPv4
                endpoints:
                - addresses: ["127.0.0.1"]
                ---
                apiVersion: v1
                kind: Endpoints
                metadata:
                  name: web
                """);

        manual(dir);

        ClusterState s = source.snapshot();
        assertThat(names(s.ingresses())).containsExactly("default/web");
        assertThat(names(s.ingressClasses())).containsExactly("null/linnet");
        assertThat(names(s.endpointSlices())).containsExactly("shop/web-1");
        assertThat(names(s.endpoints())).containsExactly("default/web");
    }

    @Test
    void warnsAboutAnIngressOfAnotherApiVersionAndSkipsIt() throws IOException {
        Files.writeString(dir.resolve("old.yaml"), """
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata:
                  name: old
                """);
        try (LogCapture log = LogCapture.of(ManifestParser.class)) {
            manual(dir);

            assertThat(source.snapshot().ingresses()).isEmpty();
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("old.yaml:1", "extensions/v1beta1", "expected: networking.k8s.io/v1");
        }
    }

    @Test
    void readsOneLevelOfADirectoryAndIgnoresHiddenAndForeignFiles() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), service("web"));
        Files.writeString(dir.resolve(".#web.yaml"), service("lock"));
        Files.writeString(dir.resolve("notes.txt"), service("txt"));
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/deep.yaml"), service("deep"));

        manual(dir);

        assertThat(names(source.snapshot().services())).containsExactly("default/web");
    }

    @Test
    void readsAFileNamedExplicitlyWhateverItsExtension() throws IOException {
        Path file = Files.writeString(dir.resolve("manifest.txt"), service("named"));

        manual(file);

        assertThat(names(source.snapshot().services())).containsExactly("default/named");
    }

    @Test
    void refusesAPathThatDoesNotExist() {
        assertThatThrownBy(() -> FileSource.of(List.of(dir.resolve("nope"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void aLaterFileWinsOverAnEarlierOneForTheSameObject() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), ingress("web", "first.example.com", "web"));
        Files.writeString(dir.resolve("b.yaml"), ingress("web", "second.example.com", "web"));

        manual(dir);

        assertThat(source.snapshot().ingresses()).singleElement()
                .satisfies(i -> assertThat(i.getSpec().getRules().get(0).getHost()).isEqualTo("second.example.com"));
    }

    @Test
    void aFileThatDoesNotParseIsReportedWithLineAndKeepsItsPreviousContent() throws IOException {
        Path a = Files.writeString(dir.resolve("a.yaml"), ingress("a", "a.example.com", "a"));
        Path b = Files.writeString(dir.resolve("b.yaml"), service("b"));
        manual(dir);

        try (LogCapture log = LogCapture.of(FileSource.class)) {
            // line 4 opens a flow sequence that line 5 never closes
            Files.writeString(a, "apiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n  other: y\n");
            settle();

            assertThat(names(source.snapshot().ingresses())).containsExactly("default/a");
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains(a.toString() + ":5:", "keeping its previous content");
        }

        Files.writeString(b, service("b2")); // b renamed in place: b2 at once, b gone after a second read
        assertThat(confirm()).isTrue();

        assertThat(names(source.snapshot().ingresses())).containsExactly("default/a");
        assertThat(names(source.snapshot().services())).containsExactly("default/b2");
    }

    @Test
    void aTypeErrorInALaterDocumentFailsTheWholeFileAndNamesThatDocument() throws IOException {
        Files.writeString(dir.resolve("good.yaml"), service("good"));
        Files.writeString(dir.resolve("bad.yaml"), service("fine") + "---\n" + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: broken
                spec:
                  ports:
                  - port: eighty
                """);
        try (LogCapture log = LogCapture.of(FileSource.class)) {
            manual(dir);

            assertThat(names(source.snapshot().services())).containsExactly("default/good");
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("bad.yaml:10:", "eighty", "ignoring this file");
        }
    }

    @Test
    void seesNewEditedAndDeletedFiles() throws IOException {
        Path a = Files.writeString(dir.resolve("a.yaml"), service("a"));
        manual(dir);

        Path b = Files.writeString(dir.resolve("b.yaml"), service("b"));
        assertThat(settle()).isTrue();
        assertThat(names(source.snapshot().services())).containsExactly("default/a", "default/b");

        Files.writeString(a, service("a2"));
        assertThat(settle()).isTrue();
        assertThat(names(source.snapshot().services())).as("a held until a second read agrees")
                .containsExactly("default/a2", "default/a", "default/b");
        assertThat(confirm()).isTrue();
        assertThat(names(source.snapshot().services())).containsExactly("default/a2", "default/b");

        Files.delete(b);
        assertThat(settle()).as("a removal waits for a second read").isFalse();
        assertThat(confirm()).isTrue();
        assertThat(names(source.snapshot().services())).containsExactly("default/a2");

        assertThat(confirm()).as("nothing changed, nothing published").isFalse();
        assertThat(published).hasSize(5);
    }

    @Test
    void aFileCaughtHalfWrittenIsNeverServed() throws IOException {
        String full = ingress("web", "a.example.com", "web");
        Path file = Files.writeString(dir.resolve("web.yaml"), full);
        manual(dir);

        // An editor's save: truncate, (a poll sees the empty file), then write.
        Files.writeString(file, "");
        assertThat(source.poll()).isFalse();
        advance(QUIET.toMillis() - 50);
        Files.writeString(file, full.replace("a.example.com", "b.example.com"));
        assertThat(source.poll()).as("the second change restarts the quiet period").isFalse();
        advance(QUIET.toMillis() - 1);
        assertThat(source.poll()).isFalse();
        advance(1);
        assertThat(source.poll()).isTrue();

        assertThat(published).allSatisfy(s -> assertThat(s.ingresses()).hasSize(1));
        assertThat(source.snapshot().ingresses().get(0).getSpec().getRules().get(0).getHost())
                .isEqualTo("b.example.com");
    }

    @Test
    void anEditIsAppliedWhileOtherFilesKeepChanging() throws IOException {
        // Issue 15, item 3: 40 in-place edits to different files, one every 120 ms. Each file's
        // own quiet period passes while the others change: every edit serves about 200 ms later.
        Path[] files = new Path[10];
        for (int i = 0; i < files.length; i++) {
            files[i] = Files.writeString(dir.resolve("f" + i + ".yaml"), service("f" + i + "-initial"));
        }
        manual(dir);

        for (int k = 0; k < 40; k++) {
            Files.writeString(files[k % files.length], service("f" + (k % files.length) + "-edit" + k));
            source.poll();
            advance(120);
            source.poll();
            if (k >= 2) {
                int applied = k - 2; // written 240 ms ago, quiet since (its file is edited every 1.2 s)
                assertThat(names(source.snapshot().services())).as("edit %d, while edits go on", applied)
                        .contains("default/f" + (applied % files.length) + "-edit" + applied);
            }
        }
    }

    @Test
    void aFileWrittenContinuouslyIsReadWithinTheMaximumWait() throws IOException {
        Path file = Files.writeString(dir.resolve("web.yaml"), ingress("web", "initial.example.com", "web"));
        manual(dir);

        for (int i = 0; i < 7; i++) { // rewritten every 100 ms: never quiet for 200 ms
            Files.writeString(file, ingress("web", "v" + i + ".example.com", "web"));
            source.poll();
            advance(100);
        }
        source.poll();

        assertThat(source.snapshot().ingresses()).as("read by the 500 ms maximum wait").singleElement()
                .satisfies(i -> assertThat(i.getSpec().getRules().get(0).getHost()).isNotEqualTo("initial.example.com"));
    }

    @Test
    void anObjectMissingFromAFileWhoseWriterPausedKeepsServing() throws IOException {
        // Issue 15, item 4: a writer pauses longer than the quiet period between two documents.
        String a = ingress("a", "a.example.com", "a");
        String b = ingress("b", "b.example.com", "b");
        Path file = Files.writeString(dir.resolve("web.yaml"), a + "---\n" + b);
        manual(dir);

        try (LogCapture log = LogCapture.of(FileSource.class)) {
            Files.writeString(file, a.replace("a.example.com", "a2.example.com") + "---\n"); // first document
            source.poll();
            advance(QUIET.toMillis() + 100); // the writer pauses
            assertThat(source.poll()).as("the changed Ingress a serves at once").isTrue();
            assertThat(names(source.snapshot().ingresses())).containsExactly("default/a", "default/b");
            assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m).contains("Ingress default/b",
                    "still served until it has been quiet for 2000 ms"));

            Files.writeString(file, b, java.nio.file.StandardOpenOption.APPEND); // the rest
            settle();
            advance(CONFIRM.toMillis());
            source.poll();
        }

        assertThat(published).allSatisfy(s -> assertThat(s.ingresses()).hasSize(2));
        assertThat(source.snapshot().ingresses()).extracting(i -> i.getSpec().getRules().get(0).getHost())
                .containsExactly("a2.example.com", "b.example.com");
    }

    @Test
    void anObjectRemovedInPlaceGoesOnceQuietAndASecondReadAgrees_butARenameRemovesAtOnce() throws IOException {
        String a = ingress("a", "a.example.com", "a");
        String b = ingress("b", "b.example.com", "b");
        Path file = Files.writeString(dir.resolve("web.yaml"), a + "---\n" + b);
        manual(dir);

        Files.writeString(file, a);
        settle();
        assertThat(names(source.snapshot().ingresses())).containsExactly("default/a", "default/b");
        advance(CONFIRM.toMillis());
        assertThat(source.poll()).isTrue();
        assertThat(names(source.snapshot().ingresses())).containsExactly("default/a");

        Path tmp = Files.writeString(dir.resolve(".web.yaml.tmp"), "");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(source.poll()).isTrue();
        assertThat(source.snapshot().ingresses()).isEmpty();
    }

    @Test
    void aFileSlowToReadNeverHoldsBackAnotherFilesEdit() throws IOException {
        // Issue 15, item 5: each file is read on its own; the poller applies what is done.
        Path slow = Files.writeString(dir.resolve("a-slow.yaml"), ingress("slow", "slow1.example.com", "web"));
        Path quick = Files.writeString(dir.resolve("b-quick.yaml"), ingress("quick", "quick1.example.com", "web"));
        manual(dir);
        List<Runnable> stuck = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean holdNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        source.readOn(read -> {
            if (holdNext.getAndSet(false)) {
                stuck.add(read); // the first read started (a-slow.yaml, in path order) takes "forever"
            } else {
                read.run();
            }
        }, () -> { });

        Files.writeString(slow, ingress("slow", "slow2.example.com", "web"));
        Files.writeString(quick, ingress("quick", "quick2.example.com", "web"));
        assertThat(settle()).isTrue();

        assertThat(hosts()).containsExactly("slow1.example.com", "quick2.example.com");
        assertThat(stuck).hasSize(1);
        stuck.get(0).run();
        assertThat(source.poll()).isTrue();
        assertThat(hosts()).containsExactly("slow2.example.com", "quick2.example.com");
    }

    @Test
    void aFileRenamedIntoPlaceIsReadAtTheNextPollWithoutAQuietPeriod() throws IOException {
        Path file = Files.writeString(dir.resolve("web.yaml"), ingress("web", "a.example.com", "web"));
        manual(dir);

        // kubectl-style / ConfigMap-style replacement: write elsewhere, rename over the old name.
        Path tmp = Files.writeString(dir.resolve(".web.yaml.tmp"), ingress("web", "b.example.com", "web"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(source.poll()).as("no clock advance needed").isTrue();
        assertThat(source.snapshot().ingresses().get(0).getSpec().getRules().get(0).getHost())
                .isEqualTo("b.example.com");
    }

    @Test
    void aRenameDoesNotCutShortTheQuietPeriodOfAnotherFileBeingEdited() throws IOException {
        Path edited = Files.writeString(dir.resolve("a.yaml"), service("a1"));
        Path renamed = Files.writeString(dir.resolve("b.yaml"), service("b1"));
        manual(dir);

        Files.writeString(edited, ""); // truncated, the rest not written yet
        Path tmp = Files.writeString(dir.resolve(".b.tmp"), service("b2"));
        Files.move(tmp, renamed, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(source.poll()).isTrue();
        assertThat(names(source.snapshot().services())).containsExactlyInAnyOrder("default/a1", "default/b2");
        assertThat(published).allSatisfy(s -> assertThat(s.services()).hasSize(2));
    }

    @Test
    void aFileLeftEmptyIsServedEmptyOnceQuiet() throws IOException {
        // The counterpart of the test above: emptiness itself is legitimate once it lasts.
        Path file = Files.writeString(dir.resolve("web.yaml"), ingress("web", "a.example.com", "web"));
        manual(dir);

        Files.writeString(file, "");
        assertThat(settle()).isFalse();
        assertThat(source.snapshot().ingresses()).as("held until a second read agrees").hasSize(1);
        advance(CONFIRM.toMillis() - QUIET.toMillis() - 1);
        assertThat(source.poll()).isFalse();
        advance(1);
        assertThat(source.poll()).isTrue();

        assertThat(source.snapshot().ingresses()).isEmpty();
    }

    @Test
    void thePollingThreadPublishesEditsAndCallsTheListener() throws IOException {
        Path file = Files.writeString(dir.resolve("web.yaml"), service("one"));
        AtomicInteger calls = new AtomicInteger();
        source = FileSource.of(List.of(dir));
        source.start(calls::incrementAndGet);
        assertThat(calls).hasValue(1);

        Files.writeString(file, service("two"));

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(names(source.snapshot().services())).containsExactly("default/two"));
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aChangeNotificationWakesThePollerLongBeforeItsInterval() throws IOException {
        Path file = Files.writeString(dir.resolve("web.yaml"), service("one"));
        // A poll interval of an hour: only the directory watch can make this test pass in time.
        source = FileSource.of(List.of(dir), System::nanoTime,
                new FileSource.Timings(Duration.ofHours(1), QUIET, MAX_WAIT, CONFIRM));
        source.start(() -> { });

        Path tmp = Files.writeString(dir.resolve(".web.yaml.tmp"), service("two"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(names(source.snapshot().services())).containsExactly("default/two"));
    }
}

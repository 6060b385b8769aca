package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.canary;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.GrpcEcho;
import dev.linnet.gateway.testing.TestCerts;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gRPC calls through the gateway, real on both sides: grpc-java's client speaks h2c with prior
 * knowledge to the HTTP port, the gateway speaks HTTP/2 to grpc-java servers
 * ({@code backend-protocol: GRPC}, or {@code GRPCS} with TLS); a canary split applies as to any
 * request, and statuses and trailers come back intact.
 */
class GrpcProxyTest {

    private static final String HOST = "grpc.example.com";
    private static final Metadata.Key<String> X_CANARY = Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER);

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private GrpcEcho server(String name) {
        return gw.closeLater(GrpcEcho.start(name));
    }

    private static Backend grpcBackend(String name, GrpcEcho server) {
        return backend(name, List.of(server.endpoint()));
    }

    private ManagedChannel client() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", gw.port()).usePlaintext()
                .overrideAuthority(HOST).build();
        gw.closeLater(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return channel;
    }

    private static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static Channel withHeader(Channel channel, String canaryValue) {
        Metadata headers = new Metadata();
        headers.put(X_CANARY, canaryValue);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void unaryCallsFollowAHeaderForcedCanary() {
        GrpcEcho stable = server("stable");
        GrpcEcho canary = server("canary");
        Route r = route(HOST, "/", grpcBackend("stable", stable), BackendProtocol.GRPC)
                .withCanary(canary(grpcBackend("canary", canary)).header("X-Canary").build());
        gw.publish(table(r));
        ManagedChannel channel = client();
        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, deadline(), "hi")).isEqualTo("stable:hi");
        assertThat(ClientCalls.blockingUnaryCall(withHeader(channel, "always"), GrpcEcho.UNARY, deadline(), "hi"))
                .isEqualTo("canary:hi");
        assertThat(ClientCalls.blockingUnaryCall(withHeader(channel, "never"), GrpcEcho.UNARY, deadline(), "hi"))
                .isEqualTo("stable:hi");
        // Many calls, one HTTP/2 connection to each pod: streams are multiplexed, not one connection per call.
        for (int i = 0; i < 20; i++) {
            ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, deadline(), "again");
        }
        assertThat(stable.connections()).isEqualTo(1);
    }

    @Test
    void serverStreamingDeliversEveryMessageInOrderToTheForcedCanary() {
        GrpcEcho stable = server("stable");
        GrpcEcho canary = server("canary");
        gw.publish(table(route(HOST, "/", grpcBackend("stable", stable), BackendProtocol.GRPC)
                .withCanary(canary(grpcBackend("canary", canary)).header("X-Canary").build())));
        List<String> got = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(withHeader(client(), "always"), GrpcEcho.STREAM, deadline(), "500")
                .forEachRemaining(got::add);
        assertThat(got).containsExactlyElementsOf(IntStream.range(0, 500).mapToObj(i -> "canary:" + i).toList());
    }

    @Test
    void bidiStreamingCallsWork() throws Exception {
        GrpcEcho stable = server("stable");
        gw.publish(table(route(HOST, "/", grpcBackend("stable", stable), BackendProtocol.GRPC)));
        List<String> got = new ArrayList<>();
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
                client().newCall(GrpcEcho.BIDI, deadline()), new StreamObserver<>() {
                    @Override
                    public void onNext(String value) {
                        got.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(got);
                    }
                });
        requests.onNext("a");
        requests.onNext("b");
        requests.onNext("c");
        requests.onCompleted();
        assertThat(done.get(20, TimeUnit.SECONDS)).containsExactly("stable:a", "stable:b", "stable:c");
    }

    @Test
    void anErrorStatusAndItsTrailersPassThrough() {
        GrpcEcho stable = server("stable");
        gw.publish(table(route(HOST, "/", grpcBackend("stable", stable), BackendProtocol.GRPC)));
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(client(), GrpcEcho.FAIL, deadline(), "entry"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription()).isEqualTo("no entry");
        assertThat(e.getTrailers().get(GrpcEcho.WHY)).isEqualTo("test");
    }

    /** ingress-nginx's hide-headers renders proxy_hide_header, which nginx's grpc_pass does not read. */
    @Test
    void hideHeadersLeavesGrpcResponsesAlone() {
        GrpcEcho stable = server("stable");
        gw.configure(c -> c.toBuilder().responseHeaders(new ResponseHeaders(null, null, false, List.of(),
                List.of("x-why"))).build());
        gw.publish(table(route(HOST, "/", grpcBackend("stable", stable), BackendProtocol.GRPC)));
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(client(), GrpcEcho.FAIL, deadline(), "entry"));
        assertThat(e.getTrailers().get(GrpcEcho.WHY)).isEqualTo("test");
    }

    @Test
    void afterAGoAwayNewCallsGoToANewConnection() {
        // The pod ends every connection after 200 ms with GOAWAY (maxConnectionAge): calls keep working.
        GrpcEcho aging = gw.closeLater(GrpcEcho.start("aging", null,
                b -> b.maxConnectionAge(200, TimeUnit.MILLISECONDS).maxConnectionAgeGrace(5, TimeUnit.SECONDS)));
        gw.publish(table(route(HOST, "/", grpcBackend("aging", aging), BackendProtocol.GRPC)));
        ManagedChannel channel = client();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, deadline(), "x")).isEqualTo("aging:x");
            return aging.connections() >= 3;
        });
    }

    @Test
    void grpcsReachesATlsPodByAlpnH2() {
        GrpcEcho secure = gw.closeLater(GrpcEcho.start("secure", TestCerts.selfSigned("pod.internal"), b -> b));
        gw.publish(table(route(HOST, "/", grpcBackend("secure", secure), BackendProtocol.GRPCS)));
        assertThat(ClientCalls.blockingUnaryCall(client(), GrpcEcho.UNARY, deadline(), "hi")).isEqualTo("secure:hi");
    }

    @Test
    void grpcToAnUnreachablePodIsUnavailable() throws InterruptedException {
        GrpcEcho gone = server("gone");
        gw.publish(table(route(HOST, "/", grpcBackend("gone", gone), BackendProtocol.GRPC)));
        gone.close(); // its port now refuses connections
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(client(), GrpcEcho.UNARY, deadline(), "hi"));
        // 502 without grpc-status: grpc-java maps HTTP 502 to UNAVAILABLE (gRPC's HTTP-to-gRPC status mapping).
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
}

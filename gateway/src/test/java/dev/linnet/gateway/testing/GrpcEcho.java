package dev.linnet.gateway.testing;

import dev.linnet.gateway.route.Endpoint;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real gRPC server (grpc-java, its own shaded Netty) on 127.0.0.1 with a String service, no
 * protoc: every answer starts with the server's name, so a test sees where a call landed.
 * <ul>
 *   <li>{@link #UNARY}: {@code "<name>:<request>"};</li>
 *   <li>{@link #STREAM}: request {@code "n"} gives n messages {@code "<name>:0"} …;</li>
 *   <li>{@link #BIDI}: one {@code "<name>:<message>"} per message, until the client ends;</li>
 *   <li>{@link #FAIL}: status PERMISSION_DENIED, description {@code "no <request>"}, trailer
 *       {@code x-why: test}.</li>
 * </ul>
 */
public final class GrpcEcho implements AutoCloseable {

    public static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor<String, String> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> STREAM =
            method("Stream", MethodDescriptor.MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<String, String> BIDI = method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);
    public static final MethodDescriptor<String, String> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
    public static final Metadata.Key<String> WHY = Metadata.Key.of("x-why", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    private final AtomicInteger connections = new AtomicInteger();

    private GrpcEcho(String name, SelfSignedCertificate tls, UnaryOperator<NettyServerBuilder> tune) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service(name))
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public io.grpc.Attributes transportReady(io.grpc.Attributes attrs) {
                        connections.incrementAndGet();
                        return attrs;
                    }
                });
        if (tls != null) {
            builder.useTransportSecurity(tls.certificate(), tls.privateKey());
        }
        server = tune.apply(builder).build().start();
    }

    public static GrpcEcho start(String name) {
        return start(name, null, b -> b);
    }

    /** @param tls serve TLS with this certificate (ALPN h2), or null for h2c */
    public static GrpcEcho start(String name, SelfSignedCertificate tls, UnaryOperator<NettyServerBuilder> tune) {
        try {
            return new GrpcEcho(name, tls, tune);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", port());
    }

    /** HTTP/2 connections the server accepted so far. */
    public int connections() {
        return connections.get();
    }

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    private static ServerServiceDefinition service(String name) {
        return ServerServiceDefinition.builder("test.Echo")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, out) -> {
                    out.onNext(name + ":" + request);
                    out.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall((request, out) -> {
                    for (int i = 0; i < Integer.parseInt(request); i++) {
                        out.onNext(name + ":" + i);
                    }
                    out.onCompleted();
                }))
                .addMethod(BIDI, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        out.onNext(name + ":" + value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) -> {
                    Metadata trailers = new Metadata();
                    trailers.put(WHY, "test");
                    out.onError(Status.PERMISSION_DENIED.withDescription("no " + request).asRuntimeException(trailers));
                }))
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}

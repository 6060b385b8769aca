package dev.linnet.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * HTTP/2 frames written by hand over a blocking socket, for what a well-behaved client (Netty's
 * codec, {@link H2Client}) refuses to send: a lower stream id, HEADERS without {@code :method},
 * DATA after END_STREAM. Headers are HPACK-encoded with Netty's encoder; frames read back are
 * returned as they come, so a test can wait for the RST_STREAM or GOAWAY it expects.
 */
public final class RawH2Client implements AutoCloseable {

    /** One frame as read: type, flags, stream id, payload. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        public boolean is(byte frameType) {
            return type == frameType;
        }

        /** The error code of a RST_STREAM or GOAWAY. */
        public long errorCode() {
            ByteBuffer b = ByteBuffer.wrap(payload);
            return Integer.toUnsignedLong(type == Http2FrameTypes.GO_AWAY ? b.getInt(4) : b.getInt(0));
        }

        public boolean endStream() {
            return (flags & 0x1) != 0 && (type == Http2FrameTypes.DATA || type == Http2FrameTypes.HEADERS);
        }

        @Override
        public String toString() {
            return "type " + type + " flags " + flags + " stream " + stream + " length " + payload.length;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();

    private RawH2Client(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** h2c with prior knowledge; nothing sent yet. */
    public static RawH2Client connect(int port) {
        try {
            return new RawH2Client(new Socket("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS handshake with ALPN {@code h2} (the certificate is not checked); nothing sent yet. */
    public static RawH2Client connectTls(int port) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TlsClient.TrustAll()}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
            SSLParameters params = socket.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(params);
            socket.startHandshake();
            if (!"h2".equals(socket.getApplicationProtocol())) {
                throw new IllegalStateException("ALPN chose " + socket.getApplicationProtocol());
            }
            return new RawH2Client(socket);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes as they are, before the preface too (a PROXY protocol header). */
    public RawH2Client raw(byte[] bytes) {
        return write(bytes);
    }

    /** The connection preface and an empty SETTINGS frame. */
    public RawH2Client preface() {
        write(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
        return frame(Http2FrameTypes.SETTINGS, 0, 0, new byte[0]);
    }

    /** A HEADERS frame with END_HEADERS, and END_STREAM if {@code endStream}. */
    public RawH2Client headers(int stream, Http2Headers headers, boolean endStream) {
        ByteBuf block = Unpooled.buffer();
        try {
            hpack.encodeHeaders(stream, headers, block);
            return frame(Http2FrameTypes.HEADERS, 0x4 | (endStream ? 0x1 : 0), stream, ByteBufUtil.getBytes(block));
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            block.release();
        }
    }

    public RawH2Client data(int stream, byte[] data, boolean endStream) {
        return frame(Http2FrameTypes.DATA, endStream ? 0x1 : 0, stream, data);
    }

    public RawH2Client frame(byte type, int flags, int stream, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put(type).put((byte) flags).putInt(stream).put(payload);
        return write(frame.array());
    }

    private RawH2Client write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next frame; null when the server closed the connection. */
    public Frame read() {
        try {
            int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new Frame(type, flags, stream, payload);
        } catch (EOFException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no frame within the socket timeout", e);
        } catch (IOException e) {
            return null; // reset by the server: closed as well
        }
    }

    /** Reads frames until one of {@code type} (returned) or the end of the connection (null). */
    public Frame await(byte type) {
        for (Frame f = read(); ; f = read()) {
            if (f == null || f.is(type)) {
                return f;
            }
        }
    }

    /** Reads until the server closes the connection; the GOAWAY seen on the way, if any. */
    public Frame awaitClose() {
        Frame goAway = null;
        for (Frame f = read(); f != null; f = read()) {
            if (f.is(Http2FrameTypes.GO_AWAY)) {
                goAway = f;
            }
        }
        return goAway;
    }

    /**
     * The frames that arrive within {@code time}, for a test that expects quiet; the list ends
     * with null if the server closed the connection meanwhile.
     */
    public List<Frame> framesWithin(Duration time) {
        List<Frame> frames = new ArrayList<>();
        long end = System.nanoTime() + time.toNanos();
        try {
            for (long left = time.toMillis(); left > 0; left = (end - System.nanoTime()) / 1_000_000) {
                soTimeout((int) left);
                Frame f = read();
                frames.add(f);
                if (f == null) {
                    break;
                }
            }
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof SocketTimeoutException)) {
                throw e;
            }
        } finally {
            soTimeout(20_000);
        }
        return frames;
    }

    public void soTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

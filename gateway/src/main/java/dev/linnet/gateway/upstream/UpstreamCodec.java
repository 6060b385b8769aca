package dev.linnet.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * An upstream connection's HTTP/1.1 codec: Netty's {@code HttpClientCodec} (final, so rebuilt
 * here as {@code ServerCodec} is on the client side: the encoder queues each request's method,
 * the decoder takes one per final response, so the answer to a HEAD is read without a body)
 * with one addition, the response pass-through.
 *
 * <p>An exchange that edits nothing in a response head arms the codec ({@link #passThrough})
 * before its request goes out. When the response's first bytes arrive while the decoder is
 * between messages, {@link HeadScan} looks at the head in the buffer: a plain head with a
 * Content-Length is taken here, rewritten into one buffer ({@link PassedHead}) and its body
 * sliced off as it comes ({@link PassedBody}), never reaching Netty's decoder, whose state stays
 * "between messages". The method queue loses the response's method here, as it would have in
 * the decoder. Anything else is handed to Netty's decoder untouched, so a fallback is today's
 * path exactly.
 *
 * <pre>
 *   bytes ─▶ armed, between messages? ─no──────────────────────────────▶ Netty's decoder
 *              │ yes
 *              ▼
 *            HeadScan: plain head, whole here? ─no (fallback, unarmed) ─▶ Netty's decoder
 *              │ yes: poll the method queue
 *              ▼
 *            PassedHead, then PassedBody slices until Content-Length bytes went by
 * </pre>
 */
public final class UpstreamCodec extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {

    private static final int MAX_PIECE = UpstreamPool.MAX_CHUNK_SIZE; // Netty's pieces, so back-pressure is unchanged
    private static final int SMALL_BODY = 2048; // a whole body this small is copied behind its head: one buffer
    private static final int TURNED_DOWN_IN_A_ROW = 8;
    private static final int LOOK_EVERY = 16;

    private final Queue<HttpMethod> methods = new ArrayDeque<>(2);
    private boolean done; // a CONNECT was answered 200: raw bytes from now on (as HttpClientCodec)
    private PassPlan plan; // armed for the next response, or null
    private boolean betweenMessages = true; // the decoder holds no part of a response
    private long passing = -1; // body bytes of a passed response still to come; -1: none under way
    private int turnedDown; // armed responses in a row the scan left to Netty, or not scanned

    public UpstreamCodec(HttpDecoderConfig config) {
        init(new Decoder(config), new Encoder());
    }

    /**
     * Lets the response to the request about to be written pass through with {@code plan}'s
     * edits, if its head allows. Only the first response after this call is looked at.
     */
    public void passThrough(PassPlan plan) {
        this.plan = plan;
    }

    private final class Encoder extends HttpRequestEncoder {

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request && !done) {
                methods.offer(request.method());
            }
            super.encode(ctx, msg, out);
        }
    }

    private final class Decoder extends HttpResponseDecoder {

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (passing >= 0) {
                passBody(in, out);
                return;
            }
            if (done) {
                int readable = actualReadableBytes();
                if (readable > 0) {
                    out.add(in.readBytes(readable));
                }
                return;
            }
            PassPlan armed = plan;
            if (armed != null && betweenMessages && in.isReadable()) {
                plan = null; // one look: a head not whole in this read is Netty's
                if (worthALook() && passHead(ctx, in, out, armed)) {
                    turnedDown = 0;
                    return;
                }
                turnedDown = turnedDown == Integer.MAX_VALUE ? TURNED_DOWN_IN_A_ROW : turnedDown + 1;
            }
            int size = out.size();
            int reader = in.readerIndex();
            super.decode(ctx, in, out);
            if (out.size() > size) {
                betweenMessages = out.get(out.size() - 1) instanceof LastHttpContent;
            } else if (in.readerIndex() != reader) {
                betweenMessages = false; // part of a head read (or control bytes skipped: no pass-through for it)
            }
        }

        /**
         * A backend that answers chunked (or otherwise not plainly) keeps doing so: after
         * {@value #TURNED_DOWN_IN_A_ROW} heads turned down in a row on this connection, only one in
         * {@value #LOOK_EVERY} is scanned, so such a backend pays the scan (≈ 0.2 µs) on few responses.
         */
        private boolean worthALook() {
            return turnedDown < TURNED_DOWN_IN_A_ROW || turnedDown % LOOK_EVERY == 0;
        }

        private boolean passHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, PassPlan armed) {
            HeadScan scan = HeadScan.get();
            if (!scan.scan(in, armed.dropped())) {
                return false;
            }
            int headLength = scan.end;
            long length = scan.contentLength;
            long here = Math.min(length, in.readableBytes() - headLength);
            int room = headLength + armed.extraBytes() + PassPlan.END_ROOM
                    + (here == length && length <= SMALL_BODY ? (int) length : 0);
            ByteBuf head = ctx.alloc().buffer(room);
            armed.write(scan, head);
            in.skipBytes(headLength);
            methods.poll(); // this response's request, as isContentAlwaysEmpty would have taken it
            out.add(new PassedHead(head, armed, scan.server, scan.status, length, !scan.upstreamClose));
            passing = length;
            betweenMessages = false;
            passBody(in, out);
            return true;
        }

        private void passBody(ByteBuf in, List<Object> out) {
            int n = (int) Math.min(passing, Math.min(in.readableBytes(), MAX_PIECE));
            if (n == 0 && passing > 0) {
                return;
            }
            ByteBuf piece = n == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(n);
            passing -= n;
            boolean last = passing == 0;
            out.add(PassedBody.of(piece, last));
            if (last) {
                passing = -1;
                betweenMessages = true;
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            HttpResponse response = (HttpResponse) msg;
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // an interim answer: the request's own is still to come
            }
            HttpMethod method = methods.poll();
            if (HttpMethod.HEAD.equals(method)) {
                return true; // RFC 9110 §9.3.2: whatever its fields say, no body follows
            }
            if (HttpMethod.CONNECT.equals(method) && response.status().code() == 200) {
                done = true; // a tunnel: no more HTTP on this connection
                methods.clear();
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}

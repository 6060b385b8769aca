package dev.linnet.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Queue;

/**
 * Netty's request decoder, refusing what nginx's parser (ngx_http_parse_request_line,
 * ngx_http_parse_header_line) refuses and Netty lets through, so that no request reaches a pod
 * in a shape nginx would never have sent (issue 14, items 3 and 4). Each refusal is a failed head,
 * which the frontend answers with 400 and a close:
 *
 * <ul>
 *   <li>a method with anything but {@code A-Z}, {@code _} and {@code -} ({@code get} included);</li>
 *   <li>a request-line separator other than SP (TAB, VT, FF, a bare CR): Netty splits on all of them;</li>
 *   <li>an obs-fold continuation line (RFC 9112 §5.2 lets a server refuse it; nginx does): Netty
 *       joins it to the previous value;</li>
 *   <li>more than one {@code Content-Length} field (nginx: "client sent duplicate header line"):
 *       Netty refuses them for HTTP/1.1 but takes the first for HTTP/1.0, and the rest of the body
 *       would then be read as a request;</li>
 *   <li>{@code Content-Length} with {@code Transfer-Encoding: chunked}, {@code Transfer-Encoding}
 *       on HTTP/1.0, or twice (ngx_http_process_request_header): Netty would frame them as chunked;</li>
 *   <li>a {@code Transfer-Encoding} other than {@code chunked} alone ({@code gzip, chunked}):
 *       nginx answers 501, Netty frames it as chunked and passes the field on.</li>
 * </ul>
 *
 * <p>As Netty's own server codec (4.2.18), at most {@value #MAX_PIPELINE_DEPTH} decoded heads may
 * wait for their answers: a client that pipelines more in one read, without reading, is cut.
 *
 * <p>The request line costs a look at its separators; the head costs one more pass over its line
 * starts (the body is never scanned). The method of each head is queued for the response encoder
 * (a HEAD answer has no body), as Netty's own server codec does.
 */
final class NginxRequestDecoder extends HttpRequestDecoder {

    private static final AsciiString CONTENT_LENGTH_COLON = AsciiString.cached("content-length:");
    static final int MAX_PIPELINE_DEPTH = 128;

    private final Queue<HttpMethod> methods;
    private boolean inHead = true; // the next bytes belong to a request head (line or fields)
    private boolean lineSeen; // this head's request line was parsed; its fields come next
    private int lineSeparatorFrom; // where the separator before the next request-line word begins
    private int contentLengths; // Content-Length fields seen in this head so far
    private boolean refused; // a head was refused: everything after it is discarded

    NginxRequestDecoder(HttpDecoderConfig config, Queue<HttpMethod> methods) {
        super(config);
        this.methods = methods;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (refused) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (inHead) {
            String problem = scanHead(buffer);
            if (problem != null) {
                refuse(buffer, out, problem);
                return;
            }
        }
        int from = out.size();
        super.decode(ctx, buffer, out);
        for (int i = from, n = out.size(); i < n; i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest request) {
                methods.add(request.method());
                inHead = false;
                lineSeen = false;
                contentLengths = 0;
            }
            if (msg instanceof LastHttpContent) {
                inHead = true;
            }
            if (((HttpObject) msg).decoderResult().isFailure()) {
                refused = true; // Netty discards the rest too (BAD_MESSAGE): no need to scan it
            }
        }
        if (methods.size() > MAX_PIPELINE_DEPTH) {
            refused = true;
            buffer.skipBytes(buffer.readableBytes());
            for (int i = out.size() - 1; i >= from; i--) {
                ReferenceCountUtil.release(out.remove(i));
            }
            ctx.close();
        }
    }

    /**
     * Looks at the start of every complete head line ahead of the decoder: a line starting with
     * SP or TAB folds, a second {@code Content-Length} duplicates. Only complete lines are looked
     * at, and the decoder consumes exactly those, so no line is counted twice.
     *
     * @return what is wrong, or null
     */
    private String scanHead(ByteBuf buffer) {
        int i = buffer.readerIndex();
        int end = buffer.writerIndex();
        if (!lineSeen) { // the request line (after the empty lines the decoder skips) cannot fold
            while (i < end && buffer.getByte(i) <= ' ' && buffer.getByte(i) >= 0) {
                i++;
            }
            i = buffer.indexOf(i, end, (byte) '\n');
            if (i < 0) {
                return null;
            }
            i++;
        }
        while (i < end) {
            byte first = buffer.getByte(i);
            if (first == '\n' || first == '\r' && i + 1 < end && buffer.getByte(i + 1) == '\n') {
                return null; // the empty line: the head ends here
            }
            int lf = buffer.indexOf(i, end, (byte) '\n');
            if (lf < 0) {
                return null; // incomplete: looked at again when the rest has come
            }
            if (first == ' ' || first == '\t') {
                return "obs-fold continuation line";
            }
            if ((first == 'c' || first == 'C') && isContentLength(buffer, i, lf) && ++contentLengths > 1) {
                return "duplicate Content-Length";
            }
            i = lf + 1;
        }
        return null;
    }

    private static boolean isContentLength(ByteBuf buffer, int start, int lineEnd) {
        int n = CONTENT_LENGTH_COLON.length();
        if (lineEnd - start < n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            byte b = buffer.getByte(start + k);
            byte c = CONTENT_LENGTH_COLON.byteAt(k);
            if (b != c && !(c >= 'a' && c <= 'z' && b == c - ('a' - 'A'))) {
                return false;
            }
        }
        return true;
    }

    private void refuse(ByteBuf buffer, List<Object> out, String problem) {
        refused = true;
        buffer.skipBytes(buffer.readableBytes());
        HttpMessage invalid = createInvalidMessage();
        invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
        out.add(invalid);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("Content-Length and Transfer-Encoding"); // Netty would drop the length
    }

    /** Called once the fields are read, before the framing is chosen: the hook to refuse a framing. */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        List<String> codings = message.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty()) {
            if (codings.size() > 1) {
                throw new IllegalArgumentException("duplicate Transfer-Encoding"); // a unique header line in nginx
            }
            if (message.protocolVersion() == HttpVersion.HTTP_1_0) {
                throw new IllegalArgumentException("Transfer-Encoding on HTTP/1.0");
            }
            if (!HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(codings.get(0))) {
                // nginx knows exactly one coding, alone: "gzip, chunked" would be framed as
                // chunked by Netty and reach the pod with a coding it may read its own way.
                throw new UnknownTransferEncodingException(codings.get(0));
            }
        }
        return super.isContentAlwaysEmpty(message);
    }

    /** A {@code Transfer-Encoding} nginx does not know: 501, as "client sent unknown Transfer-Encoding". */
    static final class UnknownTransferEncodingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownTransferEncodingException(String value) {
            super("unknown Transfer-Encoding: " + (value.length() <= 40 ? value : value.substring(0, 40) + "…"));
        }
    }

    @Override
    protected String splitFirstWordInitialLine(byte[] line, int start, int length) {
        for (int i = start, end = start + length; i < end; i++) {
            byte b = line[i];
            if ((b < 'A' || b > 'Z') && b != '_' && b != '-') {
                throw new IllegalArgumentException("invalid method"); // nginx: NGX_HTTP_PARSE_INVALID_METHOD
            }
        }
        lineSeen = true;
        lineSeparatorFrom = start + length;
        return super.splitFirstWordInitialLine(line, start, length);
    }

    @Override
    protected String splitSecondWordInitialLine(byte[] line, int start, int length) {
        checkSeparator(line, start);
        lineSeparatorFrom = start + length;
        return super.splitSecondWordInitialLine(line, start, length);
    }

    @Override
    protected String splitThirdWordInitialLine(byte[] line, int start, int length) {
        checkSeparator(line, start);
        return super.splitThirdWordInitialLine(line, start, length);
    }

    /** nginx separates the request-line words with spaces only; Netty also with TAB, VT, FF and CR. */
    private void checkSeparator(byte[] line, int wordStart) {
        for (int i = lineSeparatorFrom; i < wordStart; i++) {
            if (line[i] != ' ') {
                throw new IllegalArgumentException("invalid request-line separator");
            }
        }
    }
}

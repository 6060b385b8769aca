package dev.linnet.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.RejectedExecutionException;

/**
 * One buffered request body ({@code proxy-request-buffering on}): its first bytes in memory up to
 * the route's {@code client-body-buffer-size}, the rest in a temporary file of the
 * {@link BodySpool}; sent whole to every attempt, so a retry resends it. Lives on the client's
 * event loop; file writes run on the spool's threads, one at a time.
 *
 * <pre>
 *   piece ─▶ memory full? ─no──▶ copy into memory ─────────────────────────▶ ready for the next piece
 *               │ yes
 *               └─▶ budget? ─no─▶ failed (500) ─ yes ─▶ write on a spool thread ─▶ back on the loop ─▶ ready
 *
 *   upstream ◀─ head, memory part, file part (plain: FileRegion, sendfile; TLS: ChunkedNioFile reads), end
 * </pre>
 *
 * Reference counted: the exchange holds one reference, and so does every write or send under
 * way. The last release frees the memory, closes the file and gives its bytes back to the
 * budget, whichever path the request ended on.
 */
final class SpooledBody extends AbstractReferenceCounted {

    /**
     * Memory is filled in buffers of this size: a client sending one-byte chunks must not make a
     * composite of a million components.
     */
    private static final int PIECE = 16 * 1024;
    /**
     * Small pieces bound for the file are gathered up to this size first (nginx writes whole
     * buffers too): a client sending one-byte chunks must not cost a write and a thread hop each.
     */
    private static final int BATCH = 64 * 1024;
    /** What one read of the file sends to a TLS upstream. */
    private static final int CHUNK = 64 * 1024;
    /** At most this many chunks are queued before the next round waits for them to be written. */
    private static final int ROUND = 16;

    private final ByteBufAllocator alloc;
    private final EventLoop loop;
    private final BodySpool spool;
    private final long memoryLimit;
    private final CompositeByteBuf memory;
    private ByteBuf tail; // the memory's last buffer, still filling
    private long memoryBytes;
    private ByteBuf batch; // bytes bound for the file, gathered until BATCH or the body's end
    private FileChannel file;
    private long fileBytes; // written or being written
    private long reserved; // of the spool's budget
    private Future<Void> lastWrite; // a write starts when the one before it is done: the file grows in order

    SpooledBody(ByteBufAllocator alloc, EventLoop loop, BodySpool spool, long memoryLimit) {
        this.alloc = alloc;
        this.loop = loop;
        this.spool = spool;
        this.memoryLimit = memoryLimit;
        this.memory = alloc.compositeBuffer(Integer.MAX_VALUE);
    }

    /** Bytes kept so far, memory and file. */
    long size() {
        return memoryBytes + fileBytes + (batch == null ? 0 : batch.readableBytes());
    }

    /** Whether part of the body is in a file. */
    boolean spilled() {
        return file != null;
    }

    /**
     * Keeps {@code bytes} (which it releases) at the end of the body; {@code last}: the body is
     * complete. The future succeeds on the event loop once the next piece may come; it fails when
     * the file could not take them (budget used up, an I/O error): nginx's 500 for a temporary
     * file it cannot write.
     */
    Future<Void> append(ByteBuf bytes, boolean last) {
        long room = memoryLimit - memoryBytes;
        if (room > 0) {
            toMemory(bytes, (int) Math.min(room, bytes.readableBytes()));
        }
        if (!bytes.isReadable() && !(last && batch != null)) {
            bytes.release();
            return kept();
        }
        return toFile(bytes, last);
    }

    /** Done now, unless a file write is still under way: then once it is (the body is only whole after it). */
    private Future<Void> kept() {
        return lastWrite == null || lastWrite.isDone() ? loop.newSucceededFuture(null) : lastWrite;
    }

    private void toMemory(ByteBuf bytes, int n) {
        memoryBytes += n;
        while (n > 0) {
            if (tail == null) {
                int size = (int) Math.min(PIECE, memoryLimit - memory.readableBytes());
                tail = alloc.buffer(size, size);
            }
            int now = Math.min(n, tail.writableBytes());
            tail.writeBytes(bytes, now);
            n -= now;
            if (!tail.isWritable()) {
                memory.addComponent(true, tail);
                tail = null;
            }
        }
    }

    /** Reserves the budget as bytes come, gathers small pieces, writes a batch once full or at the end. */
    private Future<Void> toFile(ByteBuf bytes, boolean last) {
        int n = bytes.readableBytes();
        if (!spool.reserve(n)) {
            bytes.release();
            return loop.newFailedFuture(new IOException("client body temporary files: budget used up"));
        }
        reserved += n;
        if (!last && (batch == null ? n < BATCH : n <= batch.writableBytes())) {
            if (batch == null) {
                batch = alloc.buffer(BATCH, BATCH);
            }
            batch.writeBytes(bytes);
            bytes.release();
            return kept();
        }
        ByteBuf job = bytes;
        if (batch != null) { // one gathering write: what was gathered, then this piece
            job = alloc.compositeBuffer(2).addComponents(true, batch, bytes);
            batch = null;
        }
        return submit(job);
    }

    private Future<Void> submit(ByteBuf bytes) {
        int n = bytes.readableBytes();
        try {
            if (file == null) {
                file = spool.newFile();
            }
        } catch (IOException e) {
            bytes.release();
            spool.writeFailed(e);
            return loop.newFailedFuture(e);
        }
        long position = fileBytes;
        fileBytes += n;
        FileChannel target = file;
        Promise<Void> written = loop.newPromise();
        retain(); // the write holds the body: the file stays open until it ends
        // The exchange asks for the next piece only once this one is kept, so a write is normally
        // alone; pieces a closing connection delivers unasked queue behind it all the same.
        Future<Void> before = lastWrite;
        lastWrite = written;
        if (before == null || before.isDone()) {
            startWrite(target, bytes, position, written);
        } else {
            before.addListener(f -> startWrite(target, bytes, position, written));
        }
        return written;
    }

    private void startWrite(FileChannel target, ByteBuf bytes, long position, Promise<Void> written) {
        try {
            spool.writers().execute(() -> write(target, bytes, position, written));
        } catch (RejectedExecutionException e) { // the gateway is closing
            bytes.release();
            release();
            written.tryFailure(e);
        }
    }

    /** On a spool thread. */
    private void write(FileChannel target, ByteBuf bytes, long position, Promise<Void> written) {
        IOException failure = null;
        try {
            long at = position;
            for (ByteBuffer b : bytes.nioBuffers()) {
                while (b.hasRemaining()) {
                    at += target.write(b, at);
                }
            }
        } catch (IOException e) {
            failure = e;
            spool.writeFailed(e);
        }
        IOException outcome = failure;
        try {
            loop.execute(() -> {
                bytes.release();
                release();
                if (outcome == null) {
                    written.trySuccess(null);
                } else {
                    written.tryFailure(outcome);
                }
            });
        } catch (RejectedExecutionException e) { // the loop is gone: nobody waits, let go from here
            bytes.release();
            release();
        }
    }

    /**
     * Sends {@code head} and the whole body to {@code upstream} (again, for a retry). The future is
     * that of the request's last write: a failure of an earlier one closes the connection.
     */
    ChannelFuture writeTo(Channel upstream, HttpRequest head) {
        if (tail != null) { // the body is complete: its last buffer joins the rest
            memory.addComponent(true, tail);
            tail = null;
        }
        upstream.write(head, upstream.voidPromise());
        if (file == null) {
            return upstream.writeAndFlush(new DefaultLastHttpContent(memory.retainedDuplicate()));
        }
        if (memory.isReadable()) {
            upstream.write(new DefaultHttpContent(memory.retainedDuplicate()), upstream.voidPromise());
        }
        if (upstream.pipeline().get(SslHandler.class) == null) {
            upstream.write(new Region(this), upstream.voidPromise()); // zero-copy: sendfile or transferTo
            return upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        ChannelPromise done = upstream.newPromise();
        new Chunks(this, upstream, done).send();
        return done;
    }

    @Override
    protected void deallocate() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (tail != null) {
            tail.release();
            tail = null;
        }
        memory.release();
        if (file != null) {
            spool.closed(file);
            file = null;
        }
        spool.free(reserved);
        reserved = 0;
    }

    @Override
    public SpooledBody touch(Object hint) {
        return this;
    }

    /** The file part as a region that holds the body instead of closing the file (a retry sends it again). */
    private static final class Region extends DefaultFileRegion {
        private final SpooledBody body;

        Region(SpooledBody body) {
            super(body.file, 0, body.fileBytes);
            body.retain();
            this.body = body;
        }

        @Override
        protected void deallocate() {
            body.release();
        }
    }

    /**
     * The file part over TLS, which needs the bytes in user space: {@link ChunkedNioFile} reads, as
     * many as the connection takes before it is unwritable, then the next round when the last
     * write is done (so at most a socket buffer's worth is queued).
     */
    private static final class Chunks {
        private final SpooledBody body;
        private final Channel upstream;
        private final ChannelPromise done;
        private final ChunkedNioFile input;

        Chunks(SpooledBody body, Channel upstream, ChannelPromise done) {
            body.retain();
            this.body = body;
            this.upstream = upstream;
            this.done = done;
            ChunkedNioFile in;
            try {
                in = new ChunkedNioFile(body.file, 0, body.fileBytes, CHUNK);
            } catch (IOException e) {
                in = null;
                upstream.close();
                finish(e);
            }
            this.input = in;
        }

        void send() {
            if (input == null) {
                return;
            }
            try {
                ChannelFuture last = null;
                int round = 0;
                do {
                    ByteBuf chunk = input.readChunk(upstream.alloc());
                    if (input.isEndOfInput()) {
                        upstream.write(new DefaultHttpContent(chunk), upstream.voidPromise());
                        upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                                .addListener(f -> finish(f.cause()));
                        return;
                    }
                    last = upstream.write(new DefaultHttpContent(chunk));
                } while (upstream.isWritable() && ++round < ROUND);
                upstream.flush();
                last.addListener(f -> {
                    if (f.isSuccess()) {
                        send();
                    } else {
                        finish(f.cause());
                    }
                });
            } catch (Exception e) {
                upstream.close();
                finish(e);
            }
        }

        private void finish(Throwable cause) {
            body.release();
            if (cause == null) {
                done.trySuccess();
            } else {
                done.tryFailure(cause);
            }
        }
    }
}

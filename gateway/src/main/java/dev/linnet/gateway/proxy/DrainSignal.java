package dev.linnet.gateway.proxy;

/**
 * The user event {@link ClientConnections#drain} fires down the pipeline of every client
 * connection once the listeners stopped accepting. It is the hook for every protocol handler
 * that keeps a connection open between messages:
 *
 * <ul>
 *   <li>HTTP/1.1 ({@code FrontendHandler}): an idle keep-alive connection closes at once; a busy
 *       one answers its current request with {@code Connection: close}.
 *   <li>HTTP/2: send GOAWAY (last stream id = the highest one started), let open streams end.
 *   <li>Tunnels (WebSocket, upgrades): keep relaying; they may close themselves (a close frame)
 *       or are cut when the grace ends.
 * </ul>
 *
 * A handler that does not know the event passes it on; the connection is cut at the end of the
 * grace whatever it does. Handlers that need the state rather than the event (a response head
 * written later) ask {@link ClientConnections#isDraining(io.netty.channel.Channel)}.
 */
public enum DrainSignal {
    INSTANCE
}

package dev.linnet.gateway.policy;

import io.netty.handler.codec.http.HttpResponse;

/**
 * A policy that edits the response head about to go to the client: a proxied response, or a
 * local answer of the route (a policy's 401, a 403, 502, 503, 504). Whether it applies to a given
 * status is its own rule (nginx's {@code add_header} without {@code always} skips most errors).
 */
public interface ResponsePolicy extends Policy {

    /** Runs on the request's event loop, before the head is written. */
    void onResponse(RequestContext request, HttpResponse response);
}

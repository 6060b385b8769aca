package dev.linnet.gateway.policy;

import io.netty.handler.codec.http.HttpRequest;

/** A policy that edits the request head about to go upstream (after the gateway's own proxy headers). */
public interface UpstreamPolicy extends Policy {

    /** Runs on the request's event loop, once per request (retries resend the same head). */
    void onUpstreamRequest(RequestContext request, HttpRequest upstream);
}

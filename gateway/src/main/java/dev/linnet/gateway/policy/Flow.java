package dev.linnet.gateway.policy;

/** What a {@link RequestPolicy} did with a request. */
public enum Flow {
    /** Nothing to say: the next policy (then the proxy) goes on. */
    CONTINUE,
    /**
     * An access check with no rule for this client (nginx's {@code NGX_DECLINED} from the access
     * module): the next policy goes on, as with {@link #CONTINUE}, but under {@code satisfy any}
     * it is not the passing check that lets the request through.
     */
    DECLINED,
    /** It called {@link RequestContext#answer}: the request is over, nothing after it runs. */
    ANSWERED,
    /**
     * It started asynchronous work and will call {@link RequestContext#resume} or
     * {@link RequestContext#answer} later (from any thread: the call moves to the request's event
     * loop). Nothing of the request body is read meanwhile.
     */
    SUSPENDED
}

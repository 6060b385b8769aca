package dev.linnet.gateway.policy;

/**
 * {@code satisfy: any} (nginx's {@code satisfy any}): one passing access check suffices. Without
 * it ({@code all}, the default) the first access check that fails answers. It carries no code of
 * its own: {@link Policies#satisfyAny()} tells the request loop, which then keeps the answers of
 * failing checks ({@link RequestContext#deny}) until one passes, and when none does sends the
 * first 401 (a later 401 replaces it: the external-auth sign-in redirect is nginx's
 * {@code error_page 401}, which wins over a basic-auth challenge), else the first 403, as
 * nginx's {@code ngx_http_core_access_phase} keeps {@code r->access_code}. Any other answer (a
 * 500 from an unreachable auth service) ends the request at once, as there.
 */
public record Satisfy() implements Policy {

    public static final Satisfy ANY = new Satisfy();

    @Override
    public Step step() {
        return Step.EXTERNAL_AUTH;
    }
}

package dev.linnet.gateway.split;

import dev.linnet.gateway.route.CanaryRule;

/**
 * A split outcome on a route with several canaries: the decision and which canary serves.
 * {@link MultiCanary} builds every pick it can return up front, so deciding never allocates.
 *
 * @param canary the canary that serves, or {@code null} for the stable backend
 * @param index its position among the route's canaries (oldest first), or {@code -1}
 */
public record Pick(CanaryRule canary, int index, Decision decision) {
}

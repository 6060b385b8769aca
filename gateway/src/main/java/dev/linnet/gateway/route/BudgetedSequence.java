package dev.linnet.gateway.route;

/**
 * A {@link CharSequence} that counts every character a regular expression reads and gives up
 * when the budget is spent. Java's backtracking engine has no step limit of its own; this is
 * the one both {@link HeaderPattern} and {@link PathRegex} use so that a pathological pattern
 * from an annotation or an Ingress path cannot stall an event loop. {@code subSequence} shares
 * the counter, so no read escapes it.
 */
final class BudgetedSequence implements CharSequence {

    /** Thrown (preallocated, no stack trace) when the budget is spent. */
    static final class BudgetExceeded extends RuntimeException {
        static final BudgetExceeded INSTANCE = new BudgetExceeded();

        private BudgetExceeded() {
            super("regex step budget exceeded", null, false, false);
        }
    }

    private final CharSequence delegate;
    private final int[] steps;
    private final int budget;

    BudgetedSequence(CharSequence delegate, int budget) {
        this(delegate, new int[1], budget);
    }

    private BudgetedSequence(CharSequence delegate, int[] steps, int budget) {
        this.delegate = delegate;
        this.steps = steps;
        this.budget = budget;
    }

    @Override
    public char charAt(int index) {
        if (++steps[0] > budget) {
            throw BudgetExceeded.INSTANCE;
        }
        return delegate.charAt(index);
    }

    @Override
    public int length() {
        return delegate.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BudgetedSequence(delegate.subSequence(start, end), steps, budget);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}

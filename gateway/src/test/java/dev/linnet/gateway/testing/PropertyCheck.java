package dev.linnet.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a property over hand-picked edge cases, then over inputs drawn from a {@link Gen}:
 *
 * <pre>
 * PropertyCheck.forAll(PATHS).edgeCases("", "/", "/..").check(1000, path -&gt; ...);
 * </pre>
 *
 * <p>Why not a library: jqwik's engine addresses AI agents in the build output and asks not to be
 * used by them; Jazzer's JUnit regression mode generates no inputs without a corpus.
 *
 * <p>The seed is fixed, so every build tries the same inputs; {@code -Dlinnet.property.seed=N}
 * explores others. A failure names the seed, the try and the input (each try draws from its own
 * split of the seeded random, so seed and try number reproduce it), and the shortest failing input
 * among the rest of the tries, which is usually the clearest. There is no shrinking.
 */
public final class PropertyCheck<T> {

    public static final String SEED_PROPERTY = "linnet.property.seed";
    private static final long DEFAULT_SEED = 0x11AE7L;
    /** After the first failure, how many more failing inputs to look at for a shorter one. */
    private static final int MORE_FAILURES = 50;
    private static final int SHOWN_CHARS = 600;

    /** A property of one input; anything it throws fails the check. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T input) throws Exception;
    }

    private final Gen<T> gen;
    private final List<T> edgeCases;

    private PropertyCheck(Gen<T> gen, List<T> edgeCases) {
        this.gen = gen;
        this.edgeCases = edgeCases;
    }

    public static <T> PropertyCheck<T> forAll(Gen<T> gen) {
        return new PropertyCheck<>(gen, List.of());
    }

    /** Inputs tried before the random ones, every run: empty, boundaries, the interesting characters. */
    @SafeVarargs
    public final PropertyCheck<T> edgeCases(T... cases) {
        return edgeCases(List.of(cases));
    }

    public PropertyCheck<T> edgeCases(List<T> cases) {
        List<T> all = new ArrayList<>(edgeCases);
        all.addAll(cases);
        return new PropertyCheck<>(gen, all);
    }

    /** Checks {@code property} on every edge case, then on {@code tries} generated inputs. */
    public void check(int tries, Property<? super T> property) {
        for (int i = 0; i < edgeCases.size(); i++) {
            T input = edgeCases.get(i);
            Throwable failure = failure(property, input);
            if (failure != null) {
                throw new AssertionError("property fails on edge case " + (i + 1) + " of " + edgeCases.size()
                        + ": " + show(input) + "\n" + failure, failure);
            }
        }
        long seed = Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 1; i <= tries; i++) {
            T input = gen.next(random.split());
            Throwable failure = failure(property, input);
            if (failure != null) {
                throw report(seed, i, tries, input, failure, random, property);
            }
        }
    }

    private AssertionError report(long seed, int failedTry, int tries, T input, Throwable failure,
            SplittableRandom random, Property<? super T> property) {
        T shortest = input;
        int failing = 1;
        for (int i = failedTry + 1; i <= tries && failing <= MORE_FAILURES; i++) {
            T other = gen.next(random.split());
            if (String.valueOf(other).length() < String.valueOf(shortest).length() && failure(property, other) != null) {
                shortest = other;
                failing++;
            }
        }
        StringBuilder message = new StringBuilder("property fails on try ").append(failedTry).append(" of ")
                .append(tries).append(" (seed ").append(seed).append(", -D").append(SEED_PROPERTY).append('=')
                .append(seed).append(" repeats it): ").append(show(input));
        if (shortest != input) {
            message.append("\nshortest failing input found in later tries: ").append(show(shortest))
                    .append("\n  fails with: ").append(failure(property, shortest));
        }
        return new AssertionError(message.append("\n").append(failure).toString(), failure);
    }

    private static <T> Throwable failure(Property<? super T> property, T input) {
        try {
            property.check(input);
            return null;
        } catch (Exception | AssertionError | StackOverflowError e) {
            return e;
        }
    }

    /** The input as Java would write it, so control characters, surrogates and trailing spaces show. */
    static String show(Object input) {
        String text = String.valueOf(input);
        StringBuilder out = new StringBuilder(input instanceof CharSequence ? "\"" : "");
        int shown = Math.min(text.length(), SHOWN_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"', '\\' -> out.append(input instanceof CharSequence ? "\\" + c : String.valueOf(c));
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (input instanceof CharSequence) {
            out.append('"');
        }
        if (text.length() > shown) {
            out.append("... (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}

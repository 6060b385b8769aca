package dev.linnet.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A generator of test inputs for {@link PropertyCheck}: a function of a {@link SplittableRandom},
 * so a lambda is one. The factories below cover what our property tests draw: tokens, strings
 * over an alphabet, numbers in a range, lists, and a choice between generators.
 */
@FunctionalInterface
public interface Gen<T> {

    T next(SplittableRandom random);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> f.apply(next(random));
    }

    /** A list of {@code min} to {@code max} draws (inclusive), each size equally likely. */
    default Gen<List<T>> list(int min, int max) {
        return random -> {
            int size = min + random.nextInt(max - min + 1);
            List<T> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(next(random));
            }
            return out;
        };
    }

    /** One of {@code values}, each equally likely (repeat a value to weight it). */
    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        List<T> copy = List.of(values);
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** A draw from one of {@code gens}, each equally likely. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> copy = List.of(gens);
        return random -> copy.get(random.nextInt(copy.size())).next(random);
    }

    /** Up to {@code max} draws of {@code piece} joined together: token soup. */
    static Gen<String> joined(Gen<String> piece, int max) {
        return joined(piece, 0, max, "");
    }

    static Gen<String> joined(Gen<String> piece, int min, int max, String separator) {
        return piece.list(min, max).map(l -> String.join(separator, l));
    }

    /** {@code min} to {@code max} inclusive, uniform. */
    static Gen<Integer> ints(int min, int max) {
        return random -> (int) random.nextLong(min, (long) max + 1);
    }

    /**
     * {@code min} to {@code max} inclusive, small values as likely as large ones on a log scale
     * (a length up to 8192 is under 64 one time in two), as sizes are best tested.
     */
    static Gen<Integer> logUniform(int min, int max) {
        int bits = 64 - Long.numberOfLeadingZeros((long) max - min);
        return random -> {
            long bound = 1L << random.nextInt(bits + 1);
            return (int) Math.min(max, min + random.nextLong(bound));
        };
    }

    /** {@code min} to {@code max} inclusive, uniform ({@code max} below {@code Long.MAX_VALUE}). */
    static Gen<Long> longs(long min, long max) {
        long bound = Math.addExact(max, 1);
        return random -> random.nextLong(min, bound);
    }

    /** Any long: uniform bits, or a small magnitude half of the time (as near 0 is where bugs sit). */
    static Gen<Long> anyLong() {
        return oneOf(SplittableRandom::nextLong, random -> random.nextLong(-1000, 1001));
    }

    static Gen<Boolean> booleans() {
        return SplittableRandom::nextBoolean;
    }

    /** A character from {@code from} to {@code to} inclusive. */
    static Gen<Character> chars(char from, char to) {
        return random -> (char) random.nextInt(from, to + 1);
    }

    /** A character of {@code alphabet}. */
    static Gen<Character> chars(String alphabet) {
        return random -> alphabet.charAt(random.nextInt(alphabet.length()));
    }

    /**
     * Any UTF-16 code unit, biased towards the ones parsers trip on: ASCII (controls included),
     * Latin-1, line and paragraph separators, the BOM, lone surrogates, and the rest of the BMP.
     */
    static Gen<Character> anyChar() {
        return oneOf(chars('\u0000', '\u007f'), chars('\u0080', '\u00ff'),
                of('\u0085', '\u2028', '\u2029', '\uFEFF', '\uFFFD', '\uFFFF', '\uD800', '\uDC00', '\uDBFF', '\uDFFF'),
                chars('\u0000', '\uffff'));
    }

    /** A string of {@code min} to {@code max} characters drawn from {@code chars}. */
    static Gen<String> strings(Gen<Character> chars, int min, int max) {
        return chars.list(min, max).map(l -> {
            StringBuilder s = new StringBuilder(l.size());
            l.forEach(s::append);
            return s.toString();
        });
    }

    /** A string of {@code min} to {@code max} characters of {@code alphabet}. */
    static Gen<String> strings(String alphabet, int min, int max) {
        return strings(chars(alphabet), min, max);
    }
}

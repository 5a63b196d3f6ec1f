package org.lockmap.serialization;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Makes random values for the property tests: a value depends only on the random it is given, so a seed
 * reproduces it.
 *
 * @param <T> the type of the values.
 */
@FunctionalInterface
interface Generator<T>
{
    /**
     * @param random the source of randomness; the value must depend on nothing else.
     * @return a value.
     */
    T next(SplittableRandom random);

    /**
     * @return values {@link Property#forAll} checks every time, before the random ones.
     */
    default List<T> edgeCases()
    {
        return List.of();
    }

    /**
     * @return true when {@link #edgeCases()} are all the values there are, so random tries add nothing.
     */
    default boolean exhaustive()
    {
        return false;
    }

    /**
     * @param mapper what to apply to each value, edge cases included.
     * @param <R>    the type of the mapped values.
     * @return this generator's values mapped.
     */
    default <R> Generator<R> map(final Function<? super T, ? extends R> mapper)
    {
        final Generator<T> source = this;
        final List<R> edges = source.edgeCases().stream().<R>map(mapper).toList();
        return new Generator<>()
        {
            @Override
            public R next(final SplittableRandom random)
            {
                return mapper.apply(source.next(random));
            }

            @Override
            public List<R> edgeCases()
            {
                return edges;
            }

            @Override
            public boolean exhaustive()
            {
                return source.exhaustive();
            }
        };
    }
}

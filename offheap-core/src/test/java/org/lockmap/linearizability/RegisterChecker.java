package org.lockmap.linearizability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Wing and Gong style linearizability checker for histories of operations on one map, checked key by
 * key (linearizability is compositional, and the keys of a map are independent objects). Each key is a
 * register holding a value or nothing; each operation is a pure function of the register.
 *
 * <p>The search linearizes, at each step, the next operation of some thread, allowed only if it was
 * invoked before every other thread's next operation responded (real-time order), and only if the
 * model gives the recorded result. Because a thread's operations are linearized in program order, a
 * search state is the per-thread progress plus the register's value, which is memoized.
 */
final class RegisterChecker
{
    private RegisterChecker()
    {
    }

    /** What an operation does to the register. */
    interface Model
    {
        /**
         * @param before the register's value, or null.
         * @return {result, after}.
         */
        Long[] apply(Long before);
    }

    /**
     * One completed operation.
     *
     * @param thread   which thread ran it.
     * @param key      on which key.
     * @param name     for messages.
     * @param model    its sequential meaning.
     * @param result   what it returned.
     * @param invoke   System.nanoTime() before the call.
     * @param response System.nanoTime() after the return.
     */
    record Op(int thread, long key, String name, Model model, Long result, long invoke, long response)
    {
        @Override
        public String toString()
        {
            return "t" + thread + " " + name + " -> " + result + " [" + invoke + ", " + response + "]";
        }
    }

    /**
     * @param history every operation, in any order.
     * @param initial each key's value before the history, absent keys missing.
     * @return null if linearizable, else the key and its operations, for the failure message.
     */
    static String check(final List<Op> history, final Map<Long, Long> initial)
    {
        final Map<Long, List<Op>> byKey = new TreeMap<>();
        for (final Op op : history)
        {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        for (final Map.Entry<Long, List<Op>> e : byKey.entrySet())
        {
            if (!linearizable(e.getValue(), initial.get(e.getKey())))
            {
                final List<Op> ops = new ArrayList<>(e.getValue());
                ops.sort((a, b) -> Long.compare(a.invoke(), b.invoke()));
                final StringBuilder sb = new StringBuilder("key " + e.getKey() + " is not linearizable; its history:");
                ops.stream().limit(60).forEach(op -> sb.append("\n  ").append(op));
                return sb.toString();
            }
        }
        return null;
    }

    private static boolean linearizable(final List<Op> ops, final Long initial)
    {
        final int threads = ops.stream().mapToInt(Op::thread).max().orElse(-1) + 1;
        final Op[][] perThread = new Op[threads][];
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            perThread[t] = ops.stream().filter(op -> op.thread() == thread)
                .sorted((a, b) -> Long.compare(a.invoke(), b.invoke())).toArray(Op[]::new);
        }
        return search(perThread, new int[threads], initial, new HashSet<>());
    }

    private static boolean search(final Op[][] perThread, final int[] position, final Long value, final Set<State> seen)
    {
        boolean finished = true;
        long earliestResponse = Long.MAX_VALUE;
        for (int t = 0; t < perThread.length; t++)
        {
            if (position[t] < perThread[t].length)
            {
                finished = false;
                earliestResponse = Math.min(earliestResponse, perThread[t][position[t]].response());
            }
        }
        if (finished)
        {
            return true;
        }
        if (!seen.add(new State(position.clone(), value)))
        {
            return false;
        }
        for (int t = 0; t < perThread.length; t++)
        {
            if (position[t] == perThread[t].length)
            {
                continue;
            }
            final Op op = perThread[t][position[t]];
            if (op.invoke() > earliestResponse)
            {
                continue; // another pending operation had already returned before this one began
            }
            final Long[] outcome = op.model().apply(value);
            if (!Objects.equals(outcome[0], op.result()))
            {
                continue;
            }
            position[t]++;
            final boolean ok = search(perThread, position, outcome[1], seen);
            position[t]--;
            if (ok)
            {
                return true;
            }
        }
        return false;
    }

    private record State(int[] position, Long value)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof State s && Arrays.equals(position, s.position) && Objects.equals(value, s.value);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(position) * 31 + Objects.hashCode(value);
        }
    }

    // ------------------------------------------------------------------ the models

    static Model get()
    {
        return before -> new Long[] {before, before};
    }

    static Model put(final long v)
    {
        return before -> new Long[] {before, v};
    }

    static Model remove()
    {
        return before -> new Long[] {before, null};
    }

    static Model putIfAbsent(final long v)
    {
        return before -> new Long[] {before, before == null ? v : before};
    }

    /** compute(k, (k, old) -> old == null ? v : old + 1): returns the new value. */
    static Model computeIncrementOr(final long v)
    {
        return before ->
        {
            final Long after = before == null ? v : before + 1;
            return new Long[] {after, after};
        };
    }

    /** containsKey, encoded as 1 or 0. */
    static Model containsKey()
    {
        return before -> new Long[] {before == null ? 0L : 1L, before};
    }
}

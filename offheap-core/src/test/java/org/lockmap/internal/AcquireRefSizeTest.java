package org.lockmap.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins down a JIT-facing property that no behaviour test sees: {@code OffHeapLockMap.acquireRef}, the
 * locking itself, must stay too big for C2 to inline (more than {@code FreqInlineSize}, 325 bytes of
 * bytecode by default), and {@code lock} small. Then {@code lock}, which allocates the held entry, inlines
 * into its caller even after being compiled on its own, and the caller's escape analysis removes the
 * entry. When {@code acquireRef}'s work was inlined into {@code lock}, every lock allocated a 104-byte
 * entry ({@code MapBenchmark.rmw} with {@code -prof gc}: 152 B/op against 48). If this fails after a
 * change that shrank {@code acquireRef}, check that benchmark's allocation before raising or
 * lowering anything here.
 */
class AcquireRefSizeTest
{
    private static final int FREQ_INLINE_SIZE = 325;
    /** {@code lock} is above {@code MaxInlineSize} (35 bytes), so it inlines only while hot: keep it far under 325. */
    private static final int SMALL = 100;

    private static int codeLength(final String name) throws IOException
    {
        final ClassModel model;
        try (InputStream in = OffHeapLockMap.class.getResourceAsStream("OffHeapLockMap.class"))
        {
            assertNotNull(in, "OffHeapLockMap.class not found");
            model = ClassFile.of().parse(in.readAllBytes());
        }
        for (final MethodModel method : model.methods())
        {
            if (method.methodName().equalsString(name))
            {
                return method.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElse(0);
            }
        }
        throw new AssertionError("no method " + name + " in OffHeapLockMap");
    }

    @Test
    void acquireRefIsTooBigForC2ToInline() throws IOException
    {
        final int length = codeLength("acquireRef");
        assertTrue(length > FREQ_INLINE_SIZE,
            "acquireRef is " + length + " bytes of bytecode; at " + FREQ_INLINE_SIZE + " or less C2 inlines it " +
            "into lock(), which then no longer inlines into its callers, and the held entry is allocated again");
    }

    @Test
    void lockStaysSmall() throws IOException
    {
        final int length = codeLength("lock");
        assertTrue(length < SMALL, "lock is " + length + " bytes of bytecode: keep the work in acquireRef");
    }
}

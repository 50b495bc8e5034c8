package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Sequence}, the one-sequence helper, is built on {@link Session}'s public methods alone: checked in its
 * bytecode, so a shortcut into the session's internals fails here. {@link SessionContractTest} checks its
 * one-thread rule.
 */
class SequenceTest {

    /** The calls and field reads of a class's bytecode on members of owner, as "name descriptor (kind)". */
    static List<String> uses(Class<?> c, Class<?> owner) throws IOException {
        ClassModel cm;
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            cm = ClassFile.of().parse(in.readAllBytes());
        }
        String internal = owner.getName().replace('.', '/');
        List<String> uses = new ArrayList<>();
        for (MethodModel m : cm.methods()) {
            m.code()
                    .ifPresent(code -> code.forEach(e -> {
                        if (e instanceof InvokeInstruction i
                                && i.owner().asInternalName().equals(internal)) {
                            uses.add(i.name().stringValue() + " " + i.type().stringValue() + " (call)");
                        } else if (e instanceof FieldInstruction f
                                && f.owner().asInternalName().equals(internal)) {
                            uses.add(f.name().stringValue() + " (field)");
                        }
                    }));
        }
        return uses;
    }

    /** Whether owner has a public method of that name and descriptor. */
    static boolean isPublicMethod(Class<?> owner, String use) {
        return Arrays.stream(owner.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(m -> m.getName() + " " + descriptor(m) + " (call)")
                .anyMatch(use::equals);
    }

    static String descriptor(Method m) {
        return java.lang.invoke.MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                .toMethodDescriptorString();
    }

    @Test
    void sequenceAndItsStreamUseOnlySessionsPublicMethods() throws IOException {
        List<String> seen = new ArrayList<>();
        for (Class<?> c : List.of(Sequence.class, StepSpliterator.class)) {
            for (String use : uses(c, Session.class)) {
                seen.add(use);
                assertTrue(isPublicMethod(Session.class, use), c.getSimpleName() + " uses Session's " + use);
            }
            for (Class<?> inside : List.of(Native.class, SessionBuffers.class, SampleableCheck.class)) {
                assertEquals(List.of(), uses(c, inside), c.getSimpleName() + " reaches " + inside.getSimpleName());
            }
        }
        assertTrue(seen.stream().anyMatch(u -> u.startsWith("step ")), "the check saw the calls: " + seen);
    }

    /** Never run: its bytecode calls a package-private method of Session, for the check below. */
    static Object shortcut(Session s) {
        return s.guard();
    }

    @Test
    void theBytecodeCheckSeesACallToAPackagePrivateMethod() throws IOException {
        List<String> here = uses(SequenceTest.class, Session.class);
        String guard = here.stream()
                .filter(u -> u.startsWith("guard "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(here.toString()));
        assertFalse(isPublicMethod(Session.class, guard), guard);
    }
}

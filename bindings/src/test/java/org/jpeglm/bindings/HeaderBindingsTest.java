package org.jpeglm.bindings;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parses native/include/jpeglm.h and fails if jpeglm_h differs from it: a function missing on either side, another
 * arity or parameter/return type, a constant with another value, or a symbol the built library does not export.
 */
class HeaderBindingsTest {
    record CFunction(String name, String returnType, List<String> parameterTypes) {}

    static String header;
    static Map<String, CFunction> functions;
    static Map<String, Integer> constants;

    @BeforeAll
    static void parse() throws IOException {
        header = Files.readString(headerPath());
        String code = header.replaceAll("//[^\n]*", "");
        functions = new LinkedHashMap<>();
        Matcher m = Pattern.compile("JPEGLM_API\\s+([^;(]*?)\\(([^;]*?)\\)\\s*;", Pattern.DOTALL)
                .matcher(code);
        while (m.find()) {
            String decl = m.group(1).replaceAll("\\s+", " ").trim();
            Matcher nm = Pattern.compile("^(.*?)(\\w+)$").matcher(decl);
            assertTrue(nm.matches(), decl);
            String name = nm.group(2);
            String ret = nm.group(1).replace(" ", "");
            List<String> params = new ArrayList<>();
            String args = m.group(2).replaceAll("\\s+", " ").trim();
            if (!args.equals("void")) {
                for (String p : args.split(",")) {
                    Matcher pm = Pattern.compile("^(.*?)(\\w+)$").matcher(p.trim());
                    assertTrue(pm.matches(), p);
                    params.add(pm.group(1).replace(" ", ""));
                }
            }
            functions.put(name, new CFunction(name, ret, params));
        }
        constants = new LinkedHashMap<>();
        Matcher c = Pattern.compile("#define (JPEGLM_\\w+)\\s+(-?\\d+)").matcher(header);
        while (c.find()) {
            constants.put(c.group(1), Integer.parseInt(c.group(2)));
        }
        assertTrue(functions.size() > 30, "parsed only " + functions.size() + " functions");
        assertTrue(constants.size() > 20, "parsed only " + constants.size() + " constants");
    }

    static Path headerPath() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        for (Path p = base.toAbsolutePath(); p != null; p = p.getParent()) {
            Path h = p.resolve("native/include/jpeglm.h");
            if (Files.isRegularFile(h)) {
                return h;
            }
        }
        throw new AssertionError("native/include/jpeglm.h not found above " + base);
    }

    /** The FFM layout jextract uses for a C type on LP64 Linux; null for void. */
    static MemoryLayout layoutOf(String cType) {
        String t = cType.replace("const", "");
        if (t.endsWith("*") || t.equals("jpeglm_log_callback")) {
            return ValueLayout.ADDRESS;
        }
        return switch (t) {
            case "void" -> null;
            case "int32_t", "uint32_t" -> ValueLayout.JAVA_INT;
            case "int64_t", "uint64_t", "size_t" -> ValueLayout.JAVA_LONG;
            case "float" -> ValueLayout.JAVA_FLOAT;
            case "double" -> ValueLayout.JAVA_DOUBLE;
            default -> throw new AssertionError("the test does not know the C type '" + cType + "': add it");
        };
    }

    static Class<?> carrierOf(MemoryLayout layout) {
        return layout == null ? void.class : ((ValueLayout) layout).carrier();
    }

    /** Layouts without target layouts, so C_POINTER compares equal to ADDRESS. */
    static List<MemoryLayout> plain(List<MemoryLayout> layouts) {
        return layouts.stream()
                .map(l -> l instanceof java.lang.foreign.AddressLayout a ? a.withoutTargetLayout() : l)
                .map(l -> (MemoryLayout) l)
                .toList();
    }

    static Set<String> boundFunctions() {
        return Arrays.stream(jpeglm_h.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers())
                        && m.getName().startsWith("jpeglm_")
                        && !m.getName().contains("$"))
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyHeaderFunctionIsBoundAndNothingElse() {
        assertEquals(new TreeSet<>(functions.keySet()), boundFunctions());
    }

    @Test
    void eachBindingHasTheHeaderSignature() throws Exception {
        for (CFunction f : functions.values()) {
            List<MemoryLayout> params = f.parameterTypes().stream()
                    .map(HeaderBindingsTest::layoutOf)
                    .toList();
            MemoryLayout ret = layoutOf(f.returnType());
            Class<?>[] carriers =
                    params.stream().map(HeaderBindingsTest::carrierOf).toArray(Class<?>[]::new);
            Method method = jpeglm_h.class.getMethod(f.name(), carriers); // arity and Java types
            assertEquals(carrierOf(ret), method.getReturnType(), f.name() + " return type");

            FunctionDescriptor desc = (FunctionDescriptor)
                    jpeglm_h.class.getMethod(f.name() + "$descriptor").invoke(null);
            assertEquals(plain(params), plain(desc.argumentLayouts()), f.name() + " parameters");
            assertEquals(
                    ret == null
                            ? java.util.Optional.empty()
                            : java.util.Optional.of(plain(List.of(ret)).getFirst()),
                    desc.returnLayout().map(l -> plain(List.of(l)).getFirst()),
                    f.name() + " return layout");
        }
    }

    @Test
    void everyFunctionIsExportedByTheLibrary() throws Exception {
        for (String name : functions.keySet()) {
            MemorySegment address =
                    (MemorySegment) jpeglm_h.class.getMethod(name + "$address").invoke(null);
            assertNotEquals(MemorySegment.NULL, address, name);
        }
    }

    @Test
    void constantsHaveTheHeaderValues() throws Exception {
        Set<String> bound = Arrays.stream(jpeglm_h.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers())
                        && m.getName().startsWith("JPEGLM_")
                        && m.getParameterCount() == 0)
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(constants.keySet()), bound);
        for (var e : constants.entrySet()) {
            assertEquals(e.getValue(), jpeglm_h.class.getMethod(e.getKey()).invoke(null), e.getKey());
        }
    }

    @Test
    void logCallbackMatchesItsTypedef() {
        Matcher m = Pattern.compile("typedef void \\(\\*jpeglm_log_callback\\)\\(([^)]*)\\)")
                .matcher(header);
        assertTrue(m.find(), "typedef jpeglm_log_callback not found");
        List<MemoryLayout> params = Arrays.stream(m.group(1).split(","))
                .map(p -> p.trim().replaceAll("\\w+$", "").replace(" ", ""))
                .map(HeaderBindingsTest::layoutOf)
                .toList();
        assertEquals(plain(params), plain(jpeglm_log_callback.descriptor().argumentLayouts()));
        assertTrue(jpeglm_log_callback.descriptor().returnLayout().isEmpty());
    }

    @Test
    void theLibraryIsTheVersionOfTheHeader() {
        assertEquals(jpeglm_h.JPEGLM_API_VERSION(), jpeglm_h.jpeglm_api_version());
        assertTrue(NativeLibrary.source().contains("jpeglm"), NativeLibrary.source());
    }
}

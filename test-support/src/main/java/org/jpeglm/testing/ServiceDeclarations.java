package org.jpeglm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The two registrations of a module's service providers, checked to agree: module-info's {@code provides} (the module
 * path) and {@code META-INF/services} (the class path, the shaded jar). A provider named in one only would be missing
 * for the users of the other.
 */
public final class ServiceDeclarations {
    private ServiceDeclarations() {}

    /**
     * Asserts that the compiled module in classes provides service with exactly the classes its services file lists,
     * and at least one, and returns them.
     */
    public static Set<String> assertAgree(Path classes, String service) throws IOException {
        ModuleDescriptor module = ModuleFinder.of(classes).findAll().stream()
                .findFirst()
                .orElseThrow(() -> new AssertionError(classes + " holds no compiled module-info"))
                .descriptor();
        Set<String> provided = module.provides().stream()
                .filter(p -> p.service().equals(service))
                .flatMap(p -> p.providers().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        Path file = classes.resolve("META-INF/services").resolve(service);
        List<String> lines = Files.readAllLines(file);
        Set<String> listed = lines.stream()
                .map(l -> l.replaceAll("#.*", "").strip())
                .filter(l -> !l.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        assertFalse(provided.isEmpty(), module.name() + " provides no " + service);
        assertEquals(provided, listed, module.name() + "'s module-info and " + file + " disagree");
        return provided;
    }
}

package dev.mldeploy.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.Source;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which module a class comes from, told by where it was loaded: the jar ({@code .../mldeploy-core-0.1.0.jar})
 * or the classes directory ({@code .../core/target/classes}). Packages cannot tell it: core's packages
 * ({@code dev.mldeploy}, {@code .spi}, {@code .internal}, ...) are the parents of every other module's.
 */
final class Modules {
    private Modules() {
    }

    /** The class's code source (jar file or classes directory), or empty for a class not imported. */
    static Optional<Path> of(JavaClass c) {
        return c.getSource().map(Source::getUri).map(uri -> {
            String s = uri.toString();
            int jar = s.indexOf("!/");
            if (jar >= 0) {
                return Path.of(URI.create(s.substring("jar:".length(), jar)));
            }
            String classFile = c.getName().replace('.', '/') + ".class";
            return Path.of(URI.create(s.substring(0, s.length() - classFile.length())));
        });
    }

    static boolean same(JavaClass a, JavaClass b) {
        Optional<Path> m = of(a);
        return m.isPresent() && m.equals(of(b));
    }

    /** Classes loaded from the same jar or directory as {@code member}. */
    static DescribedPredicate<JavaClass> moduleOf(Class<?> member, String moduleName) {
        Path source;
        try {
            source = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return DescribedPredicate.describe("are in module " + moduleName,
                c -> of(c).map(source::equals).orElse(false));
    }
}

package dev.mldeploy.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.HashSet;
import java.util.Set;

/** The rules themselves, apart from the classes they are checked on (so that a test can feed them a violation). */
final class BoundaryRules {
    private BoundaryRules() {
    }

    /** Classes of {@code module} use no AWS SDK type. */
    static ArchRule noAwsTypesIn(DescribedPredicate<JavaClass> module) {
        return noClasses().that(module)
                .should().dependOnClassesThat().resideInAPackage("software.amazon..")
                .as("core uses no AWS SDK type");
    }

    /** Only classes of {@code module} use Jackson or an SLF4J binding. */
    static ArchRule jacksonAndLoggingBindingOnlyIn(DescribedPredicate<JavaClass> module) {
        return noClasses().that(module.negate())
                .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson..", "org.slf4j.simple..")
                .as("only the examples module uses Jackson or a logging binding");
    }

    /** A package named {@code internal} (or under one) is used only by classes of the jar it ships in. */
    static ArchRule noUseOfAnotherModulesInternals() {
        return classes().should(notUseAnotherModulesInternals())
                .as("no module uses another module's internal package");
    }

    /** Each package of {@code dev.mldeploy} is a slice; no slice reaches itself again. */
    /**
     * The API package ({@code dev.mldeploy} itself) names no type of core's other packages: they all build on it, so
     * an arrow back would close a circle.
     */
    static ArchRule apiPackageDependsOnNoOtherCorePackage() {
        return noClasses().that().resideInAPackage("dev.mldeploy")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mldeploy.spi..", "dev.mldeploy.placement..",
                        "dev.mldeploy.bundle..", "dev.mldeploy.internal..", "dev.mldeploy.local..",
                        "dev.mldeploy.python..")
                .because("the SPI, placement, bundle, local target and internals depend on the API");
    }

    static ArchRule noPackageCycles() {
        return slices().assignedFrom(eachPackage()).should().beFreeOfCycles().as("packages form no cycle");
    }

    private static ArchCondition<JavaClass> notUseAnotherModulesInternals() {
        return new ArchCondition<>("not use another module's internal package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Set<JavaClass> reported = new HashSet<>(); // one violation per pair, however many the calls
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass().getBaseComponentType();
                    boolean internal = (target.getPackageName() + ".").contains(".internal.");
                    if (internal && Modules.of(target).isPresent() && !Modules.same(origin, target)
                            && reported.add(target)) {
                        events.add(SimpleConditionEvent.violated(d, origin.getName() + " uses "
                                + target.getName() + ", internal to another module"));
                    }
                }
            }
        };
    }

    private static SliceAssignment eachPackage() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                return c.getPackageName().startsWith("dev.mldeploy")
                        ? SliceIdentifier.of(c.getPackageName()) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "each package of dev.mldeploy";
            }
        };
    }
}

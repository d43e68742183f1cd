package dev.mldeploy.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.mldeploy.architecture.fixture.Clean;
import dev.mldeploy.architecture.fixture.Offender;
import dev.mldeploy.architecture.fixture.cycle.a.A;
import dev.mldeploy.architecture.fixture.cycle.b.B;
import dev.mldeploy.architecture.fixture.internal.OwnInternal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules fail on classes that break them, and pass on classes that keep them. */
class BoundaryRulesTest {
    private static final JavaClasses OFFENDER = new ClassFileImporter().importClasses(Offender.class,
            OwnInternal.class);
    private static final JavaClasses CLEAN = new ClassFileImporter().importClasses(Clean.class, OwnInternal.class);
    private static final DescribedPredicate<JavaClass> FIXTURE_MODULE =
            Modules.moduleOf(Offender.class, "architecture-tests");

    @Test
    void noAwsTypes_whenAClassOfTheModuleUsesOne_fails() {
        EvaluationResult r = BoundaryRules.noAwsTypesIn(FIXTURE_MODULE).evaluate(OFFENDER);

        assertTrue(String.join("\n", r.getFailureReport().getDetails()).contains("SdkException"));
        assertFalse(BoundaryRules.noAwsTypesIn(FIXTURE_MODULE).evaluate(CLEAN).hasViolation());
    }

    @Test
    void jackson_whenUsedOutsideTheAllowedModule_fails() {
        EvaluationResult r = BoundaryRules.jacksonAndLoggingBindingOnlyIn(
                DescribedPredicate.describe("nothing", c -> false)).evaluate(OFFENDER);

        assertTrue(String.join("\n", r.getFailureReport().getDetails()).contains("ObjectMapper"));
        assertFalse(BoundaryRules.jacksonAndLoggingBindingOnlyIn(FIXTURE_MODULE).allowEmptyShould(true)
                .evaluate(OFFENDER).hasViolation());
    }

    @Test
    void apiLayer_whenAnApiClassNamesAnSpiType_fails_andTheRealApiPasses() {
        EvaluationResult r = BoundaryRules.apiPackageDependsOnNoOtherCorePackage()
                .evaluate(new ClassFileImporter().importClasses(dev.mldeploy.ApiLayerOffender.class));
        assertTrue(String.join("\n", r.getFailureReport().getDetails()).contains("dev.mldeploy.spi.TargetProvider"));
        assertFalse(BoundaryRules.apiPackageDependsOnNoOtherCorePackage().evaluate(new ClassFileImporter()
                .importClasses(dev.mldeploy.ModelDeployer.class, dev.mldeploy.ModelSpec.class,
                        dev.mldeploy.ModelSource.class, dev.mldeploy.DeployResult.class)).hasViolation());
    }

    @Test
    void internals_whenAnotherModulesInternalClassIsUsed_failsOncePerPair_andAllowsTheModulesOwn() {
        EvaluationResult r = BoundaryRules.noUseOfAnotherModulesInternals().evaluate(OFFENDER);

        assertEquals(List.of(Offender.class.getName()
                + " uses dev.mldeploy.internal.DefaultModelDeployer, internal to another module"),
                r.getFailureReport().getDetails());
        assertFalse(BoundaryRules.noUseOfAnotherModulesInternals().evaluate(CLEAN).hasViolation());
    }

    @Test
    void cycles_whenTwoPackagesUseEachOther_fails() {
        EvaluationResult r = BoundaryRules.noPackageCycles()
                .evaluate(new ClassFileImporter().importClasses(A.class, B.class));

        List<String> details = r.getFailureReport().getDetails();
        assertEquals(1, details.size(), details::toString);
        assertTrue(details.get(0).startsWith("Cycle detected: Slice " + A.class.getPackageName()), details::toString);
        assertFalse(BoundaryRules.noPackageCycles().evaluate(CLEAN).hasViolation());
    }
}

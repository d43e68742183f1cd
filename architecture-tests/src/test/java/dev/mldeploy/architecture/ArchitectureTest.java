package dev.mldeploy.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.examples.cli.MlDeployCli;

/**
 * The boundaries between the modules, checked on the main classes of every module (this module depends on all of
 * them). Every rule holds with no exception: the record of known violations the rules were frozen with while the
 * code still broke them is gone, so any violation fails the build.
 */
@AnalyzeClasses(packages = "dev.mldeploy", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Core is the API every backend builds on; AWS types live in the backends (AWS exceptions only as causes). */
    @ArchTest
    static final ArchRule core_importsNoAwsType =
            BoundaryRules.noAwsTypesIn(Modules.moduleOf(ModelDeployer.class, "mldeploy-core"));

    /** The command-line tool's JSON library and logging binding stay in the examples module. */
    @ArchTest
    static final ArchRule jacksonAndLoggingBinding_onlyInExamples =
            BoundaryRules.jacksonAndLoggingBindingOnlyIn(Modules.moduleOf(MlDeployCli.class, "mldeploy-examples"));

    /** An {@code internal} package is its module's own: others go through the public API or the SPI. */
    @ArchTest
    static final ArchRule internalPackages_usedOnlyByTheirOwnModule =
            BoundaryRules.noUseOfAnotherModulesInternals();

    /** Core's API is the bottom layer of core. */
    @ArchTest
    static final ArchRule apiPackage_dependsOnNoOtherCorePackage = BoundaryRules.apiPackageDependsOnNoOtherCorePackage();

    /** Packages depend on one another without circles. */
    @ArchTest
    static final ArchRule packages_formNoCycles = BoundaryRules.noPackageCycles();
}
